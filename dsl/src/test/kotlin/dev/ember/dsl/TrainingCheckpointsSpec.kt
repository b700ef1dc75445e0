package dev.ember.dsl

import dev.ember.nn.functional.F
import dev.ember.autograd.GradMode
import dev.ember.optim.Adam
import dev.ember.optim.SGD
import dev.ember.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import java.nio.file.Files
import kotlin.io.path.name

class TrainingCheckpointsSpec : FunSpec({
    fun model() = sequential(input = shape(2)) { linear(4); relu(); linear(2) }

    test("a checkpoint per epoch, the newest kept; a resumed run continues after the last saved epoch") {
        val directory = Files.createTempDirectory("ember-checkpoints")
        try {
            Tensor.manualSeed(1)
            val first = model()
            val firstHistory = fit(first, separableLoader(40, seed = 1, batchSize = 10), epochs = 4, Adam(first.parameters(), 0.01), F::crossEntropy) {
                metrics(accuracy)
                checkpoint(directory, keepLast = 2)
                quiet()
            }
            TrainingCheckpoints(directory).files().map { it.name } shouldBe listOf("epoch-0003.safetensors", "epoch-0004.safetensors")

            Tensor.manualSeed(2)
            val second = model()
            val output = StringBuilder()
            val trained = mutableListOf<Int>()
            val secondHistory = fit(second, separableLoader(40, seed = 1, batchSize = 10), epochs = 6, Adam(second.parameters(), 0.01),
                F::crossEntropy) {
                metrics(accuracy)
                checkpoint(directory, keepLast = 2)
                onEpochEnd { trained += it.epoch }
                progress(output, terminal = false)
            }
            output.toString() shouldStartWith "resumed from ${directory.resolve("epoch-0004.safetensors")} after epoch 4\n"
            trained shouldBe listOf(5, 6)
            secondHistory.epochs.map { it.epoch } shouldBe listOf(1, 2, 3, 4, 5, 6)
            secondHistory["loss"].take(4) shouldBe firstHistory["loss"]
            secondHistory["accuracy"].take(4) shouldBe firstHistory["accuracy"]
            TrainingCheckpoints(directory).files().map { it.name } shouldBe listOf("epoch-0005.safetensors", "epoch-0006.safetensors")
        } finally {
            directory.toFile().deleteRecursively()
        }
    }

    test("resuming a finished run restores the model and trains nothing") {
        val directory = Files.createTempDirectory("ember-checkpoints")
        try {
            Tensor.manualSeed(3)
            val first = model()
            fit(first, separableLoader(20, seed = 2, batchSize = 10), epochs = 2, Adam(first.parameters(), 0.01), F::crossEntropy) {
                checkpoint(directory)
                quiet()
            }
            Tensor.manualSeed(4)
            val second = model()
            val history = fit(second, separableLoader(20, seed = 2, batchSize = 10), epochs = 2, Adam(second.parameters(), 0.01),
                F::crossEntropy) {
                checkpoint(directory)
                quiet()
            }
            history.epochs.size shouldBe 2
            for ((name, value) in first.stateDict()) second.stateDict().getValue(name).floats() shouldBe value.floats()
        } finally {
            directory.toFile().deleteRecursively()
        }
    }

    test("a resumed run that stops early rewinds to the best epoch, even one from before the resume") {
        val directory = Files.createTempDirectory("ember-checkpoints")
        try {
            val validationLosses = listOf(0.9, 0.3, 0.5, 0.6)
            var validated = 0
            val loss: (Tensor, Tensor) -> Tensor = { output, target ->
                if (GradMode.isEnabled()) F.mseLoss(output, target) else Tensor.scalar(validationLosses[validated++])
            }
            val weights = mutableListOf<Float>()
            fun run(epochs: Int): Pair<History, Float> {
                val model = identityLinear()
                val history = fit(model, constantBatches(1, 2), epochs, SGD(model.parameters(), 0.1), loss) {
                    validate(constantBatches(1, 2))
                    earlyStopping(patience = 2, restoreBestWeights = true)
                    checkpoint(directory)
                    onEpochEnd { weights += model.weight.item().toFloat() }
                    quiet()
                }
                return history to model.weight.item().toFloat()
            }
            run(epochs = 2)
            val (resumed, rewound) = run(epochs = 10)
            resumed.stoppedEarly shouldBe true
            resumed.epochs.map { it.epoch } shouldBe listOf(1, 2, 3, 4)
            weights.toSet().size shouldBe 4
            rewound shouldBe weights[1]

            val (finished, rewoundAgain) = run(epochs = 10)
            finished.epochs.size shouldBe 4
            validated shouldBe 4
            rewoundAgain shouldBe weights[1]
        } finally {
            directory.toFile().deleteRecursively()
        }
    }
})
