package dev.ember.data

/**
 * A function applied to each sample (or one field of it) as it is loaded, like a torchvision
 * transform. Random transforms draw from [SampleRandomness.current], which the loader seeds per
 * sample. Build them with the functions of `Transforms` (Kotlin: top-level in this package).
 *
 * ```kotlin
 * val augment = compose(toTensor(), randomCrop(28, padding = 4), randomHorizontalFlip(), normalize(0.2860, 0.3530))
 * val image: Tensor = augment(bufferedImage)
 * ```
 */
fun interface Transform<in I, out O> {
    fun apply(input: I): O

    operator fun invoke(input: I): O = apply(input)
}
