package dev.ember.data

import dev.ember.devices.DType
import dev.ember.tensor.Tensor
import dev.ember.tensor.io.Idx
import java.io.IOException
import java.io.UncheckedIOException
import java.nio.file.Files
import java.nio.file.NoSuchFileException
import java.nio.file.Path

/**
 * Images and labels read from a pair of IDX files (the MNIST family's format, gzipped or not),
 * held in memory as uint8 `[N, H, W]` and int64 `[N]`. Sample `i` is
 * `Sample(transform(image), targetTransform(label))`, where the image is a uint8 `[H, W]` view
 * and the label an int64 scalar; the default transform, [toTensor], gives float32 `[1, H, W]`
 * in `[0, 1]`.
 *
 * ```kotlin
 * val (image, label) = FashionMnist.test()[0]   // [1, 28, 28], tensor(9)
 * ```
 */
abstract class IdxImageDataset protected constructor(
    name: String,
    directory: Path,
    val train: Boolean,
    val transform: Transform<Tensor, Tensor>,
    val targetTransform: Transform<Tensor, Tensor>?,
    /** Class names, indexed by label. */
    val classes: List<String>,
) : Dataset<Sample> {

    /** All images, uint8 `[N, H, W]`. */
    val images: Tensor

    /** All labels, int64 `[N]`. */
    val labels: Tensor

    init {
        val prefix = if (train) "train" else "t10k"
        try {
            images = Idx.read(find(name, directory, "$prefix-images-idx3-ubyte"))
            labels = Idx.read(find(name, directory, "$prefix-labels-idx1-ubyte")).to(DType.INT64)
        } catch (e: IOException) {
            throw UncheckedIOException("$name: cannot read the IDX files in $directory: ${e.message}", e)
        }
        require(images.dim() == 3 && labels.dim() == 1 && images.size(0) == labels.size(0)) {
            "$name: the IDX files disagree: images of size ${images.shape().contentToString()}, labels of size ${labels.shape().contentToString()}"
        }
    }

    override val size: Int = labels.size(0).toInt()

    override fun get(index: Int): Sample {
        checkIndex(index, size, javaClass.simpleName)
        val image = transform.apply(images.select(0, index.toLong()))
        val label = labels.select(0, index.toLong())
        return Sample(image, targetTransform?.apply(label) ?: label)
    }

    private companion object {
        fun find(name: String, directory: Path, file: String): Path {
            for (candidate in listOf(directory.resolve("$file.gz"), directory.resolve(file))) {
                if (Files.isRegularFile(candidate)) return candidate
            }
            throw UncheckedIOException(NoSuchFileException(directory.resolve(file).toString(), null,
                "$name: no $file or $file.gz in $directory"))
        }
    }
}

/**
 * Fashion-MNIST (Zalando): 60,000 training and 10,000 test 28×28 grayscale images of 10
 * clothing classes, read from IDX files (by default Debian's `dataset-fashion-mnist` location).
 *
 * ```kotlin
 * val loader = FashionMnist.train().loader(batchSize = 64, shuffle = true, workers = 2)
 * ```
 */
class FashionMnist @JvmOverloads constructor(
    directory: Path = DEFAULT_DIRECTORY,
    train: Boolean = true,
    transform: Transform<Tensor, Tensor> = toTensor(),
    targetTransform: Transform<Tensor, Tensor>? = null,
) : IdxImageDataset("FashionMnist", directory, train, transform, targetTransform, CLASSES) {

    companion object {
        /** Where Debian's `dataset-fashion-mnist` package installs the files. */
        @JvmField
        val DEFAULT_DIRECTORY: Path = Path.of("/usr/share/datasets/fashion-mnist")

        /** The class names, indexed by label. */
        @JvmField
        val CLASSES: List<String> = listOf("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")

        /** The 60,000 training images. */
        @JvmStatic
        @JvmOverloads
        fun train(directory: Path = DEFAULT_DIRECTORY, transform: Transform<Tensor, Tensor> = toTensor()) =
            FashionMnist(directory, true, transform)

        /** The 10,000 test images. */
        @JvmStatic
        @JvmOverloads
        fun test(directory: Path = DEFAULT_DIRECTORY, transform: Transform<Tensor, Tensor> = toTensor()) =
            FashionMnist(directory, false, transform)
    }
}

/**
 * MNIST handwritten digits: 60,000 training and 10,000 test 28×28 grayscale images, read from
 * IDX files.
 *
 * ```kotlin
 * val digits = Mnist.test(Path.of("data/mnist"))
 * ```
 */
class Mnist @JvmOverloads constructor(
    directory: Path = DEFAULT_DIRECTORY,
    train: Boolean = true,
    transform: Transform<Tensor, Tensor> = toTensor(),
    targetTransform: Transform<Tensor, Tensor>? = null,
) : IdxImageDataset("Mnist", directory, train, transform, targetTransform, CLASSES) {

    companion object {
        /** The conventional system location, by analogy with Debian's Fashion-MNIST package. */
        @JvmField
        val DEFAULT_DIRECTORY: Path = Path.of("/usr/share/datasets/mnist")

        @JvmField
        val CLASSES: List<String> = (0..9).map { "$it - " + listOf("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")[it] }

        @JvmStatic
        @JvmOverloads
        fun train(directory: Path = DEFAULT_DIRECTORY, transform: Transform<Tensor, Tensor> = toTensor()) = Mnist(directory, true, transform)

        @JvmStatic
        @JvmOverloads
        fun test(directory: Path = DEFAULT_DIRECTORY, transform: Transform<Tensor, Tensor> = toTensor()) = Mnist(directory, false, transform)
    }
}
