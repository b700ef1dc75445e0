"""Sequence layers, forward alone (_fwd) and forward plus backward of the output's sum (_fwdbwd),
on standard-normal inputs. Same as SequenceBenchmarks.java:
- LSTM(64, 256), one layer, sequence-first input [50, 32, 64] (seq 50, batch 32), zero initial
  state; backward computes every weight's gradient (the input needs none: a first layer);
- TransformerEncoderLayer(d_model 256, 4 heads, feed-forward 1024, dropout 0.1, ReLU, post-norm),
  batch-first input [16, 128, 256] (batch 16, seq 128), training mode (dropout active); backward
  computes every weight's gradient and the input's.
Gradients are reset to None after each call."""
import torch
import torch.nn as nn

from workload import MicroBenchmark

GROUP = "sequence"


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


LAYERS = (
    ("lstm_in64_h256_seq50_b32", lambda: nn.LSTM(64, 256), (50, 32, 64), False),
    ("transformer_encoder_d256_h4_ff1024_seq128_b16",
     lambda: nn.TransformerEncoderLayer(256, 4, dim_feedforward=1024, dropout=0.1, batch_first=True),
     (16, 128, 256), True),
)


def workloads():
    listed = []
    for name, make, shape, input_gradient in LAYERS:
        listed.append(MicroBenchmark(GROUP, name + "_fwd", _forward(make, shape)))
        listed.append(MicroBenchmark(GROUP, name + "_fwdbwd", _forward_backward(make, shape, input_gradient)))
    return listed
