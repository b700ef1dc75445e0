"""Convolution layers and the layers around them, forward alone (_fwd) and forward plus backward
of the output's sum (_fwdbwd), on standard-normal NCHW inputs. Same as ConvolutionBenchmarks.java:
Conv2d 3x3, stride 1, padding 1, with bias (input gradient except for 1->32, a first layer);
MaxPool2d(2) and BatchNorm2d(32) in training mode on [64, 32, 28, 28]. Gradients are reset to
None after each call."""
import torch.nn as nn

import layer_workloads

GROUP = "convolution"

LAYERS = (
    ("conv_b64_c1to32_28", lambda: nn.Conv2d(1, 32, 3, 1, 1), (64, 1, 28, 28), False),
    ("conv_b64_c32to64_14", lambda: nn.Conv2d(32, 64, 3, 1, 1), (64, 32, 14, 14), True),
    ("conv_b16_c64to64_56", lambda: nn.Conv2d(64, 64, 3, 1, 1), (16, 64, 56, 56), True),
    ("maxpool2_b64_c32_28", lambda: nn.MaxPool2d(2), (64, 32, 28, 28), True),
    ("batchnorm2d_b64_c32_28", lambda: nn.BatchNorm2d(32), (64, 32, 28, 28), True),
)


def workloads():
    listed = []
    for name, make, shape, input_gradient in LAYERS:
        layer_workloads.add(listed, GROUP, name, make, shape, input_gradient)
    return listed
