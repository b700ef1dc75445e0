package dev.ember.dsl

import dev.ember.devices.DType
import dev.ember.nn.Conv2d
import dev.ember.nn.Identity
import dev.ember.nn.Linear
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class SequentialBuilderSpec : FunSpec({
    fun fashionCnn() = sequential(input = shape(1, 28, 28)) {
        conv2d(32, kernel = 3); relu(); maxPool2d(2)
        conv2d(64, kernel = 3); relu(); maxPool2d(2)
        flatten()
        linear(128); relu(); dropout(0.25)
        linear(10)
    }

    test("the Fashion-MNIST CNN infers every input size from the declared shape") {
        val model = fashionCnn()
        model.outputShapes.map { it.toString() } shouldBe listOf(
            "[32, 26, 26]", "[32, 26, 26]", "[32, 13, 13]", "[64, 11, 11]", "[64, 11, 11]", "[64, 5, 5]",
            "[1600]", "[128]", "[128]", "[128]", "[10]")
        (model[3] as Conv2d).inChannels shouldBe 32L
        (model[7] as Linear).inFeatures shouldBe 1600L
        model.parameterCount() shouldBe (32 * 9 + 32) + (64 * 32 * 9 + 64) + (1600 * 128 + 128) + (128 * 10 + 10).toLong()
    }

    test("the declared shapes match what a forward pass produces, layer by layer") {
        val model = fashionCnn()
        model.shouldMatchForwardShapes().dims() shouldBe listOf(2L, 10L)
    }

    test("a shape error names the layer, its kind and the shapes at declaration") {
        shouldThrow<IllegalArgumentException> {
            sequential(input = shape(1, 28, 28)) {
                conv2d(32, kernel = 3); relu(); maxPool2d(2); conv2d(64, kernel = 3); relu(); maxPool2d(2)
                linear(10)
            }
        }.message shouldBe "layer 6 (linear): expected input of rank 1 after flatten, got [64, 5, 5]"
    }

    test("nested blocks prefix the path of their layers and continue the running shape") {
        shouldThrow<IllegalArgumentException> {
            sequential(input = shape(3, 8, 8)) { relu(); sequential { conv2d(4, kernel = 3); linear(2) } }
        }.message shouldBe "layer 1.1 (linear): expected input of rank 1 after flatten, got [4, 6, 6]"
        shouldThrow<IllegalArgumentException> {
            sequential(input = shape(3, 8, 8)) { sequential { relu(); sequential { flatten(); conv2d(2, kernel = 1) } } }
        }.message shouldBe "layer 0.1.1 (conv2d): expected input of rank 3 [channels, height, width], got [192]"
        val model = sequential(input = shape(3, 8, 8)) { sequential { conv2d(4, kernel = 3); relu() }; flatten(); linear(5) }
        model.outputShapes.map { it.toString() } shouldBe listOf("[4, 6, 6]", "[144]", "[5]")
        model.namedParameters().keys.toList() shouldBe listOf("0.0.weight", "0.0.bias", "2.weight", "2.bias")
        model.shouldMatchForwardShapes()
    }

    test("any module joins with layer(module) { its output shape }, and its shape errors carry the path") {
        val model = sequential(input = shape(6)) {
            layer(Identity()) { it }
            layer(Linear(6, 4)) { input -> require(input[0] == 6L) { "expected 6 features, got $input" }; shape(4) }
            linear(2)
        }
        model.outputShape shouldBe shape(2)
        model.shouldMatchForwardShapes()
        shouldThrow<IllegalArgumentException> {
            sequential(input = shape(5)) { layer(Linear(6, 4)) { input -> require(input[0] == 6L) { "expected 6 features, got $input" }; shape(4) } }
        }.message shouldBe "layer 0 (Linear): expected 6 features, got [5]"
    }

    test("constructor argument errors of a layer are reported with its path") {
        shouldThrow<IllegalArgumentException> { sequential(input = shape(4)) { linear(4); gelu(approximate = "fast") } }
            .message shouldBe "layer 1 (gelu): approximate argument must be either none or tanh, got 'fast'"
    }

    test("integer inputs must go through an embedding before any floating-point layer") {
        shouldThrow<IllegalArgumentException> { sequential(input = shape(8), dtype = DType.INT64) { linear(4) } }
            .message shouldBe "layer 0 (linear): expected floating-point input, got int64 [8] (integer indices go into an embedding first)"
        sequential(input = shape(8), dtype = DType.INT64) { embedding(20, 4); flatten(); linear(3) }.inputDType shouldBe DType.INT64
    }

    test("the builder block runs exactly once and can initialise vals") {
        val first: Linear
        sequential(input = shape(2)) { first = linear(3) }
        first.outFeatures shouldBe 3L
    }

    test("an empty block is the identity on its input shape") {
        val model = sequential(input = shape(3)) {}
        model.outputShape shouldBe shape(3)
        model(Tensor.ones(2, 3)).floats() shouldBe List(6) { 1f }
    }
})
