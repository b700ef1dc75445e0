package dev.ember.dsl

import dev.ember.autograd.GradMode
import dev.ember.nn.functional.F
import dev.ember.optim.SGD
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class EarlyStoppingSpec : FunSpec({
    /** A loss that trains normally but reports `script[i]` as the validation loss of epoch i + 1. */
    fun scriptedValidation(script: List<Double>): (Tensor, Tensor) -> Tensor {
        var epoch = 0
        return { output, target -> if (GradMode.isEnabled()) F.mseLoss(output, target) else Tensor.scalar(script[epoch++]) }
    }

    test("stops once val_loss has not improved for `patience` epochs") {
        val model = identityLinear()
        val output = StringBuilder()
        val history = fit(model, constantBatches(2, 2), epochs = 10, SGD(model.parameters(), 0.01),
            scriptedValidation(listOf(1.0, 0.8, 0.85, 0.9, 0.95, 0.7, 0.6, 0.5, 0.4, 0.3))) {
            validate(constantBatches(1, 2))
            earlyStopping(monitor = "val_loss", patience = 3)
            progress(output, terminal = false)
        }
        history.stoppedEarly shouldBe true
        history.epochs.size shouldBe 5
        history["val_loss"] shouldBe listOf(1.0, 0.8, 0.85, 0.9, 0.95)
        output.lines().dropLast(1).last() shouldBe "early stopping after epoch 5: val_loss has not improved for 3 epochs (best 0.8000 at epoch 2)"
    }

    test("minDelta: improvements smaller than it do not count") {
        val model = identityLinear()
        val history = fit(model, constantBatches(1, 2), epochs = 10, SGD(model.parameters(), 0.0),
            scriptedValidation(listOf(1.0, 0.95, 0.91, 0.5, 0.49, 0.48, 0.47, 0.1))) {
            validate(constantBatches(1, 2))
            earlyStopping(patience = 3, minDelta = 0.1)
            quiet()
        }
        // 0.95 and 0.91 are within 0.1 of 1.0; 0.5 improves; 0.49, 0.48 and 0.47 are within 0.1 of 0.5: stop after epoch 7.
        history.epochs.size shouldBe 7
        history.stoppedEarly shouldBe true
    }

    test("a metric monitored in auto mode is maximised, and restoreBestWeights rewinds the model") {
        val stopping = EarlyStopping("val_accuracy", patience = 2, minDelta = 0.0,
            maximize = EarlyStopping.maximizes("val_accuracy", "auto", listOf(accuracy)))
        stopping.maximize shouldBe true
        listOf(0.5, 0.7, 0.6, 0.7).mapIndexed { index, value -> stopping.improved(index + 1, value) } shouldBe listOf(true, true, false, false)
        stopping.shouldStop shouldBe true
        stopping.bestEpoch shouldBe 2
        EarlyStopping.maximizes("val_loss", "auto", listOf(accuracy)) shouldBe false

        val model = identityLinear()
        val weights = mutableListOf<Float>()
        val history = fit(model, constantBatches(1, 2), epochs = 10, SGD(model.parameters(), 0.1),
            scriptedValidation(listOf(0.9, 0.3, 0.5, 0.6))) {
            validate(constantBatches(1, 2))
            earlyStopping(patience = 2, restoreBestWeights = true)
            onEpochEnd { weights += model.weight.item().toFloat() }
            quiet()
        }
        history.epochs.size shouldBe 4
        weights.toSet().size shouldBe 4
        model.weight.item().toFloat() shouldBe weights[1]
    }

    test("monitoring something fit does not measure is an error before training") {
        val model = identityLinear()
        shouldThrow<IllegalArgumentException> {
            fit(model, constantBatches(1, 2), epochs = 1, SGD(model.parameters(), 0.1), F::mseLoss) { earlyStopping() }
        }.message shouldBe "earlyStopping monitors 'val_loss', but fit has no validate(...) data"
        shouldThrow<IllegalArgumentException> {
            fit(model, constantBatches(1, 2), epochs = 1, SGD(model.parameters(), 0.1), F::mseLoss) { earlyStopping(monitor = "accuracy") }
        }.message shouldBe "earlyStopping monitors 'accuracy', which fit does not measure; it measures [loss]"
    }
})
