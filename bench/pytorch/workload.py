"""A workload timed per call: set_up makes the inputs (outside the timing) and returns the call."""
from dataclasses import dataclass
from typing import Callable

import torch

import measure
import results


@dataclass(frozen=True)
class MicroBenchmark:
    group: str
    name: str
    set_up: Callable[[], Callable[[], object]]

    def run(self, settings):
        torch.manual_seed(settings.seed)
        call = self.set_up()
        results.result(self.group, self.name, "ns", measure.per_call_nanos(settings, call))
