package dev.ember.samples;

import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;
import dev.ember.tensor.io.Idx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Fashion-MNIST as tensors: images {@code [N, 1, 28, 28]} float32, normalised with the
 * training set's mean and standard deviation, and labels {@code [N]} int64. Reads the IDX files
 * from a directory (Debian's {@code dataset-fashion-mnist} installs them under
 * {@code /usr/share/datasets/fashion-mnist}), or the small subset that ships with the samples.
 */
record FashionMnistData(Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels, String source) {

    static final Path DEBIAN_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
    private static final String SUBSET_RESOURCE = "/fashion-mnist-subset/";
    private static final String[] FILES = {
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
    // Fashion-MNIST training-set pixel statistics (of values scaled to [0, 1]).
    private static final double MEAN = 0.2860;
    private static final double STD = 0.3530;

    /** From {@code directory}, or the Debian location, or the bundled subset, in that order. */
    static FashionMnistData load(Path directory) throws IOException {
        if (directory != null) {
            if (!hasAllFiles(directory)) {
                throw new IOException("no Fashion-MNIST IDX files (" + String.join(", ", FILES) + ") in " + directory);
            }
            return read(directory, directory.toString());
        }
        if (hasAllFiles(DEBIAN_DIRECTORY)) return read(DEBIAN_DIRECTORY, DEBIAN_DIRECTORY.toString());
        return read(extractSubset(), "the bundled subset (2,000 train / 500 test images; install Debian's "
                + "dataset-fashion-mnist or pass --data DIR for the full 60,000 / 10,000)");
    }

    private static boolean hasAllFiles(Path directory) {
        for (String file : FILES) if (!Files.isRegularFile(directory.resolve(file))) return false;
        return true;
    }

    private static FashionMnistData read(Path directory, String source) throws IOException {
        return new FashionMnistData(
                images(Idx.read(directory.resolve(FILES[0]))), Idx.read(directory.resolve(FILES[1])).to(DType.INT64),
                images(Idx.read(directory.resolve(FILES[2]))), Idx.read(directory.resolve(FILES[3])).to(DType.INT64),
                source);
    }

    private static Tensor images(Tensor pixels) {
        Tensor images = pixels.to(DType.FLOAT32);
        pixels.close();
        // In place: out of place, each step would leave a 188 MB temporary for the collector,
        // and those temporaries were most of the training run's peak memory.
        images.div_(255.0).sub_(MEAN).div_(STD);
        return images.unsqueeze(1);
    }

    private static Path extractSubset() throws IOException {
        Path directory = Files.createTempDirectory("ember-fashion-mnist");
        directory.toFile().deleteOnExit();
        for (String file : FILES) {
            try (InputStream in = FashionMnistData.class.getResourceAsStream(SUBSET_RESOURCE + file)) {
                if (in == null) throw new UncheckedIOException(new IOException("missing bundled resource " + file));
                Path target = directory.resolve(file);
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                target.toFile().deleteOnExit();
            }
        }
        return directory;
    }

    long trainSize() { return trainLabels.size(0); }

    long testSize() { return testLabels.size(0); }
}
