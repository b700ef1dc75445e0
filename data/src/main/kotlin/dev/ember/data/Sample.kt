package dev.ember.data

import dev.ember.tensor.Tensor

/**
 * One labelled example: an [input] (an image, a feature vector) and its [target] (a class
 * index as an int64 scalar, a regression value, a one-hot vector). Destructures like a pair.
 *
 * ```kotlin
 * val (image, label) = FashionMnist.test()[0]     // [1, 28, 28] float32, int64 scalar
 * ```
 */
data class Sample(val input: Tensor, val target: Tensor)
