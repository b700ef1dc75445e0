"""Matrix products (torch.matmul): squares of side 64 to 2048, and (64x784)·(784x256);
inputs standard normal. Same as MatmulBenchmarks.java."""
import torch

from workload import MicroBenchmark

GROUP = "matmul"
SQUARE_SIDES = (64, 128, 256, 512, 1024, 2048)


def _product(name, m, k, n):
    def set_up():
        left, right = torch.randn(m, k), torch.randn(k, n)
        return lambda: left @ right
    return MicroBenchmark(GROUP, name, set_up)


def workloads():
    return [_product(f"matmul_{n}", n, n, n) for n in SQUARE_SIDES] + [_product("matmul_64x784x256", 64, 784, 256)]
