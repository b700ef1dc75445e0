"""Trains the bench's MLP in PyTorch and in Ember from the same start, and prints both runs.

The bench's accuracy rows compare each framework's own random initialisation and batch order,
so they differ by seed alone. This removes that: PyTorch draws the initial weights and the batch
order, saves them as .npy files, trains one epoch (Adam lr 1e-3, batch 64, cross-entropy), then
Ember (dev.ember.bench.SameStartMlp) loads the same weights and order and trains the same epoch.
Both print their first losses, the loss at step 100, the epoch's mean loss and the test accuracy.
Float rounding differs, so the runs drift apart slowly; the first steps must agree.

    ./ember mvn -q install -DskipTests      # builds bench/target/classpath.txt
    /usr/bin/python3 tools/accuracy/same_start_mlp.py --seed 0
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench", "pytorch"))
import fashion_mnist  # noqa: E402
import models  # noqa: E402

BATCH = 64
JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"


def report(side, losses, accuracy):
    first = " ".join(f"{value:.5f}" for value in losses[:5])
    return (f"{side:8s} first losses {first}  step 100 {losses[100]:.5f}  mean {np.mean(losses):.5f}  "
            f"test accuracy {100 * accuracy:.2f} %")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    network = models.mlp()
    train_images, train_labels, test_images, test_labels = fashion_mnist.load()
    order = torch.randperm(train_labels.shape[0])
    with tempfile.TemporaryDirectory() as start:
        for index, parameter in enumerate(network.parameters()):
            np.save(os.path.join(start, f"parameter{index}.npy"), parameter.detach().numpy())
        np.save(os.path.join(start, "order.npy"), order.numpy())

        optimizer = torch.optim.Adam(network.parameters(), 1e-3)
        losses = []
        for first in range(0, order.shape[0], BATCH):
            batch = order[first:first + BATCH]
            loss = F.cross_entropy(network(train_images[batch]), train_labels[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        with torch.no_grad():
            accuracy = (network(test_images).argmax(1) == test_labels).float().mean().item()
        print(report("PyTorch", losses, accuracy), flush=True)

        with open(os.path.join(ROOT, "bench", "target", "classpath.txt")) as file:
            classpath = os.path.join(ROOT, "bench", "target", "classes") + ":" + file.read().strip()
        subprocess.run([JAVA, "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                        "-cp", classpath, "dev.ember.bench.SameStartMlp", start], check=True)


if __name__ == "__main__":
    main()
