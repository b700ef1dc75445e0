"""Elementwise ops on contiguous float32 vectors of 1e3, 1e6 and 1e7 standard-normal elements,
each call making a new output: a + b, a * b + c (two ops), relu, exp, exact (erf) gelu.
Same as ElementwiseBenchmarks.java."""
import math

import torch
import torch.nn.functional as F

from workload import MicroBenchmark

GROUP = "elementwise"
SIZES = (1_000, 1_000_000, 10_000_000)


def _add(size):
    a, b = torch.randn(size), torch.randn(size)
    return lambda: a + b


def _muladd(size):
    a, b, c = torch.randn(size), torch.randn(size), torch.randn(size)
    return lambda: a * b + c


def _relu(size):
    a = torch.randn(size)
    return lambda: torch.relu(a)


def _exp(size):
    a = torch.randn(size)
    return lambda: torch.exp(a)


def _gelu(size):
    a = torch.randn(size)
    return lambda: F.gelu(a)


def workloads():
    listed = []
    for size in SIZES:
        suffix = f"_1e{round(math.log10(size))}"
        for op, make in (("add", _add), ("muladd", _muladd), ("relu", _relu), ("exp", _exp), ("gelu", _gelu)):
            listed.append(MicroBenchmark(GROUP, op + suffix, lambda make=make, size=size: make(size)))
    return listed
