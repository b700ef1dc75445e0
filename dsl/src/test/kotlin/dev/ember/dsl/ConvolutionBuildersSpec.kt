package dev.ember.dsl

import dev.ember.nn.Conv1d
import dev.ember.nn.Conv3d
import dev.ember.nn.ConvTranspose2d
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class ConvolutionBuildersSpec : FunSpec({
    test("conv1d infers in_channels and follows PyTorch's size formula with stride, padding and dilation") {
        val model = sequential(input = shape(4, 20)) {
            conv1d(6, kernel = 3, padding = 1); conv1d(8, kernel = 3, stride = 2, dilation = 2); conv1d(8, kernel = 5, padding = "same", groups = 4)
        }
        (model[1] as Conv1d).inChannels shouldBe 6L
        (model[2] as Conv1d).weight.dims() shouldBe listOf(8L, 2L, 5L)
        model.outputShapes.map { it.toString() } shouldBe listOf("[6, 20]", "[8, 8]", "[8, 8]")
        model.shouldMatchForwardShapes()
    }

    test("conv2d with stride, padding, groups and string padding") {
        val model = sequential(input = shape(3, 17, 17)) {
            conv2d(12, kernel = 5, stride = 2, padding = 2); conv2d(12, kernel = 3, groups = 3, padding = "same")
            conv2d(4, kernel = 3, padding = "valid", bias = false)
        }
        model.outputShapes.map { it.toString() } shouldBe listOf("[12, 9, 9]", "[12, 9, 9]", "[4, 7, 7]")
        model.shouldMatchForwardShapes()
    }

    test("conv3d on [channels, depth, height, width]") {
        val model = sequential(input = shape(2, 6, 7, 8)) { conv3d(4, kernel = 3); conv3d(3, kernel = 2, stride = 2, padding = 1) }
        (model[1] as Conv3d).inChannels shouldBe 4L
        (model[1] as Conv3d).weight.dims() shouldBe listOf(3L, 4L, 2L, 2L, 2L)
        model.outputShapes.map { it.toString() } shouldBe listOf("[4, 4, 5, 6]", "[3, 3, 3, 4]")
        model.shouldMatchForwardShapes()
    }

    test("convTranspose2d upsamples by (in - 1) stride - 2 padding + dilation (kernel - 1) + output padding + 1") {
        val model = sequential(input = shape(8, 5, 5)) {
            convTranspose2d(4, kernel = 3, stride = 2); convTranspose2d(2, kernel = 4, stride = 2, padding = 1, outputPadding = 1)
        }
        val first = model[0] as ConvTranspose2d
        first.inChannels shouldBe 8L
        first.weight.dims() shouldBe listOf(8L, 4L, 3L, 3L)
        model.outputShapes.map { it.toString() } shouldBe listOf("[4, 11, 11]", "[2, 23, 23]")
        model.shouldMatchForwardShapes()
    }

    test("convolution errors name the path, the layer and the shapes") {
        shouldThrow<IllegalArgumentException> { sequential(input = shape(784)) { conv2d(8, kernel = 3) } }
            .message shouldBe "layer 0 (conv2d): expected input of rank 3 [channels, height, width], got [784]"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(1, 4, 4)) { conv2d(2, kernel = 5) } }
            .message shouldBe "layer 0 (conv2d): kernel 5 (dilation 1, padding 0) is larger than the input [1, 4, 4]"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(3, 8, 8)) { conv2d(4, kernel = 3, groups = 2) } }
            .message shouldBe "layer 0 (conv2d): in_channels (3) and out_channels (4) must be divisible by groups (2)"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(2, 8)) { conv1d(4, kernel = 3, padding = "full") } }
            .message shouldBe "layer 0 (conv1d): Invalid padding string 'full', should be one of {'valid', 'same'}"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(2, 4, 4, 4)) { relu(); conv3d(4, kernel = 3, stride = 0) } }
            .message shouldBe "layer 1 (conv3d): expected positive out_channels, kernel, stride and dilation and non-negative padding, " +
            "got out_channels=4, kernel=3, stride=0, padding=0, dilation=1"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(2, 4, 4)) { convTranspose2d(4, kernel = 3, stride = 2, outputPadding = 2) } }
            .message shouldBe "layer 0 (convTranspose2d): output padding must be smaller than either stride or dilation, " +
            "got output_padding=2, stride=2, dilation=1"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(2, 1, 1)) { convTranspose2d(4, kernel = 1, padding = 1) } }
            .message shouldBe "layer 0 (convTranspose2d): output size would be [4, -1, -1] for input [2, 1, 1] (kernel 1, stride 1, padding 1)"
    }
})
