"""How long and how often to measure; the same numbers as Settings.java on Ember's side."""
import argparse
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    quick: bool
    only: "re.Pattern"
    seed: int
    threads: int
    warm_up_ns: int  # a micro-benchmark's shortest warm-up, which also estimates the time per call
    max_warm_up_ns: int  # a micro-benchmark's longest warm-up (see measure.py)
    repeat_ns: int  # the time one repeat aims at
    repeats: int  # timed repeats per micro-benchmark
    warm_up_batches: int  # training batches before the timed epoch
    timed_batches: int  # training batches timed; 0 means one whole epoch
    loader_warm_up_batches: int  # batches of the data loader's untimed first pass
    loader_epochs: int  # timed passes of the data loader
    loader_batches: int  # batches per timed loader pass; 0 means the whole epoch

    def selects(self, group, name):
        return self.only.search(f"{group}/{name}") is not None


def parse(argv):
    parser = argparse.ArgumentParser(description="PyTorch's side of bench/run")
    parser.add_argument("group", nargs="?", help="the workload group to run")
    parser.add_argument("--list", action="store_true", help="print group/name of every selected workload")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="", help="regex searched in group/name")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    only = re.compile(args.only)
    if args.quick:
        settings = Settings(True, only, args.seed, args.threads, 200_000_000, 1_000_000_000, 20_000_000, 3, 10, 100, 20, 1, 150)
    else:
        settings = Settings(False, only, args.seed, args.threads, 3_000_000_000, 10_000_000_000, 100_000_000, 10, 938, 0, 100, 3, 0)
    if not args.list and not args.group:
        parser.error("a workload group, or --list, is required")
    return ("--list" if args.list else args.group), settings
