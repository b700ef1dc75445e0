package dev.ember.samples;

import dev.ember.data.Batch;
import dev.ember.data.BatchIterator;
import dev.ember.data.DataLoader;
import dev.ember.data.FashionMnist;
import dev.ember.data.Sample;
import dev.ember.data.Transforms;
import java.nio.file.Path;

/**
 * Ember's Kotlin data loader used from plain Java: Fashion-MNIST with per-sample augmentation,
 * shuffled and loaded by parallel workers, consumed with a try-with-resources iterator. Prints
 * the loader's throughput for several worker counts.
 *
 * <pre>
 * java ... dev.ember.samples.DataLoaderFromJava [--data DIR] [--batches N] [--batch-size N]
 * </pre>
 */
public final class DataLoaderFromJava {

    private DataLoaderFromJava() {}

    public static void main(String[] args) {
        Path directory = FashionMnist.DEFAULT_DIRECTORY;
        int batches = 200;
        int batchSize = 64;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--data" -> directory = Path.of(args[i + 1]);
                case "--batches" -> batches = Integer.parseInt(args[i + 1]);
                case "--batch-size" -> batchSize = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (expected --data, --batches, --batch-size)");
            }
        }
        long start = System.nanoTime();
        FashionMnist train = FashionMnist.train(directory, Transforms.compose(
                Transforms.toTensor(), Transforms.randomCrop(28, 28, 2), Transforms.randomHorizontalFlip(), Transforms.normalize(0.2860, 0.3530)));
        System.out.printf("Read %,d training images from %s in %.2f s%n", train.getSize(), directory, (System.nanoTime() - start) / 1e9);

        for (int workers : new int[] {0, 1, 2, 4}) {
            DataLoader<Sample> loader = DataLoader.builder(train)
                    .batchSize(batchSize).shuffle(true).seed(42).dropLast(true).workers(workers).prefetch(4).build();
            measure(loader, workers, batches);
        }
    }

    private static void measure(DataLoader<Sample> loader, int workers, int batches) {
        long samples = 0;
        int seen = 0;
        long start = System.nanoTime();
        // Closing the iterator stops the workers even though we leave the epoch early.
        try (BatchIterator iterator = loader.iterator()) {
            while (iterator.hasNext() && seen < batches) {
                Batch batch = iterator.next();
                samples += batch.getSize();
                seen++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("workers=%d: %d batches of %d in %.2f s: %,.0f samples/s, %.2f ms per batch%n",
                workers, seen, loader.getBatchSize(), seconds, samples / seconds, 1e3 * seconds / seen);
    }
}
