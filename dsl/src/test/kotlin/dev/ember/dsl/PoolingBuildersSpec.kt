package dev.ember.dsl

import dev.ember.nn.AdaptiveMaxPool2d
import dev.ember.nn.AvgPool1d
import dev.ember.nn.MaxPool2d
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class PoolingBuildersSpec : FunSpec({
    test("2-D pooling: strides, padding, ceil mode and adaptive sizes follow PyTorch's formula") {
        val model = sequential(input = shape(3, 32, 32)) {
            conv2d(16, kernel = 5, stride = 2, padding = 2); batchNorm2d()
            maxPool2d(3, stride = 2, ceilMode = true)
            avgPool2d(2); adaptiveAvgPool2d(1); flatten(); linear(4); logSoftmax()
        }
        model.outputShapes.map { it.toString() } shouldBe listOf(
            "[16, 16, 16]", "[16, 16, 16]", "[16, 8, 8]", "[16, 4, 4]", "[16, 1, 1]", "[16]", "[4]", "[4]")
        (model[2] as MaxPool2d).ceilMode shouldBe true
        model.shouldMatchForwardShapes()
    }

    test("max pooling with padding and dilation, average pooling with padding") {
        val model = sequential(input = shape(2, 11, 11)) { maxPool2d(3, stride = 1, padding = 1, dilation = 2); avgPool2d(3, stride = 2, padding = 1) }
        model.outputShapes.map { it.toString() } shouldBe listOf("[2, 9, 9]", "[2, 5, 5]")
        model.shouldMatchForwardShapes()
    }

    test("adaptive max and average pooling to any size, null keeping a dim") {
        val model = sequential(input = shape(4, 9, 7)) { adaptiveMaxPool2d(5, 3); adaptiveAvgPool2d(null, 2); adaptiveMaxPool2d(8) }
        (model[0] as AdaptiveMaxPool2d).outputSize.toList() shouldBe listOf(5L, 3L)
        model.outputShapes.map { it.toString() } shouldBe listOf("[4, 5, 3]", "[4, 5, 2]", "[4, 8, 8]")
        model.shouldMatchForwardShapes()
    }

    test("1-D max and average pooling on [channels, length]") {
        val model = sequential(input = shape(3, 25)) { maxPool1d(3); avgPool1d(2, ceilMode = true); maxPool1d(2, stride = 1, padding = 1) }
        (model[1] as AvgPool1d).ceilMode shouldBe true
        model.outputShapes.map { it.toString() } shouldBe listOf("[3, 8]", "[3, 4]", "[3, 5]")
        model.shouldMatchForwardShapes()
        val pooled = sequential(input = shape(1, 4)) { maxPool1d(2) }(Tensor.of(floatArrayOf(1f, 5f, -2f, 3f), 1, 1, 4))
        pooled.floats() shouldBe listOf(5f, 3f)
    }

    test("pooling errors name the path, the layer and the shapes") {
        shouldThrow<IllegalArgumentException> { sequential(input = shape(1, 4, 4)) { maxPool2d(2); maxPool2d(2); maxPool2d(2) } }
            .message shouldBe "layer 2 (maxPool2d): output size would be [1, 0, 0] for input [1, 1, 1] (kernel 2, stride 2, padding 0)"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(1, 8, 8)) { avgPool2d(2, padding = 2) } }
            .message shouldBe "layer 0 (avgPool2d): padding (2) should be at most half of the kernel size (2)"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(1, 8, 8)) { maxPool1d(2) } }
            .message shouldBe "layer 0 (maxPool1d): expected input of rank 2 [channels, length], got [1, 8, 8]"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(8)) { adaptiveAvgPool2d(1) } }
            .message shouldBe "layer 0 (adaptiveAvgPool2d): expected input of rank 3 [channels, height, width], got [8]"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(1, 8, 8)) { adaptiveMaxPool2d(0) } }
            .message shouldBe "layer 0 (adaptiveMaxPool2d): output size must be positive (or null to keep the input's), got (0, 0)"
    }
})
