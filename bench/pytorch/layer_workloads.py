"""A layer's two workloads on a standard-normal input, as LayerWorkloads.java: <name>_fwd, the
forward pass, and <name>_fwdbwd, forward and backward of the output's sum (the first output for
layers that return a tuple, like LSTM), gradients reset to None after each call."""
import torch

from workload import MicroBenchmark


def _output(result):
    return result[0] if isinstance(result, tuple) else result


def _forward(make, shape):
    def set_up():
        module, x = make(), torch.randn(*shape)
        return lambda: _output(module(x))
    return set_up


def _forward_backward(make, shape, input_gradient):
    def set_up():
        module = make()
        x = torch.randn(*shape).requires_grad_(input_gradient)
        parameters = list(module.parameters())

        def call():
            loss = _output(module(x)).sum()
            loss.backward()
            for parameter in parameters:
                parameter.grad = None
            x.grad = None
            return loss
        return call
    return set_up


def add(listed, group, name, make, shape, input_gradient):
    """Appends name_fwd and name_fwdbwd of the layer make() on inputs of the given shape."""
    listed.append(MicroBenchmark(group, name + "_fwd", _forward(make, shape)))
    listed.append(MicroBenchmark(group, name + "_fwdbwd", _forward_backward(make, shape, input_gradient)))
