package dev.ember.bench;

import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;
import dev.ember.tensor.io.Idx;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fashion-MNIST held in memory as the training benchmarks use it, prepared exactly as
 * {@code samples/FashionMnistData} does: pixels / 255, minus 0.2860, divided by 0.3530, as
 * float32 [N, 1, 28, 28]; labels int64 [N].
 *
 * <pre>{@code
 * FashionMnistTensors data = FashionMnistTensors.load(FashionMnistTensors.DIRECTORY);
 * }</pre>
 */
record FashionMnistTensors(Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels) {

    static final Path DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
    static final double MEAN = 0.2860;
    static final double STD = 0.3530;

    static FashionMnistTensors load(Path directory) throws IOException {
        return new FashionMnistTensors(
                images(Idx.read(directory.resolve("train-images-idx3-ubyte.gz"))),
                Idx.read(directory.resolve("train-labels-idx1-ubyte.gz")).to(DType.INT64),
                images(Idx.read(directory.resolve("t10k-images-idx3-ubyte.gz"))),
                Idx.read(directory.resolve("t10k-labels-idx1-ubyte.gz")).to(DType.INT64));
    }

    private static Tensor images(Tensor pixels) {
        Tensor images = pixels.to(DType.FLOAT32);
        pixels.close();
        // In place: out of place, each step would leave a 188 MB temporary for the collector,
        // and those temporaries were most of the training run's peak memory.
        images.div_(255.0).sub_(MEAN).div_(STD);
        return images.unsqueeze(1);
    }
}
