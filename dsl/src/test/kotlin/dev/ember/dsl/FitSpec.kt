package dev.ember.dsl

import dev.ember.data.Batch
import dev.ember.nn.MSELoss
import dev.ember.nn.functional.F
import dev.ember.optim.Adam
import dev.ember.optim.SGD
import dev.ember.optim.StepLR
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.doubles.shouldBeGreaterThanOrEqual
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TestTimeSource

class FitSpec : FunSpec({
    test("fit learns a separable problem: accuracy on held-out points reaches 95%") {
        Tensor.manualSeed(3)
        val model = sequential(input = shape(2)) { linear(16); relu(); linear(2) }
        val (testPoints, testLabels) = separablePoints(200, seed = 11)
        val history = fit(model, separableLoader(400, seed = 5, batchSize = 20), epochs = 8, Adam(model.parameters(), 0.02), F::crossEntropy) {
            metrics(accuracy)
            validate(listOf(Batch(testPoints, testLabels)))
            quiet()
        }
        history.epochs.size shouldBe 8
        history.keys shouldBe listOf("loss", "accuracy", "val_loss", "val_accuracy", "samples_per_second", "seconds")
        history["val_accuracy"].last() shouldBeGreaterThanOrEqual 0.95
        history["accuracy"].last() shouldBeGreaterThanOrEqual 0.95
        history["loss"].last() shouldBeLessThan history["loss"].first() / 2
        history.epochs.map { it.samples }.toSet() shouldBe setOf(400L)
        val predicted = noGrad { model.eval(); model(testPoints).argmax(1) }
        predicted.eq(testLabels).sum().item() / 200 shouldBe history["val_accuracy"].last()
    }

    test("history values are sample-weighted epoch averages, and times come from the time source") {
        val batches = listOf(
            Batch(Tensor.of(floatArrayOf(1f, 2f, 3f), 3, 1), Tensor.zeros(3, 1)),
            Batch(Tensor.of(floatArrayOf(4f), 1, 1), Tensor.zeros(1, 1)))
        val clock = TestTimeSource()
        val model = identityLinear()
        val seen = mutableListOf<Pair<Int, Int>>()
        val history = fit(model, batches, epochs = 2, SGD(model.parameters(), 0.0), F::mseLoss) {
            metrics(meanAbsoluteError)
            validate(batches)
            onBatchEnd { clock += 1.seconds; seen += it.epoch to it.batch }
            quiet()
            timeSource(clock)
        }
        // Losses (1 + 4 + 9) / 3 and 16, weighted 3 : 1; absolute errors 6 over 3 and 4 over 1.
        val record = history.last
        record.loss shouldBe (7.5 plusOrMinus 1e-6)
        record.metrics.getValue("mae") shouldBe (2.5 plusOrMinus 1e-6)
        record.validationLoss!! shouldBe (7.5 plusOrMinus 1e-6)
        record.validationMetrics.getValue("mae") shouldBe (2.5 plusOrMinus 1e-6)
        record.samples shouldBe 4L
        record.seconds shouldBe 2.0
        record.samplesPerSecond shouldBe 2.0
        history["seconds"] shouldBe listOf(2.0, 2.0)
        seen shouldBe listOf(1 to 1, 1 to 2, 2 to 1, 2 to 2)
    }

    test("a loss module, epoch callbacks and a scheduler stepped per epoch") {
        val model = identityLinear()
        val optimizer = SGD(model.parameters(), 0.1)
        val learningRates = mutableListOf<Double>()
        val epochs = mutableListOf<Int>()
        fit(model, constantBatches(2, 4), epochs = 3, optimizer, MSELoss()) {
            scheduler(StepLR(optimizer, 1, 0.5))
            onEpochEnd { epochs += it.epoch; learningRates += optimizer.paramGroups()[0].getDouble("lr") }
            quiet()
        }
        epochs shouldBe listOf(1, 2, 3)
        learningRates shouldBe listOf(0.05, 0.025, 0.0125)
    }

    test("gradient clipping bounds each step") {
        val model = identityLinear()
        fit(model, constantBatches(1, 1, x = 100f), epochs = 1, SGD(model.parameters(), 1.0), F::mseLoss) {
            clipGradNorm(1.0)
            quiet()
        }
        // The raw gradient (2 * 100 * 100 for the weight, 2 * 100 for the bias) is scaled to norm 1.
        val weightGradient = 20000.0 / Math.hypot(20000.0, 200.0)
        model.weight.item() shouldBe ((1.0 - weightGradient) plusOrMinus 1e-5)
    }

    test("fit rejects empty data and bad settings with clear messages") {
        val model = identityLinear()
        shouldThrow<IllegalArgumentException> { fit(model, emptyList(), epochs = 1, SGD(model.parameters(), 0.1), F::mseLoss) { quiet() } }
            .message shouldBe "fit: the training data gave no batches in epoch 1"
        shouldThrow<IllegalArgumentException> { fit(model, constantBatches(1, 1), epochs = -1, SGD(model.parameters(), 0.1), F::mseLoss) }
            .message shouldBe "fit: epochs must be non-negative, got -1"
        shouldThrow<IllegalArgumentException> {
            fit(model, constantBatches(1, 1), epochs = 1, SGD(model.parameters(), 0.1), F::mseLoss) { metrics(accuracy, accuracy) }
        }.message shouldBe "metrics: each metric name may appear once, got [accuracy, accuracy]"
    }
})
