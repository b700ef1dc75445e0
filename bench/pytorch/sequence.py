"""Sequence layers, forward alone (_fwd) and forward plus backward of the output's sum (_fwdbwd),
on standard-normal inputs. Same as SequenceBenchmarks.java:
- LSTM(64, 256), one layer, sequence-first input [50, 32, 64] (seq 50, batch 32), zero initial
  state; backward computes every weight's gradient (the input needs none: a first layer);
- TransformerEncoderLayer(d_model 256, 4 heads, feed-forward 1024, dropout 0.1, ReLU, post-norm),
  batch-first input [16, 128, 256] (batch 16, seq 128), training mode (dropout active); backward
  computes every weight's gradient and the input's.
Gradients are reset to None after each call."""
import torch.nn as nn

import layer_workloads

GROUP = "sequence"

LAYERS = (
    ("lstm_in64_h256_seq50_b32", lambda: nn.LSTM(64, 256), (50, 32, 64), False),
    ("transformer_encoder_d256_h4_ff1024_seq128_b16",
     lambda: nn.TransformerEncoderLayer(256, 4, dim_feedforward=1024, dropout=0.1, batch_first=True),
     (16, 128, 256), True),
)


def workloads():
    listed = []
    for name, make, shape, input_gradient in LAYERS:
        layer_workloads.add(listed, GROUP, name, make, shape, input_gradient)
    return listed
