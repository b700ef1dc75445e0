package dev.ember.dsl

import dev.ember.devices.DType
import dev.ember.nn.Module
import dev.ember.nn.Sequential

/**
 * A [Sequential] built by [sequential], remembering the declared input shape and element type and
 * each layer's output shape (per sample) for [summary].
 *
 *     val model = sequential(input = shape(4)) { linear(3); relu() }
 *     model.outputShapes   // [[3], [3]]
 */
class ShapedSequential internal constructor(
    val inputShape: Shape,
    /** The declared element type of the input ([DType.INT64] for token indices). */
    val inputDType: DType,
    layers: List<Module>,
    /** The output shape of each layer, in order. */
    val outputShapes: List<Shape>,
) : Sequential(*layers.toTypedArray()) {

    /** The shape of one output sample. */
    val outputShape: Shape get() = outputShapes.lastOrNull() ?: inputShape
}
