package dev.ember.data

import dev.ember.tensor.Tensor
import java.awt.image.BufferedImage
import java.io.IOException
import java.io.UncheckedIOException
import java.nio.file.Files
import java.nio.file.Path
import javax.imageio.ImageIO
import kotlin.io.path.extension
import kotlin.io.path.isDirectory
import kotlin.io.path.isRegularFile
import kotlin.io.path.name

/**
 * Images stored one class per sub-directory (`root/cat/001.png`, `root/dog/002.jpg`), like
 * torchvision's `ImageFolder`: classes are the sub-directory names in sorted order, images are
 * found recursively and sorted by path, and decoded with the JDK's ImageIO (PNG, JPEG, BMP,
 * GIF) when a sample is read.
 *
 * ```kotlin
 * val pets = ImageFolder(Path.of("pets/train"), compose(toTensor(), randomHorizontalFlip()))
 * ```
 */
class ImageFolder @JvmOverloads constructor(
    val root: Path,
    val transform: Transform<BufferedImage, Tensor> = toTensor(),
    val targetTransform: Transform<Tensor, Tensor>? = null,
) : Dataset<Sample> {

    /** The class names (sub-directories), sorted; a label indexes this list. */
    val classes: List<String>

    /** Class name to label. */
    val classToIndex: Map<String, Int>

    /** Every image file and its label, in sample order. */
    val samples: List<Pair<Path, Int>>

    init {
        require(root.isDirectory()) { "ImageFolder: $root is not a directory" }
        try {
            classes = Files.list(root).use { entries -> entries.filter { it.isDirectory() }.map { it.name }.sorted().toList() }
            require(classes.isNotEmpty()) { "ImageFolder: couldn't find any class folder in $root" }
            classToIndex = classes.withIndex().associate { (i, name) -> name to i }
            samples = classes.flatMap { name ->
                Files.walk(root.resolve(name)).use { files ->
                    files.filter { it.isRegularFile() && it.extension.lowercase() in EXTENSIONS }.sorted().toList()
                }.map { it to classToIndex.getValue(name) }
            }
        } catch (e: IOException) {
            throw UncheckedIOException("ImageFolder: cannot list $root: ${e.message}", e)
        }
        require(samples.isNotEmpty()) { "ImageFolder: found no valid file for the classes $classes in $root. Supported extensions are: $EXTENSIONS" }
    }

    override val size: Int get() = samples.size

    override fun get(index: Int): Sample {
        checkIndex(index, size, "ImageFolder")
        val (file, label) = samples[index]
        val image = try {
            ImageIO.read(file.toFile())
        } catch (e: IOException) {
            throw UncheckedIOException("ImageFolder: cannot read $file: ${e.message}", e)
        } ?: throw IllegalStateException("ImageFolder: no ImageIO reader could decode $file")
        val target = Tensor.scalar(label.toLong())
        return Sample(transform.apply(image), targetTransform?.apply(target) ?: target)
    }

    private companion object {
        val EXTENSIONS = setOf("png", "jpg", "jpeg", "bmp", "gif")
    }
}
