package dev.ember.dsl

import dev.ember.nn.Module
import dev.ember.nn.Sequential

/**
 * A [Sequential] built by [sequential], remembering the declared input shape and each layer's
 * output shape (per sample) for [summary].
 */
class ShapedSequential internal constructor(
    val inputShape: Shape,
    layers: List<Module>,
    /** The output shape of each layer, in order. */
    val outputShapes: List<Shape>,
) : Sequential(*layers.toTypedArray()) {

    /** The shape of one output sample. */
    val outputShape: Shape get() = outputShapes.lastOrNull() ?: inputShape
}
