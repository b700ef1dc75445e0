package dev.ember.bench;

import dev.ember.autograd.GradMode;
import dev.ember.nn.Module;
import dev.ember.nn.functional.F;
import dev.ember.optim.Adam;
import dev.ember.optim.Optimizer;
import dev.ember.tensor.MemoryScope;
import dev.ember.tensor.Tensor;
import java.util.function.Supplier;

/**
 * Trains one Fashion-MNIST network with Adam (lr 1e-3) on batches of 64 taken from the
 * in-memory training set in a seeded random order: {@link Settings#warmUpBatches()} batches
 * first, untimed, then one timed epoch of a fresh order (or its first
 * {@link Settings#timedBatches()} batches in quick mode). Then the test accuracy (batches of
 * 1000, eval mode, no grad) and the process's peak RSS. The step is the sample's: one
 * {@link MemoryScope} per step, gradients reset to null. bench/run starts one process per
 * training workload, so the peak RSS is this workload's.
 *
 * <p>Prints {@code train_<model>} (samples/s), {@code train_<model>_accuracy},
 * {@code train_<model>_loss} (mean loss of the timed batches) and {@code train_<model>_peak_rss}.
 */
record TrainingBenchmark(String name, Supplier<Module> model) implements Workload {

    static final int BATCH_SIZE = 64;
    static final double LEARNING_RATE = 1e-3;

    @Override
    public String group() { return name; }

    @Override
    public void run(Settings settings) throws Exception {
        FashionMnistTensors data = FashionMnistTensors.load(FashionMnistTensors.DIRECTORY);
        Tensor.manualSeed(settings.seed());
        Module network = model.get();
        Optimizer optimizer = new Adam(network.parameters(), LEARNING_RATE);
        network.train();
        long size = data.trainLabels().size(0);

        Tensor warmUpOrder = Tensor.randperm(size);
        for (int batch = 0; batch < settings.warmUpBatches(); batch++) {
            step(network, optimizer, data, warmUpOrder, (long) batch * BATCH_SIZE);
        }

        long batches = (size + BATCH_SIZE - 1) / BATCH_SIZE;
        if (settings.timedBatches() > 0) batches = Math.min(batches, settings.timedBatches());
        Tensor order = Tensor.randperm(size);
        double lossSum = 0;
        long samples = 0;
        long start = System.nanoTime();
        for (long batch = 0; batch < batches; batch++) {
            long first = batch * BATCH_SIZE;
            lossSum += step(network, optimizer, data, order, first);
            samples += Math.min(BATCH_SIZE, size - first);
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        Results.result(name, name, "samples/s", samples / seconds);
        Results.result(name, name + "_accuracy", "accuracy", accuracy(network, data.testImages(), data.testLabels()));
        Results.result(name, name + "_loss", "loss", lossSum / batches);
        Results.result(name, name + "_peak_rss", "bytes", PeakMemory.residentBytes());
    }

    /** One optimisation step on the batch starting at {@code first} of {@code order}; returns its loss. */
    private static double step(Module network, Optimizer optimizer, FashionMnistTensors data, Tensor order, long first) {
        long count = Math.min(BATCH_SIZE, data.trainLabels().size(0) - first);
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor indices = order.narrow(0, first, count);
            Tensor images = data.trainImages().indexSelect(0, indices);
            Tensor labels = data.trainLabels().indexSelect(0, indices);
            Tensor loss = F.crossEntropy(network.call(images), labels);
            optimizer.zeroGrad();
            loss.backward();
            optimizer.step();
            return loss.item();
        }
    }

    private static double accuracy(Module network, Tensor images, Tensor labels) {
        network.eval();
        long size = labels.size(0);
        double correct = 0;
        try (var noGrad = GradMode.noGrad()) {
            for (long first = 0; first < size; first += 1000) {
                long count = Math.min(1000, size - first);
                try (MemoryScope scope = MemoryScope.open()) {
                    Tensor logits = network.call(images.narrow(0, first, count));
                    correct += logits.argmax(1).eq(labels.narrow(0, first, count)).sum().item();
                }
            }
        }
        network.train();
        return correct / size;
    }
}
