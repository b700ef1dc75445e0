package dev.ember.dsl

import dev.ember.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.shouldBe

/** The elements of a float32 tensor as a list, for one-line `shouldBe` assertions. */
internal fun Tensor.floats(): List<Float> = toFloatArray().toList()

/** The shape as a list. */
internal fun Tensor.dims(): List<Long> = shape().toList()

/** Every element within 1e-5 of `expected`, in order. */
internal infix fun Tensor.shouldBeCloseTo(expected: List<Double>) {
    val actual = toDoubleArray().toList()
    withClue("$actual vs $expected") {
        actual.size shouldBe expected.size
        actual.zip(expected).forEach { (a, e) -> a shouldBe (e plusOrMinus 1e-5) }
    }
}

/**
 * Runs the model layer by layer on a random batch and checks that every layer's actual output
 * shape is the one declared at build time; returns the final output. Integer inputs (for an
 * embedding) are drawn below `indicesBelow`.
 */
internal fun ShapedSequential.shouldMatchForwardShapes(batch: Long = 2, indicesBelow: Long = 10): Tensor {
    var x = if (inputDType.isFloatingPoint) Tensor.randn(*inputShape.withBatch(batch))
    else Tensor.randint(0, indicesBelow, *inputShape.withBatch(batch))
    for ((index, layer) in withIndex()) {
        x = layer(x)
        withClue("output of layer $index (${layer.javaClass.simpleName})") {
            x.dims() shouldBe outputShapes[index].withBatch(batch).toList()
        }
    }
    return x
}
