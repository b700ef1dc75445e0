"""Row-wise ops over a [1024, 1024] standard-normal matrix: row sums, softmax and log-softmax
along rows, and LayerNorm(1024) (weight and bias, eps 1e-5). Same as ReductionBenchmarks.java."""
import torch
import torch.nn as nn

from workload import MicroBenchmark

GROUP = "reductions"


def _row_op(op):
    def set_up():
        x = torch.randn(1024, 1024)
        return lambda: op(x)
    return set_up


def _layer_norm():
    norm, x = nn.LayerNorm(1024), torch.randn(1024, 1024)
    return lambda: norm(x)


def workloads():
    return [
        MicroBenchmark(GROUP, "sum_rows_1024x1024", _row_op(lambda x: x.sum(-1))),
        MicroBenchmark(GROUP, "softmax_rows_1024x1024", _row_op(lambda x: torch.softmax(x, -1))),
        MicroBenchmark(GROUP, "log_softmax_rows_1024x1024", _row_op(lambda x: torch.log_softmax(x, -1))),
        MicroBenchmark(GROUP, "layer_norm_1024x1024", _layer_norm),
    ]
