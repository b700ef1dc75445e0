@file:JvmName("Transforms")
@file:JvmMultifileClass

package dev.ember.data

import dev.ember.tensor.Tensor

/**
 * A random [height]×[width] window of a `[…, H, W]` image, like `transforms.RandomCrop`,
 * after padding each border by [padding] pixels of [fill] (and, with [padIfNeeded], padding
 * images smaller than the crop). The window's top then left offset are drawn uniformly.
 *
 * ```kotlin
 * randomCrop(32, padding = 4)     // the CIFAR-10 augmentation
 * ```
 */
@JvmOverloads
fun randomCrop(height: Int, width: Int = height, padding: Int = 0, fill: Double = 0.0, padIfNeeded: Boolean = false): Transform<Tensor, Tensor> {
    require(height > 0 && width > 0) { "randomCrop: size must be positive, but got ($height, $width)" }
    require(padding >= 0) { "randomCrop: padding must be non-negative, but got $padding" }
    return Transform { input ->
        require(input.dim() >= 2) { "randomCrop: expected an image [..., H, W], but got input of size: ${input.shape().contentToString()}" }
        var image = if (padding > 0) input.pad(longArrayOf(padding.toLong(), padding.toLong(), padding.toLong(), padding.toLong()), "constant", fill) else input
        if (padIfNeeded && (image.size(-1) < width || image.size(-2) < height)) {
            val padWidth = maxOf(0L, width - image.size(-1))
            val padHeight = maxOf(0L, height - image.size(-2))
            image = image.pad(longArrayOf(padWidth, padWidth, padHeight, padHeight), "constant", fill)
        }
        val imageHeight = image.size(-2)
        val imageWidth = image.size(-1)
        require(imageHeight >= height && imageWidth >= width) {
            "Required crop size ($height, $width) is larger than input image size ($imageHeight, $imageWidth)"
        }
        val random = SampleRandomness.current()
        val top = random.nextLong(imageHeight - height + 1)
        val left = random.nextLong(imageWidth - width + 1)
        image.narrow(-2, top, height.toLong()).narrow(-1, left, width.toLong()).contiguous()
    }
}

/**
 * Mirrors a `[…, H, W]` image left to right with probability [p], like `transforms.RandomHorizontalFlip`.
 *
 * ```kotlin
 * randomHorizontalFlip()          // p = 0.5
 * ```
 */
@JvmOverloads
fun randomHorizontalFlip(p: Double = 0.5): Transform<Tensor, Tensor> = randomFlip(p, -1, "randomHorizontalFlip")

/**
 * Mirrors a `[…, H, W]` image top to bottom with probability [p], like `transforms.RandomVerticalFlip`.
 *
 * ```kotlin
 * randomVerticalFlip(0.1)
 * ```
 */
@JvmOverloads
fun randomVerticalFlip(p: Double = 0.5): Transform<Tensor, Tensor> = randomFlip(p, -2, "randomVerticalFlip")

private fun randomFlip(p: Double, dim: Int, name: String): Transform<Tensor, Tensor> {
    require(p in 0.0..1.0) { "$name: p must be a probability in [0, 1], but got $p" }
    return Transform { input ->
        require(input.dim() >= 2) { "$name: expected an image [..., H, W], but got input of size: ${input.shape().contentToString()}" }
        if (SampleRandomness.current().nextDouble() < p) input.flip(dim) else input
    }
}
