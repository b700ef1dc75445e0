#!/usr/bin/python3
"""Writes the small Fashion-MNIST subset that the samples fall back to without the full data set.

    /usr/bin/python3 tools/datasets/make_subset.py [SOURCE_DIR]     # from the repository root

SOURCE_DIR holds the four gzipped IDX files of Fashion-MNIST (default: Debian's
dataset-fashion-mnist, /usr/share/datasets/fashion-mnist). The subset keeps, in file order, the
first 200 training and the first 50 test images of each of the 10 classes (2,000 + 500 images)
and writes them with the original file names, as gzipped IDX files, to
samples/src/main/resources/fashion-mnist-subset/. Standard library only; the output is
byte-for-byte reproducible (gzip without a timestamp or file name).
"""

import gzip
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "samples", "src", "main", "resources", "fashion-mnist-subset")
SPLITS = {"train": 200, "t10k": 50}   # images kept per class
CLASSES = 10


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError("%s: not an unsigned-byte IDX file" % path)
    shape = struct.unpack(">%dI" % dims, data[4:4 + 4 * dims])
    payload = data[4 + 4 * dims:]
    item = 1
    for size in shape[1:]:
        item *= size
    if len(payload) != shape[0] * item:
        raise ValueError("%s: %d data bytes for shape %s" % (path, len(payload), shape))
    return shape, payload, item


def write_idx(path, shape, payload):
    header = struct.pack(">HBB", 0, 0x08, len(shape)) + struct.pack(">%dI" % len(shape), *shape)
    with open(path, "wb") as raw:
        # mtime=0 and no file name in the gzip header keep the output reproducible.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(header + payload)


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    for split, per_class in SPLITS.items():
        image_shape, images, image_bytes = read_idx(os.path.join(source, split + "-images-idx3-ubyte.gz"))
        label_shape, labels, _ = read_idx(os.path.join(source, split + "-labels-idx1-ubyte.gz"))
        if image_shape[0] != label_shape[0]:
            raise ValueError("%s: %d images but %d labels" % (split, image_shape[0], label_shape[0]))
        counts = [0] * CLASSES
        keep = []
        for index, label in enumerate(labels):
            if counts[label] < per_class:
                counts[label] += 1
                keep.append(index)
        if counts != [per_class] * CLASSES:
            raise ValueError("%s: not enough images per class: %s" % (split, counts))
        subset_images = b"".join(images[i * image_bytes:(i + 1) * image_bytes] for i in keep)
        subset_labels = bytes(labels[i] for i in keep)
        for kind, shape, payload in (("images-idx3", (len(keep),) + tuple(image_shape[1:]), subset_images),
                                     ("labels-idx1", (len(keep),), subset_labels)):
            path = os.path.join(OUT_DIR, "%s-%s-ubyte.gz" % (split, kind))
            write_idx(path, shape, payload)
            size = os.path.getsize(path)
            total += size
            print("%s: shape %s, %d bytes" % (os.path.relpath(path, ROOT), shape, size))
    print("total %d bytes" % total)


if __name__ == "__main__":
    main()
