package dev.ember.dsl

import dev.ember.nn.Dropout
import dev.ember.nn.Dropout2d
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class DropoutBuildersSpec : FunSpec({
    test("dropout keeps the shape, scales kept elements by 1 / (1 - p) in training and passes through in eval") {
        val model = sequential(input = shape(1000)) { dropout(0.25) }
        (model[0] as Dropout).p shouldBe 0.25
        model.shouldMatchForwardShapes()
        val kept = model(Tensor.ones(1, 1000)).toFloatArray().filter { it != 0f }
        kept.toSet() shouldBe setOf(1f / 0.75f)
        model.eval()
        model(Tensor.ones(1, 1000)).floats() shouldBe List(1000) { 1f }
    }

    test("dropout2d zeroes whole channels of [channels, height, width]") {
        val model = sequential(input = shape(64, 3, 3)) { dropout2d(0.5) }
        (model[0] as Dropout2d).p shouldBe 0.5
        model.shouldMatchForwardShapes()
        val output = model(Tensor.ones(1, 64, 3, 3))
        for (channel in 0 until 64) output[0, channel].toFloatArray().toSet().size shouldBe 1
    }

    test("dropout errors name the path, the layer and the shapes") {
        shouldThrow<IllegalArgumentException> { sequential(input = shape(8)) { dropout(1.5) } }
            .message shouldBe "layer 0 (dropout): dropout probability has to be between 0 and 1, but got 1.5"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(8)) { linear(4); dropout2d() } }
            .message shouldBe "layer 1 (dropout2d): expected input of rank 3 [channels, height, width], got [4]"
    }
})
