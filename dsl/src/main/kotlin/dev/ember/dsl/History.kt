package dev.ember.dsl

import java.nio.file.Path

/**
 * What one epoch of [fit] measured.
 *
 * @property epoch 1-based
 * @property loss the training loss averaged over the epoch's samples
 * @property metrics each training metric's epoch value, by name
 * @property validationLoss the loss on the validation data, or null without `validate(...)`
 * @property validationMetrics each metric on the validation data, by name
 * @property samples the number of training samples seen
 * @property seconds the training time of the epoch (validation excluded)
 */
class EpochRecord(
    val epoch: Int,
    val loss: Double,
    val metrics: Map<String, Double>,
    val validationLoss: Double?,
    val validationMetrics: Map<String, Double>,
    val samples: Long,
    val seconds: Double,
) {
    /** Training throughput. */
    val samplesPerSecond: Double get() = if (seconds > 0) samples / seconds else Double.NaN

    /**
     * Every value under Keras' keys: `loss`, each metric, `val_loss`, `val_<metric>`,
     * `samples_per_second` and `seconds`.
     */
    val values: Map<String, Double>
        get() = buildMap {
            put("loss", loss)
            putAll(metrics)
            validationLoss?.let { put("val_loss", it) }
            validationMetrics.forEach { (name, value) -> put("val_$name", value) }
            put("samples_per_second", samplesPerSecond)
            put("seconds", seconds)
        }

    /** The value under a [values] key, or null. */
    operator fun get(key: String): Double? = values[key]

    override fun toString(): String = "EpochRecord(epoch=$epoch, " + values.entries.joinToString { "${it.key}=${it.value}" } + ")"
}

/**
 * The per-epoch results of [fit], like Keras' `History`: `history["val_loss"]` is the validation
 * loss of every epoch, and [plot] draws the curves into a PNG.
 *
 *     val history = fit(model, train, epochs = 10, optimizer, F::crossEntropy) { metrics(accuracy); validate(test) }
 *     println(history["val_accuracy"].last())
 *     history.plot(Path.of("curves.png"))
 *
 * @property epochs one record per completed epoch, including epochs restored from a checkpoint
 * @property stoppedEarly whether early stopping ended training before the requested epochs
 */
class History(val epochs: List<EpochRecord>, val stoppedEarly: Boolean = false) {

    /** The keys every epoch has, in [EpochRecord.values] order. */
    val keys: List<String> get() = epochs.firstOrNull()?.values?.keys?.filter { key -> epochs.all { it[key] != null } } ?: emptyList()

    /** The value of `key` for every epoch: `history["loss"]`. */
    operator fun get(key: String): List<Double> {
        require(epochs.all { it[key] != null }) { "no '$key' in the history; keys: $keys" }
        return epochs.map { it[key]!! }
    }

    /** The last epoch's record. */
    val last: EpochRecord get() = epochs.lastOrNull() ?: throw NoSuchElementException("the history has no epochs")

    /**
     * Saves the loss curve and each metric's curve (training and validation) as a PNG of
     * `width` x `height` pixels, one panel per quantity, with axes, ticks and a legend.
     */
    fun plot(path: Path, width: Int = 1200, height: Int = 450) = HistoryPlot(this).save(path, width, height)

    override fun toString(): String = "History(${epochs.size} epochs${if (stoppedEarly) ", stopped early" else ""})"
}
