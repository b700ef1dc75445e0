package dev.ember.dsl

import dev.ember.devices.DType
import dev.ember.nn.Embedding
import dev.ember.nn.Linear
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class LinearBuildersSpec : FunSpec({
    test("linear infers in_features from the last dim, on vectors and on sequences") {
        val model = sequential(input = shape(7, 12)) { linear(5); relu(); linear(3, bias = false) }
        (model[0] as Linear).inFeatures shouldBe 12L
        (model[2] as Linear).inFeatures shouldBe 5L
        (model[2] as Linear).bias shouldBe null
        model.outputShapes.map { it.toString() } shouldBe listOf("[7, 5]", "[7, 5]", "[7, 3]")
        model.shouldMatchForwardShapes().dims() shouldBe listOf(2L, 7L, 3L)
    }

    test("embedding maps int64 indices to vectors, with a padding row at zero") {
        val model = sequential(input = shape(6), dtype = DType.INT64) { embedding(50, 8, paddingIdx = -1); flatten(); linear(2) }
        val embedding = model[0] as Embedding
        embedding.paddingIdx shouldBe 49L
        embedding.weight.dims() shouldBe listOf(50L, 8L)
        embedding.weight[49].floats() shouldBe List(8) { 0f }
        model.outputShapes.map { it.toString() } shouldBe listOf("[6, 8]", "[48]", "[2]")
        model.shouldMatchForwardShapes(indicesBelow = 50)
        embedding(Tensor.of(longArrayOf(49, 3), 2))[0].floats() shouldBe List(8) { 0f }
    }

    test("linear and embedding errors name the layer and the shapes") {
        shouldThrow<IllegalArgumentException> { sequential(input = shape(3, 4, 4)) { linear(2) } }
            .message shouldBe "layer 0 (linear): expected input of rank 1 after flatten, got [3, 4, 4]"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(4)) { linear(0) } }
            .message shouldBe "layer 0 (linear): out_features must be positive, got 0"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(4)) { embedding(10, 3) } }
            .message shouldBe "layer 0 (embedding): expected integer indices, got float32 [4] (declare the input with dtype = DType.INT64)"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(4), dtype = DType.INT64) { embedding(10, 3, paddingIdx = 10) } }
            .message shouldBe "layer 0 (embedding): padding_idx must be within num_embeddings (10), got 10"
    }
})
