"""The data loader alone, as LoaderBenchmark.java: torch.utils.data.DataLoader over the
Fashion-MNIST training images (uint8, in memory) with the per-sample work of Ember's toTensor +
normalize(0.2860, 0.3530) (to float32 [1, 28, 28], / 255, minus the mean, over the std),
batch 64, shuffled, num_workers=2, default prefetch and collate; the consumer takes each batch
and does nothing with it. An untimed first pass of settings.loader_warm_up_batches batches, then settings.loader_epochs timed passes,
each a fresh epoch (new worker processes, as persistent_workers=False)."""
import time

import torch
from torch.utils.data import DataLoader, Dataset

import fashion_mnist
import results

NAME = "loader_b64_w2"


class NormalizedFashionMnist(Dataset):
    def __init__(self, images, labels):
        self.images, self.labels = images, labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        image = self.images[index].to(torch.float32).div(255).unsqueeze(0)
        return image.sub(fashion_mnist.MEAN).div(fashion_mnist.STD), self.labels[index]


def _pass(loader, limit):
    batches = samples = 0
    for images, _ in loader:
        batches += 1
        samples += len(images)
        if limit and batches >= limit:
            break
    return batches, samples


class LoaderBenchmark:
    group = "loader"
    name = NAME

    def run(self, settings):
        images, labels = fashion_mnist.raw("train")
        generator = torch.Generator().manual_seed(settings.seed)
        loader = DataLoader(NormalizedFashionMnist(images, labels), batch_size=64, shuffle=True,
                            num_workers=2, generator=generator)
        _pass(loader, settings.loader_warm_up_batches)
        batches_per_second, samples_per_second = [], []
        for _ in range(settings.loader_epochs):
            start = time.perf_counter()
            batches, samples = _pass(loader, settings.loader_batches)
            seconds = time.perf_counter() - start
            batches_per_second.append(batches / seconds)
            samples_per_second.append(samples / seconds)
        results.result(self.group, NAME, "batches/s", batches_per_second)
        results.result(self.group, NAME + "_samples", "samples/s", samples_per_second)
