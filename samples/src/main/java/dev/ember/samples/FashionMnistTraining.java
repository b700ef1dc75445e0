package dev.ember.samples;

import dev.ember.autograd.GradMode;
import dev.ember.nn.Conv2d;
import dev.ember.nn.Dropout;
import dev.ember.nn.Flatten;
import dev.ember.nn.Linear;
import dev.ember.nn.MaxPool2d;
import dev.ember.nn.Module;
import dev.ember.nn.ReLU;
import dev.ember.nn.Sequential;
import dev.ember.nn.functional.F;
import dev.ember.optim.Adam;
import dev.ember.optim.Optimizer;
import dev.ember.tensor.MemoryScope;
import dev.ember.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Trains a small CNN on Fashion-MNIST and saves it: the README's main job.
 *
 * <pre>
 * ./ember run                       # 2 epochs on /usr/share/datasets/fashion-mnist (or the bundled subset)
 * ./ember run --epochs 5 --data DIR --out model.safetensors
 * </pre>
 */
public final class FashionMnistTraining {
    private FashionMnistTraining() {}

    private static final String[] CLASSES = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

    public static void main(String[] args) throws IOException {
        Options options = Options.parse(args);
        Tensor.manualSeed(options.seed);
        FashionMnistData data = FashionMnistData.load(options.data);
        System.out.printf(Locale.ROOT, "Fashion-MNIST from %s: %d training, %d test images%n",
                data.source(), data.trainSize(), data.testSize());

        Module model = new Sequential(
                new Conv2d(1, 32, 3), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3), new ReLU(), new MaxPool2d(2),
                new Flatten(),
                new Linear(64 * 5 * 5, 128), new ReLU(), new Dropout(0.25),
                new Linear(128, 10));
        System.out.println(model);
        Optimizer optimizer = new Adam(model.parameters(), 1e-3);

        for (int epoch = 1; epoch <= options.epochs; epoch++) {
            long start = System.nanoTime();
            double[] lossAndCorrect = trainEpoch(model, optimizer, data, options.batchSize);
            double seconds = (System.nanoTime() - start) / 1e9;
            double testAccuracy = evaluate(model, data.testImages(), data.testLabels(), 1000);
            System.out.printf(Locale.ROOT,
                    "epoch %d/%d  loss %.4f  train accuracy %.2f%%  test accuracy %.2f%%  %.0f samples/s (%.1f s)%n",
                    epoch, options.epochs, lossAndCorrect[0] / data.trainSize(), 100 * lossAndCorrect[1] / data.trainSize(),
                    100 * testAccuracy, data.trainSize() / seconds, seconds);
        }
        model.save(options.output);
        System.out.println("saved the trained model to " + options.output.toAbsolutePath());
        printExamples(model, data);
    }

    /** One pass over the shuffled training set; returns the summed loss and the count of correct predictions. */
    private static double[] trainEpoch(Module model, Optimizer optimizer, FashionMnistData data, int batchSize) {
        model.train();
        long size = data.trainSize();
        Tensor order = Tensor.randperm(size);
        double lossSum = 0;
        double correct = 0;
        long started = System.nanoTime();
        long batches = (size + batchSize - 1) / batchSize;
        for (long first = 0; first < size; first += batchSize) {
            long batch = first / batchSize + 1;
            if (batch % 100 == 0) {
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf(Locale.ROOT, "  batch %d/%d  loss %.4f  %.0f samples/s%n",
                        batch, batches, lossSum / first, first / seconds);
            }
            long count = Math.min(batchSize, size - first);
            // Every intermediate of the step is freed when the scope closes; parameters,
            // gradients and optimizer state live outside it.
            try (MemoryScope step = MemoryScope.open()) {
                Tensor indices = order.narrow(0, first, count);
                Tensor images = data.trainImages().indexSelect(0, indices);
                Tensor labels = data.trainLabels().indexSelect(0, indices);
                Tensor logits = model.call(images);
                Tensor loss = F.crossEntropy(logits, labels);
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step();
                lossSum += loss.item() * count;
                correct += logits.argmax(1).eq(labels).sum().item();
            }
        }
        return new double[] {lossSum, correct};
    }

    static double evaluate(Module model, Tensor images, Tensor labels, int batchSize) {
        model.eval();
        long size = labels.size(0);
        double correct = 0;
        try (var noGrad = GradMode.noGrad()) {
            for (long first = 0; first < size; first += batchSize) {
                long count = Math.min(batchSize, size - first);
                try (MemoryScope batch = MemoryScope.open()) {
                    Tensor logits = model.call(images.narrow(0, first, count));
                    correct += logits.argmax(1).eq(labels.narrow(0, first, count)).sum().item();
                }
            }
        }
        return correct / size;
    }

    private static void printExamples(Module model, FashionMnistData data) {
        model.eval();
        try (var noGrad = GradMode.noGrad()) {
            Tensor predictions = model.call(data.testImages().narrow(0, 0, 8)).argmax(1);
            long[] predicted = predictions.toLongArray();
            long[] truth = data.testLabels().narrow(0, 0, 8).toLongArray();
            for (int i = 0; i < predicted.length; i++) {
                System.out.printf(Locale.ROOT, "  test image %d: predicted %-11s actual %s%n",
                        i, CLASSES[(int) predicted[i]], CLASSES[(int) truth[i]]);
            }
        }
    }

    private record Options(int epochs, int batchSize, long seed, Path data, Path output) {
        static Options parse(String[] args) {
            int epochs = 2;
            int batchSize = 64;
            long seed = 0;
            Path data = null;
            Path output = Path.of("fashion-mnist-cnn.safetensors");
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--epochs" -> { epochs = Integer.parseInt(required(args[i], value)); i++; }
                    case "--batch-size" -> { batchSize = Integer.parseInt(required(args[i], value)); i++; }
                    case "--seed" -> { seed = Long.parseLong(required(args[i], value)); i++; }
                    case "--data" -> { data = Path.of(required(args[i], value)); i++; }
                    case "--out" -> { output = Path.of(required(args[i], value)); i++; }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (options: --epochs N, --batch-size N, --seed N, --data DIR, --out FILE)");
                }
            }
            return new Options(epochs, batchSize, seed, data, output);
        }

        private static String required(String option, String value) {
            if (value == null) throw new IllegalArgumentException(option + " needs a value");
            return value;
        }
    }
}
