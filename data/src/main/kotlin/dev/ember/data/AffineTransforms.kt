@file:JvmName("Transforms")
@file:JvmMultifileClass

package dev.ember.data

import dev.ember.devices.DType
import dev.ember.tensor.Tensor
import kotlin.math.cos
import kotlin.math.roundToLong
import kotlin.math.sin

/**
 * Rotates a `[…, H, W]` image by [angle] degrees counter-clockwise about its centre, scales it
 * by [scale] and shifts it by ([translateX], [translateY]) pixels, like torchvision's
 * `functional.affine` with nearest-neighbour sampling; pixels from outside become [fill].
 *
 * ```kotlin
 * val turned = affine(image, angle = 90.0)
 * ```
 */
@JvmOverloads
fun affine(image: Tensor, angle: Double, translateX: Double = 0.0, translateY: Double = 0.0, scale: Double = 1.0, fill: Double = 0.0): Tensor {
    require(image.dim() >= 2) { "affine: expected an image [..., H, W], but got input of size: ${image.shape().contentToString()}" }
    require(scale > 0) { "affine: scale must be positive, but got $scale" }
    val height = image.size(-2)
    val width = image.size(-1)
    val radians = Math.toRadians(angle)
    val cosine = cos(radians) / scale
    val sine = sin(radians) / scale
    // Pixel centres relative to the image centre; each output pixel reads the input at the inverse transform.
    val x = Tensor.arange(width).to(DType.FLOAT64).add(0.5 - width / 2.0 - translateX).view(1, width)
    val y = Tensor.arange(height).to(DType.FLOAT64).add(0.5 - height / 2.0 - translateY).view(height, 1)
    val sourceColumn = x.mul(cosine).sub(y.mul(sine)).add(width / 2.0 - 0.5).round()
    val sourceRow = x.mul(sine).add(y.mul(cosine)).add(height / 2.0 - 0.5).round()
    val inside = sourceColumn.ge(0.0).logicalAnd(sourceColumn.le(width - 1.0))
        .logicalAnd(sourceRow.ge(0.0)).logicalAnd(sourceRow.le(height - 1.0))
    val flatIndex = sourceRow.clamp(0.0, height - 1.0).mul(width.toDouble()).add(sourceColumn.clamp(0.0, width - 1.0))
        .to(DType.INT64).flatten()
    val shape = image.shape()
    val planes = image.reshape(-1, height * width)
    val sampled = planes.indexSelect(1, flatIndex)
    return Tensor.where(inside.flatten(), sampled, fill).reshape(*shape)
}

/**
 * Rotates by an angle drawn uniformly from [-degrees, degrees], like `transforms.RandomRotation`.
 *
 * ```kotlin
 * randomRotation(15.0)
 * ```
 */
@JvmOverloads
fun randomRotation(degrees: Double, fill: Double = 0.0): Transform<Tensor, Tensor> {
    require(degrees >= 0) { "If degrees is a single number, it must be positive, but got $degrees" }
    return randomRotation(-degrees, degrees, fill)
}

/**
 * Rotates by an angle drawn uniformly from [[minDegrees], [maxDegrees]].
 *
 * ```kotlin
 * randomRotation(-10.0, 30.0, fill = 0.0)
 * ```
 */
fun randomRotation(minDegrees: Double, maxDegrees: Double, fill: Double): Transform<Tensor, Tensor> =
    randomAffine(minDegrees, maxDegrees, fill = fill)

/**
 * A random rotation in [-degrees, degrees], translation up to `translate` (fractions of width
 * and height) and scale in `scale` (min to max), like `transforms.RandomAffine`; draws angle,
 * then translation, then scale.
 *
 * ```kotlin
 * randomAffine(degrees = 10.0, translate = 0.1 to 0.1, scale = 0.9 to 1.1)
 * ```
 */
@JvmOverloads
fun randomAffine(
    degrees: Double,
    translate: Pair<Double, Double>? = null,
    scale: Pair<Double, Double>? = null,
    fill: Double = 0.0,
): Transform<Tensor, Tensor> {
    require(degrees >= 0) { "If degrees is a single number, it must be positive, but got $degrees" }
    return randomAffine(-degrees, degrees, translate, scale, fill)
}

/** [randomAffine] with an explicit angle range [[minDegrees], [maxDegrees]]. */
fun randomAffine(
    minDegrees: Double,
    maxDegrees: Double,
    translate: Pair<Double, Double>? = null,
    scale: Pair<Double, Double>? = null,
    fill: Double = 0.0,
): Transform<Tensor, Tensor> {
    require(minDegrees <= maxDegrees) { "randomAffine: degrees should be (min, max) with min <= max, but got ($minDegrees, $maxDegrees)" }
    if (translate != null) {
        require(translate.first in 0.0..1.0 && translate.second in 0.0..1.0) { "translation values should be between 0 and 1, but got $translate" }
    }
    if (scale != null) {
        require(scale.first > 0 && scale.first <= scale.second) { "scale values should be positive and (min, max), but got $scale" }
    }
    return Transform { input ->
        require(input.dim() >= 2) { "randomAffine: expected an image [..., H, W], but got input of size: ${input.shape().contentToString()}" }
        val random = SampleRandomness.current()
        val angle = if (minDegrees == maxDegrees) minDegrees else random.nextDouble(minDegrees, maxDegrees)
        var translateX = 0.0
        var translateY = 0.0
        if (translate != null) {
            val maxX = translate.first * input.size(-1)
            val maxY = translate.second * input.size(-2)
            translateX = if (maxX > 0) random.nextDouble(-maxX, maxX).roundToLong().toDouble() else 0.0
            translateY = if (maxY > 0) random.nextDouble(-maxY, maxY).roundToLong().toDouble() else 0.0
        }
        val factor = when {
            scale == null -> 1.0
            scale.first == scale.second -> scale.first
            else -> random.nextDouble(scale.first, scale.second)
        }
        affine(input, angle, translateX, translateY, factor, fill)
    }
}
