package dev.ember.bench;

import dev.ember.data.BatchIterator;
import dev.ember.data.DataLoader;
import dev.ember.data.FashionMnist;
import dev.ember.data.Sample;
import dev.ember.data.Transforms;

/**
 * The data loader alone: {@code dev.ember.data.DataLoader} over {@code FashionMnist.train()}
 * with the per-sample transforms {@code toTensor} and {@code normalize(0.2860, 0.3530)}, batch
 * 64, shuffled, 2 workers, default prefetch; the consumer takes each batch and does nothing
 * with it. An untimed first pass of {@link Settings#loaderWarmUpBatches()} batches, then {@link Settings#loaderEpochs()} timed passes, each a
 * fresh epoch (whole, or its first {@link Settings#loaderBatches()} batches in quick mode);
 * the dataset is read from disk before any timing.
 *
 * <p>Prints {@code loader_b64_w2} (batches/s, one value per pass) and {@code loader_b64_w2_samples}
 * (samples/s).
 */
record LoaderBenchmark() implements Workload {

    static final String NAME = "loader_b64_w2";

    @Override
    public String group() { return "loader"; }

    @Override
    public String name() { return NAME; }

    @Override
    public void run(Settings settings) {
        FashionMnist train = FashionMnist.train(FashionMnistTensors.DIRECTORY, Transforms.compose(
                Transforms.toTensor(), Transforms.normalize(FashionMnistTensors.MEAN, FashionMnistTensors.STD)));
        DataLoader<Sample> loader = DataLoader.builder(train)
                .batchSize(64).shuffle(true).seed(settings.seed()).workers(2).build();
        pass(loader, settings.loaderWarmUpBatches());
        double[] batchesPerSecond = new double[settings.loaderEpochs()];
        double[] samplesPerSecond = new double[settings.loaderEpochs()];
        for (int epoch = 0; epoch < batchesPerSecond.length; epoch++) {
            long start = System.nanoTime();
            long[] counts = pass(loader, settings.loaderBatches());
            double seconds = (System.nanoTime() - start) / 1e9;
            batchesPerSecond[epoch] = counts[0] / seconds;
            samplesPerSecond[epoch] = counts[1] / seconds;
        }
        Results.result(group(), NAME, "batches/s", batchesPerSecond);
        Results.result(group(), NAME + "_samples", "samples/s", samplesPerSecond);
    }

    /** Takes up to {@code limit} batches (0: all) of the next epoch; returns the batch and sample counts. */
    private static long[] pass(DataLoader<Sample> loader, int limit) {
        long batches = 0;
        long samples = 0;
        try (BatchIterator iterator = loader.iterator()) {
            while ((limit == 0 || batches < limit) && iterator.hasNext()) {
                samples += iterator.next().getSize();
                batches++;
            }
        }
        return new long[] {batches, samples};
    }
}
