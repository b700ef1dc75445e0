package dev.ember.dsl

import dev.ember.nn.BatchNorm1d
import dev.ember.nn.BatchNorm2d
import dev.ember.nn.GroupNorm
import dev.ember.nn.InstanceNorm2d
import dev.ember.nn.LayerNorm
import dev.ember.nn.RMSNorm
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class NormalizationBuildersSpec : FunSpec({
    test("batch norms infer their feature count from dim 0") {
        val model = sequential(input = shape(3, 8, 8)) {
            batchNorm2d(); conv2d(5, kernel = 3); batchNorm2d(momentum = null, affine = false); flatten(); linear(6); batchNorm1d()
        }
        (model[0] as BatchNorm2d).numFeatures shouldBe 3L
        (model[2] as BatchNorm2d).let { it.numFeatures shouldBe 5L; it.momentum shouldBe null; it.weight shouldBe null }
        (model[5] as BatchNorm1d).numFeatures shouldBe 6L
        model.shouldMatchForwardShapes()
        val sequence = sequential(input = shape(4, 10)) { batchNorm1d(trackRunningStats = false) }
        (sequence[0] as BatchNorm1d).let { it.numFeatures shouldBe 4L; it.runningMean shouldBe null }
        sequence.shouldMatchForwardShapes()
    }

    test("layer norm and RMS norm normalize the trailing dims of the current shape") {
        val model = sequential(input = shape(5, 6)) { layerNorm(); rmsNorm(dims = 2, eps = 1e-6); layerNorm(dims = 2, bias = false) }
        (model[0] as LayerNorm).normalizedShape.toList() shouldBe listOf(6L)
        (model[1] as RMSNorm).normalizedShape.toList() shouldBe listOf(5L, 6L)
        (model[1] as RMSNorm).eps shouldBe 1e-6
        (model[2] as LayerNorm).bias shouldBe null
        model.shouldMatchForwardShapes()
        val normalized = sequential(input = shape(4)) { layerNorm(elementwiseAffine = false) }(Tensor.of(floatArrayOf(1f, 2f, 3f, 4f), 1, 4))
        normalized shouldBeCloseTo listOf(-1.3416355, -0.4472118, 0.4472118, 1.3416355)
        val rms = sequential(input = shape(2)) { rmsNorm(eps = 0.0) }(Tensor.of(floatArrayOf(3f, 4f), 1, 2))
        rms shouldBeCloseTo listOf(3 / Math.sqrt(12.5), 4 / Math.sqrt(12.5))
    }

    test("group norm and instance norm take channels from dim 0") {
        val model = sequential(input = shape(6, 5, 5)) { groupNorm(3); instanceNorm2d(affine = true); groupNorm(6, affine = false) }
        (model[0] as GroupNorm).let { it.numGroups shouldBe 3L; it.numChannels shouldBe 6L }
        (model[1] as InstanceNorm2d).let { it.numFeatures shouldBe 6L; it.affine shouldBe true; it.trackRunningStats shouldBe false }
        model.shouldMatchForwardShapes()
        sequential(input = shape(4, 7)) { groupNorm(2) }.shouldMatchForwardShapes()
    }

    test("normalization errors name the path, the layer and the shapes") {
        shouldThrow<IllegalArgumentException> { sequential(input = shape(6, 4, 4)) { groupNorm(4) } }
            .message shouldBe "layer 0 (groupNorm): num_channels (6) of [6, 4, 4] must be divisible by num_groups (4)"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(10)) { relu(); batchNorm2d() } }
            .message shouldBe "layer 1 (batchNorm2d): expected input of rank 3 [channels, height, width], got [10]"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(2, 3, 4, 5)) { batchNorm1d() } }
            .message shouldBe "layer 0 (batchNorm1d): expected input of rank 1 [features] or 2 [channels, length], got [2, 3, 4, 5]"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(4)) { layerNorm(dims = 2) } }
            .message shouldBe "layer 0 (layerNorm): cannot normalize the last 2 dims of [4]"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(3, 1, 1)) { instanceNorm2d() } }
            .message shouldBe "layer 0 (instanceNorm2d): expected more than 1 spatial element when training, got input [3, 1, 1]"
    }
})
