package dev.ember.dsl

import dev.ember.tensor.Tensor
import java.util.Locale

/**
 * A quantity measured on every batch and averaged over an epoch, like Keras' metrics: each batch
 * gives a [Measurement] (a sum and the number of items it covers), and the epoch's value is the
 * total sum over the total count, so unequal last batches weigh what they should.
 *
 *     fit(model, train, epochs = 5, optimizer, F::crossEntropy) { metrics(accuracy, topKAccuracy(3)) }
 *     val meanError = Metric("mae", higherIsBetter = false) { out, y -> Measurement(out.sub(y).abs().sum().item(), y.numel()) }
 *
 * @property name the key in [History] (`accuracy`, and `val_accuracy` for validation)
 * @property higherIsBetter the direction early stopping watches in its `auto` mode
 * @property percent whether progress output shows the value as a percentage
 */
class Metric(
    val name: String,
    val higherIsBetter: Boolean = true,
    val percent: Boolean = false,
    private val measurement: (output: Tensor, target: Tensor) -> Measurement,
) {
    init {
        require(name.isNotEmpty() && name.none { it.isWhitespace() || it == '.' }) {
            "a metric name must be non-empty, without spaces or dots, got '$name'"
        }
    }

    /** This batch's sum and count. */
    fun measure(output: Tensor, target: Tensor): Measurement = measurement(output, target)

    /** The value as progress output shows it: `84.10%` or `0.4321`. */
    fun format(value: Double): String = formatMetric(value, percent)

    override fun toString(): String = "Metric($name)"
}

/** A batch's contribution to a [Metric]: `total` summed over `count` items. */
data class Measurement(val total: Double, val count: Long)

/**
 * The fraction of samples whose predicted class is the target class: `argmax` over dim 1 of
 * `[N, C]` logits (or probabilities); for one output per sample (`[N]` or `[N, 1]`, binary
 * logits) a prediction is positive when the output is above zero.
 */
val accuracy: Metric = Metric("accuracy", percent = true) { output, target ->
    val predicted = if (output.dim() == 1 || (output.dim() == 2 && output.size(1) == 1L)) {
        output.reshape(-1).gt(0.0).to(target.dtype())
    } else {
        output.argmax(1)
    }
    Measurement(predicted.eq(target.reshape(predicted.shape()[0])).sum().item(), target.numel())
}

/** The fraction of samples whose target class is among the `k` highest outputs of `[N, C]` logits (`top5` for k = 5). */
fun topKAccuracy(k: Int): Metric {
    require(k >= 1) { "topKAccuracy: k must be at least 1, got $k" }
    return Metric("top${k}_accuracy", percent = true) { output, target ->
        val top = output.topk(k.toLong(), 1, true).indices()
        Measurement(top.eq(target.unsqueeze(1)).sum().item(), target.numel())
    }
}

/** The mean of squared differences between outputs and targets, over all elements. */
val meanSquaredError: Metric = Metric("mse", higherIsBetter = false) { output, target ->
    val difference = output.sub(target.to(output.dtype()))
    Measurement(difference.mul(difference).sum().item(), difference.numel())
}

/** The mean of absolute differences between outputs and targets, over all elements. */
val meanAbsoluteError: Metric = Metric("mae", higherIsBetter = false) { output, target ->
    val difference = output.sub(target.to(output.dtype()))
    Measurement(difference.abs().sum().item(), difference.numel())
}

internal fun formatMetric(value: Double, percent: Boolean): String =
    if (percent) String.format(Locale.ROOT, "%.2f%%", value * 100) else String.format(Locale.ROOT, "%.4f", value)
