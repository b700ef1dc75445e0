package dev.ember.dsl

import dev.ember.nn.Flatten
import dev.ember.nn.Unflatten
import dev.ember.nn.Upsample
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class ShapeBuildersSpec : FunSpec({
    test("flatten merges per-sample dims; start and end count per sample") {
        val model = sequential(input = shape(2, 3, 4, 5)) { flatten(startDim = 1, endDim = 2); flatten(startDim = -2); flatten() }
        (model[0] as Flatten).let { it.startDim shouldBe 2; it.endDim shouldBe 3 }
        model.outputShapes.map { it.toString() } shouldBe listOf("[2, 12, 5]", "[2, 60]", "[120]")
        model.shouldMatchForwardShapes()
    }

    test("unflatten splits a dim, inferring one -1 size") {
        val model = sequential(input = shape(48)) { unflatten(0, 3, -1, 4); unflatten(-1, 2, 2) }
        (model[0] as Unflatten).let { it.dim shouldBe 1; it.unflattenedSize().toList() shouldBe listOf(3L, -1L, 4L) }
        model.outputShapes.map { it.toString() } shouldBe listOf("[3, 4, 4]", "[3, 4, 2, 2]")
        model.shouldMatchForwardShapes()
    }

    test("upsample by a scale or to a size, nearest and linear modes") {
        val model = sequential(input = shape(2, 3, 5)) {
            upsample(2.0); upsample(scale = 1.5, mode = "bilinear", alignCorners = true); upsample(4, 8, mode = "bilinear")
        }
        (model[1] as Upsample).mode shouldBe "bilinear"
        model.outputShapes.map { it.toString() } shouldBe listOf("[2, 6, 10]", "[2, 9, 15]", "[2, 4, 8]")
        model.shouldMatchForwardShapes()
        sequential(input = shape(1, 4)) { upsample(scale = 2.0, mode = "linear") }.outputShape shouldBe shape(1, 8)
        sequential(input = shape(1, 2, 2, 2)) { upsample(3, mode = "trilinear") }.shouldMatchForwardShapes()
        val nearest = sequential(input = shape(1, 2)) { upsample(2.0) }(Tensor.of(floatArrayOf(1f, 2f), 1, 1, 2))
        nearest.floats() shouldBe listOf(1f, 1f, 2f, 2f)
        val bilinear = sequential(input = shape(1, 1, 2)) { upsample(1, 3, mode = "bilinear", alignCorners = true) }(Tensor.of(floatArrayOf(0f, 1f), 1, 1, 1, 2))
        bilinear.floats() shouldBe listOf(0f, 0.5f, 1f)
    }

    test("shape errors name the path, the layer and the shapes") {
        shouldThrow<IllegalArgumentException> { sequential(input = shape(12)) { unflatten(0, 5, 2) } }
            .message shouldBe "layer 0 (unflatten): sizes [5, 2] don't multiply up to the size 12 of dim 0 of [12]"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(12)) { unflatten(0, -1, -1) } }
            .message shouldBe "layer 0 (unflatten): sizes [-1, -1] must be positive, with at most one -1"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(2, 3)) { flatten(startDim = 1, endDim = 0) } }
            .message shouldBe "layer 0 (flatten): flatten() has invalid args: start_dim (1) cannot come after end_dim (0) for [2, 3]"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(2, 3)) { upsample(2.0, mode = "bilinear") } }
            .message shouldBe "layer 0 (upsample): expected input of rank 3 [channels, height, width] for mode bilinear, got [2, 3]"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(2, 3)) { upsample(2.0, mode = "bicubic") } }
            .message shouldBe "layer 0 (upsample): unsupported interpolation mode 'bicubic' (supported: nearest, linear, bilinear, trilinear)"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(2, 3, 3)) { upsample(2.0, alignCorners = false) } }
            .message shouldBe "layer 0 (upsample): align_corners option can only be set with the interpolating modes: linear | bilinear | trilinear"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(2, 3, 3)) { upsample(0.2) } }
            .message shouldBe "layer 0 (upsample): output size would be [2, 0, 0] for input [2, 3, 3] (scale_factor 0.2)"
    }
})
