@file:JvmName("FashionMnistDsl")

package dev.ember.samples

import dev.ember.data.TensorDataset
import dev.ember.data.loader
import dev.ember.dsl.accuracy
import dev.ember.dsl.conv2d
import dev.ember.dsl.dropout
import dev.ember.dsl.fit
import dev.ember.dsl.flatten
import dev.ember.dsl.linear
import dev.ember.dsl.maxPool2d
import dev.ember.dsl.relu
import dev.ember.dsl.sequential
import dev.ember.dsl.shape
import dev.ember.dsl.summary
import dev.ember.nn.functional.F
import dev.ember.optim.Adam
import dev.ember.tensor.Tensor
import java.nio.file.Path
import java.util.Locale
import kotlin.system.exitProcess

/**
 * The Fashion-MNIST CNN of [FashionMnistTraining], written with Ember's Kotlin DSL: the model
 * is declared with `sequential(input = shape(1, 28, 28))` (every input size inferred), trained
 * with `fit { }` on a shuffled [dev.ember.data.DataLoader], validated on the test set after each
 * epoch, then saved with its loss/accuracy curves as a PNG.
 *
 * ```
 * ./ember run-dsl                                  # 2 epochs on Debian's dataset, or the bundled subset
 * ./ember run-dsl --epochs 5 --data DIR --out model.safetensors --plot curves.png
 * ```
 */
fun main(args: Array<String>) {
    val options = try {
        DslOptions.parse(args)
    } catch (e: IllegalArgumentException) {
        System.err.println(e.message)
        exitProcess(2)
    }
    Tensor.manualSeed(options.seed)
    val data = FashionMnistData.load(options.data)
    println(String.format(Locale.ROOT, "Fashion-MNIST from %s: %d training, %d test images", data.source(), data.trainSize(), data.testSize()))

    val model = sequential(input = shape(1, 28, 28)) {
        conv2d(32, kernel = 3); relu(); maxPool2d(2)
        conv2d(64, kernel = 3); relu(); maxPool2d(2)
        flatten()
        linear(128); relu(); dropout(0.25)
        linear(10)
    }
    println(model.summary())

    val train = TensorDataset(data.trainImages(), data.trainLabels()).loader(batchSize = options.batchSize, shuffle = true, workers = 2,
        seed = options.seed)
    val test = TensorDataset(data.testImages(), data.testLabels()).loader(batchSize = 1000)
    val history = fit(model, train, options.epochs, Adam(model.parameters(), 1e-3), F::crossEntropy) {
        metrics(accuracy)
        validate(test)
    }

    val last = history.last
    println(String.format(Locale.ROOT, "test accuracy after %d epochs: %.2f%% (train accuracy %.2f%%, %.0f samples/s)",
        last.epoch, 100 * last.validationMetrics.getValue("accuracy"), 100 * last.metrics.getValue("accuracy"), last.samplesPerSecond))
    model.save(options.output)
    println("saved the trained model to ${options.output.toAbsolutePath()}")
    history.plot(options.plot)
    println("saved the loss and accuracy curves to ${options.plot.toAbsolutePath()}")
}

/** The command line: the Java sample's options, plus `--plot FILE` for the curves. */
private data class DslOptions(val epochs: Int, val batchSize: Int, val seed: Long, val data: Path?, val output: Path, val plot: Path) {
    companion object {
        fun parse(args: Array<String>): DslOptions {
            var options = DslOptions(2, 64, 0, null, Path.of("fashion-mnist-cnn-dsl.safetensors"), Path.of("fashion-mnist-cnn-dsl.png"))
            var index = 0
            while (index < args.size) {
                val option = args[index]
                val value = args.getOrNull(index + 1) ?: throw IllegalArgumentException("$option needs a value")
                options = when (option) {
                    "--epochs" -> options.copy(epochs = value.toInt())
                    "--batch-size" -> options.copy(batchSize = value.toInt())
                    "--seed" -> options.copy(seed = value.toLong())
                    "--data" -> options.copy(data = Path.of(value))
                    "--out" -> options.copy(output = Path.of(value))
                    "--plot" -> options.copy(plot = Path.of(value))
                    else -> throw IllegalArgumentException(
                        "unknown option $option (options: --epochs N, --batch-size N, --seed N, --data DIR, --out FILE, --plot FILE)")
                }
                index += 2
            }
            return options
        }
    }
}
