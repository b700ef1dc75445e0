"""PyTorch's side of bench/run's core micro-benchmarks: same workloads, same output format."""
import sys
import time

import torch


def measure(name, calls, repeats, fn):
    end = time.perf_counter() + 1.0
    while time.perf_counter() < end:
        fn()
    per_call = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        for _ in range(calls):
            fn()
        per_call.append((time.perf_counter_ns() - start) / calls)
    per_call.sort()
    print(f"{name}\t{per_call[repeats // 2]:.1f}\t{per_call[0]:.1f}\t{per_call[-1]:.1f}")


def main():
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    torch.manual_seed(0)
    a1, b1 = torch.randn(1), torch.randn(1)
    measure("add_1", 20000, 15, lambda: a1 + b1)
    a16, b16 = torch.randn(16), torch.randn(16)
    measure("add_16", 20000, 15, lambda: a16 + b16)
    big1, big2 = torch.randn(1_000_000), torch.randn(1_000_000)
    measure("add_1e6", 200, 9, lambda: big1 + big2)
    for n in (512, 1024):
        x, y = torch.randn(n, n), torch.randn(n, n)
        measure(f"matmul_{n}", 40 if n == 512 else 8, 7, lambda: x @ y)


if __name__ == "__main__":
    main()
