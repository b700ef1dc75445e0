"""What test accuracy PyTorch reaches with the samples' CNN recipe, to judge Ember's against.

The recipe of samples/FashionMnistTraining (and issue 3): conv(1->32,3)-relu-maxpool-
conv(32->64,3)-relu-maxpool-linear(1600->128)-relu-dropout-linear(128->10), Adam lr 1e-3,
batch 64, images / 255 normalised with mean 0.2860 and std 0.3530, PyTorch's default
initialisation. Prints the test accuracy after each epoch.

    /usr/bin/python3 tools/accuracy/pytorch_cnn_recipe.py --seed 0 --epochs 2
    /usr/bin/python3 tools/accuracy/pytorch_cnn_recipe.py --seed 0 --dropout 0.5 --schedule cosine
"""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench", "pytorch"))
import fashion_mnist  # noqa: E402

BATCH = 64


def model(dropout):
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Dropout(dropout), nn.Linear(128, 10))


def test_accuracy(network, images, labels):
    network.eval()
    with torch.no_grad():
        correct = sum((network(images[i:i + 1000]).argmax(1) == labels[i:i + 1000]).sum().item()
                      for i in range(0, len(labels), 1000))
    return 100.0 * correct / len(labels)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.25)
    parser.add_argument("--init", choices=["default", "kaiming"], default="default")
    parser.add_argument("--schedule", choices=["constant", "cosine"], default="constant")
    parser.add_argument("--threads", type=int, default=1)
    options = parser.parse_args()
    torch.set_num_threads(options.threads)
    train_images, train_labels, test_images, test_labels = fashion_mnist.load()
    torch.manual_seed(options.seed)
    network = model(options.dropout)
    if options.init == "kaiming":
        for layer in network:
            if isinstance(layer, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
                nn.init.zeros_(layer.bias)
    optimizer = torch.optim.Adam(network.parameters(), 1e-3)
    steps_per_epoch = (len(train_labels) + BATCH - 1) // BATCH
    schedule = None
    if options.schedule == "cosine":
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=options.epochs * steps_per_epoch)
    accuracies = []
    for _ in range(options.epochs):
        network.train()
        order = torch.randperm(len(train_labels))
        for first in range(0, len(train_labels), BATCH):
            batch = order[first:first + BATCH]
            loss = F.cross_entropy(network(train_images[batch]), train_labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if schedule is not None:
                schedule.step()
        accuracies.append(test_accuracy(network, test_images, test_labels))
    print(f"seed {options.seed} dropout {options.dropout} init {options.init} schedule {options.schedule}: "
          f"test accuracy per epoch {', '.join(f'{a:.2f} %' for a in accuracies)}")


if __name__ == "__main__":
    main()
