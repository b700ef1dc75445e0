"""The two Fashion-MNIST networks, as Models.java defines them, with PyTorch's default init."""
import torch.nn as nn


def mlp():
    """784-256-128-10 with ReLU, on [N, 1, 28, 28] images flattened by the model."""
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 256), nn.ReLU(),
        nn.Linear(256, 128), nn.ReLU(),
        nn.Linear(128, 10))


def cnn():
    """The CNN of samples/FashionMnistTraining, layer for layer."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Dropout(0.25),
        nn.Linear(128, 10))
