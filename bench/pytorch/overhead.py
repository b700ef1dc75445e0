"""The fixed cost of one op: a + b on 1 and 16 elements, Linear(16, 16) forward on one [1, 16]
sample, and forward + backward of its output's sum (gradients reset to None after each call).
Same as OverheadBenchmarks.java."""
import torch
import torch.nn as nn

from workload import MicroBenchmark

GROUP = "overhead"


def _add(size):
    a, b = torch.randn(size), torch.randn(size)
    return lambda: a + b


def _linear_forward():
    linear, x = nn.Linear(16, 16), torch.randn(1, 16)
    return lambda: linear(x)


def _linear_forward_backward():
    linear, x = nn.Linear(16, 16), torch.randn(1, 16)
    parameters = list(linear.parameters())

    def call():
        loss = linear(x).sum()
        loss.backward()
        for parameter in parameters:
            parameter.grad = None
        return loss
    return call


def workloads():
    return [
        MicroBenchmark(GROUP, "add_1", lambda: _add(1)),
        MicroBenchmark(GROUP, "add_16", lambda: _add(16)),
        MicroBenchmark(GROUP, "linear16_fwd", _linear_forward),
        MicroBenchmark(GROUP, "linear16_fwdbwd", _linear_forward_backward),
    ]
