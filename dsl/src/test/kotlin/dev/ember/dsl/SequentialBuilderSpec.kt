package dev.ember.dsl

import dev.ember.nn.Conv2d
import dev.ember.nn.Linear
import dev.ember.nn.MaxPool2d
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

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

    test("the declared shapes match what a forward pass produces") {
        val model = fashionCnn()
        model.eval()
        val out = model(Tensor.randn(2, 1, 28, 28))
        out.shape().toList() shouldBe model.outputShape.withBatch(2).toList()
    }

    test("a shape error names the layer, its kind and the shapes at declaration") {
        shouldThrow<IllegalArgumentException> {
            sequential(input = shape(1, 28, 28)) {
                conv2d(32, kernel = 3); relu(); maxPool2d(2); conv2d(64, kernel = 3); relu(); maxPool2d(2)
                linear(10)
            }
        }.message shouldBe "layer 6 (linear): expected input of rank 1 after flatten, got [64, 5, 5]"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(784)) { conv2d(8, kernel = 3) } }
            .message shouldBe "layer 0 (conv2d): expected input of rank 3 [channels, height, width], got [784]"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(1, 4, 4)) { maxPool2d(2); maxPool2d(2); maxPool2d(2) } }
            .message shouldBe "layer 2 (maxPool2d): output size would be [1, 0, 0] for input [1, 1, 1] (kernel 2, stride 2, padding 0)"
    }

    test("nested blocks prefix the path of their layers") {
        shouldThrow<IllegalArgumentException> {
            sequential(input = shape(3, 8, 8)) { relu(); sequential { conv2d(4, kernel = 3); linear(2) } }
        }.message shouldBe "layer 1.1 (linear): expected input of rank 1 after flatten, got [4, 6, 6]"
    }

    test("strides, padding, ceil mode and pooling follow PyTorch's size formula") {
        val model = sequential(input = shape(3, 32, 32)) {
            conv2d(16, kernel = 5, stride = 2, padding = 2); batchNorm2d()
            maxPool2d(3, stride = 2, ceilMode = true)
            avgPool2d(2); adaptiveAvgPool2d(1); flatten(); linear(4); logSoftmax()
        }
        model.outputShapes.map { it.toString() } shouldBe listOf(
            "[16, 16, 16]", "[16, 16, 16]", "[16, 8, 8]", "[16, 4, 4]", "[16, 1, 1]", "[16]", "[4]", "[4]")
        model.eval()
        model(Tensor.randn(2, 3, 32, 32)).shape().toList() shouldBe listOf(2L, 4L)
        (model[2] as MaxPool2d).ceilMode shouldBe true
    }

    test("sequence layers: conv1d, layerNorm, linear on the last dimension") {
        val model = sequential(input = shape(4, 10)) { conv1d(6, kernel = 3, padding = 1); gelu(); layerNorm(); linear(3) }
        model.outputShape.toString() shouldBe "[6, 3]"
        model(Tensor.randn(5, 4, 10)).shape().toList() shouldBe listOf(5L, 6L, 3L)
    }

    test("summary lists layers, output shapes, parameter counts and totals") {
        val summary = sequential(input = shape(4)) { linear(3); relu(); linear(2, bias = false) }.summary()
        summary shouldBe """
            Input shape: [-1, 4]
            Layer (type)  Output shape  Param #
            -----------------------------------
            0 (Linear)    [-1, 3]            15
            1 (ReLU)      [-1, 3]             0
            2 (Linear)    [-1, 2]             6
            -----------------------------------
            Total params: 21
            Trainable params: 21
            Non-trainable params: 0
        """.trimIndent()
        fashionCnn().summary() shouldContain "Total params: 225,034"
    }

    test("the builder block runs exactly once and can initialise vals") {
        val first: Linear
        sequential(input = shape(2)) { first = linear(3) }
        first.outFeatures shouldBe 3L
    }
})
