package dev.ember.dsl

import dev.ember.nn.GELU
import dev.ember.nn.Module
import dev.ember.nn.Softmax
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class ActivationBuildersSpec : FunSpec({
    // Golden values of each activation at -1, 0 and 2 (Python's math module, double precision).
    val cases: List<Triple<String, SequentialBuilder.() -> Module, List<Double>>> = listOf(
        Triple("relu", { relu() }, listOf(0.0, 0.0, 2.0)),
        Triple("leakyRelu(0.1)", { leakyRelu(0.1) }, listOf(-0.1, 0.0, 2.0)),
        Triple("elu", { elu() }, listOf(-0.6321205588285577, 0.0, 2.0)),
        Triple("gelu", { gelu() }, listOf(-0.15865525393145707, 0.0, 1.9544997361036416)),
        Triple("gelu(tanh)", { gelu(approximate = "tanh") }, listOf(-0.15880800939172324, 0.0, 1.954597694087775)),
        Triple("silu", { silu() }, listOf(-0.2689414213699951, 0.0, 1.7615941559557646)),
        Triple("mish", { mish() }, listOf(-0.30340146137410895, 0.0, 1.9439589595339946)),
        Triple("sigmoid", { sigmoid() }, listOf(0.2689414213699951, 0.5, 0.8807970779778823)),
        Triple("tanh", { tanh() }, listOf(-0.7615941559557649, 0.0, 0.9640275800758169)),
        Triple("softplus", { softplus() }, listOf(0.31326168751822286, 0.6931471805599453, 2.1269280110429727)),
        Triple("softplus(beta 2)", { softplus(beta = 2.0) }, listOf(0.06346400552148625, 0.34657359027997264, 2.0090749639589047)),
        Triple("hardtanh(-0.5, 1)", { hardtanh(-0.5, 1.0) }, listOf(-0.5, 0.0, 1.0)),
        Triple("softmax", { softmax() }, listOf(0.04201006613406605, 0.11419519938459446, 0.8437947344813395)),
        Triple("logSoftmax", { logSoftmax() }, listOf(-3.1698460195562856, -2.1698460195562856, -0.16984601955628564)),
        Triple("identity", { identity() }, listOf(-1.0, 0.0, 2.0)),
    )

    test("every activation keeps the shape and computes its function") {
        val input = Tensor.of(floatArrayOf(-1f, 0f, 2f), 1, 3)
        for ((name, add, expected) in cases) {
            withClue(name) {
                val model = sequential(input = shape(3)) { add() }
                model.outputShape shouldBe shape(3)
                model(input) shouldBeCloseTo expected
                sequential(input = shape(2, 5, 4)) { add() }.shouldMatchForwardShapes()
            }
        }
    }

    test("softmax dims count per sample and are shifted past the batch dim") {
        val model = sequential(input = shape(2, 3)) { softmax(dim = 0); logSoftmax(dim = -2) }
        (model[0] as Softmax).dim shouldBe 1
        val probabilities = sequential(input = shape(2, 2)) { softmax(dim = 0) }(Tensor.of(floatArrayOf(0f, 1f, 0f, 1f), 1, 2, 2))
        probabilities.floats() shouldBe listOf(0.5f, 0.5f, 0.5f, 0.5f)
        (sequential(input = shape(4)) { gelu(approximate = "tanh") }[0] as GELU).approximate shouldBe "tanh"
    }

    test("activation errors name the path and the problem") {
        shouldThrow<IllegalArgumentException> { sequential(input = shape(2, 3)) { relu(); softmax(dim = 2) } }
            .message shouldBe "layer 1 (softmax): dim 2 is out of range for input of rank 2 [2, 3]"
        shouldThrow<IllegalArgumentException> { sequential(input = shape(3)) { hardtanh(1.0, -1.0) } }
            .message shouldBe "layer 0 (hardtanh): max_val (-1.0) must be greater than min_val (1.0)"
    }
})
