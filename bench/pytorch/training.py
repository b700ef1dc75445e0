"""Trains one Fashion-MNIST network, as TrainingBenchmark.java does: Adam (lr 1e-3), batches of
64 from the in-memory training set in a seeded random order; warm-up batches untimed, then one
timed epoch of a fresh order (its first settings.timed_batches batches in quick mode); then test
accuracy (batches of 1000, eval mode, no grad) and the process's peak RSS. Gradients are reset
to None (zero_grad(set_to_none=True), Ember's default and PyTorch 2's)."""
from dataclasses import dataclass
from typing import Callable
import time

import torch
import torch.nn.functional as F

import environment
import fashion_mnist
import results

BATCH_SIZE = 64
LEARNING_RATE = 1e-3


def _step(model, optimizer, images, labels, order, first):
    indices = order[first:first + BATCH_SIZE]
    loss = F.cross_entropy(model(images.index_select(0, indices)), labels.index_select(0, indices))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.item()


def _accuracy(model, images, labels):
    model.eval()
    correct = 0
    with torch.no_grad():
        for first in range(0, len(labels), 1000):
            logits = model(images[first:first + 1000])
            correct += (logits.argmax(1) == labels[first:first + 1000]).sum().item()
    model.train()
    return correct / len(labels)


@dataclass(frozen=True)
class TrainingBenchmark:
    name: str
    model: Callable[[], torch.nn.Module]

    @property
    def group(self):
        return self.name

    def run(self, settings):
        train_images, train_labels, test_images, test_labels = fashion_mnist.load()
        torch.manual_seed(settings.seed)
        model = self.model()
        optimizer = torch.optim.Adam(model.parameters(), LEARNING_RATE)
        model.train()
        size = len(train_labels)

        warm_up_order = torch.randperm(size)
        for batch in range(settings.warm_up_batches):
            _step(model, optimizer, train_images, train_labels, warm_up_order, batch * BATCH_SIZE)

        batches = (size + BATCH_SIZE - 1) // BATCH_SIZE
        if settings.timed_batches > 0:
            batches = min(batches, settings.timed_batches)
        order = torch.randperm(size)
        loss_sum, samples = 0.0, 0
        start = time.perf_counter()
        for batch in range(batches):
            first = batch * BATCH_SIZE
            loss_sum += _step(model, optimizer, train_images, train_labels, order, first)
            samples += min(BATCH_SIZE, size - first)
        seconds = time.perf_counter() - start

        results.result(self.name, self.name, "samples/s", [samples / seconds])
        results.result(self.name, self.name + "_accuracy", "accuracy", [_accuracy(model, test_images, test_labels)])
        results.result(self.name, self.name + "_loss", "loss", [loss_sum / batches])
        results.result(self.name, self.name + "_peak_rss", "bytes", [environment.peak_resident_bytes()])
