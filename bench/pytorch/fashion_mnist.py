"""Fashion-MNIST from Debian's IDX files, prepared as FashionMnistTensors.java (and the samples)
do: pixels / 255, minus 0.2860, divided by 0.3530, float32 [N, 1, 28, 28]; labels int64 [N]."""
import gzip
import struct

import torch

DIRECTORY = "/usr/share/datasets/fashion-mnist"
MEAN = 0.2860
STD = 0.3530


def idx(path):
    """The tensor an IDX file holds (uint8 data, as in the MNIST family)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def raw(split):
    """uint8 images [N, 28, 28] and int64 labels [N] of 'train' or 't10k'."""
    return idx(f"{DIRECTORY}/{split}-images-idx3-ubyte.gz"), idx(f"{DIRECTORY}/{split}-labels-idx1-ubyte.gz").long()


def normalized(images):
    return ((images.float() / 255 - MEAN) / STD).unsqueeze(1).contiguous()


def load():
    """(train images, train labels, test images, test labels), images normalised."""
    train_images, train_labels = raw("train")
    test_images, test_labels = raw("t10k")
    return normalized(train_images), train_labels, normalized(test_images), test_labels
