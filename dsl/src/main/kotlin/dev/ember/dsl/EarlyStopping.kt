package dev.ember.dsl

/**
 * Stops [fit] when a monitored value has not improved for `patience` epochs, like Keras'
 * `EarlyStopping`: an epoch improves when its value beats the best so far by more than
 * `minDelta` (lower for `mode = "min"`, higher for `"max"`; `"auto"` is max for metrics whose
 * [Metric.higherIsBetter] and min for losses).
 *
 *     fit(model, train, epochs = 50, optimizer, F::crossEntropy) {
 *         validate(test); earlyStopping(monitor = "val_loss", patience = 3)
 *     }
 */
class EarlyStopping(
    /** A [History] key: `val_loss`, `loss`, `accuracy`, `val_accuracy`, ... */
    val monitor: String,
    val patience: Int,
    val minDelta: Double,
    /** True when higher values are better. */
    val maximize: Boolean,
) {
    init {
        require(patience >= 0) { "earlyStopping: patience must be non-negative, got $patience" }
        require(minDelta >= 0) { "earlyStopping: minDelta must be non-negative, got $minDelta" }
    }

    /** The best value so far (NaN before the first epoch). */
    var best: Double = Double.NaN
        private set

    /** The epoch of [best] (0 before the first epoch). */
    var bestEpoch: Int = 0
        private set

    /** Epochs since the last improvement. */
    var wait: Int = 0
        private set

    /** Records `epoch`'s value; true when this epoch is a new best. */
    fun improved(epoch: Int, value: Double): Boolean {
        val better = best.isNaN() || (if (maximize) value > best + minDelta else value < best - minDelta)
        if (better) {
            best = value
            bestEpoch = epoch
            wait = 0
        } else {
            wait++
        }
        return better
    }

    /** Whether training should stop after the last recorded epoch (patience 0 acts as 1, as in Keras). */
    val shouldStop: Boolean get() = wait >= maxOf(patience, 1)

    /** Restores the counters, e.g. from a checkpoint. */
    fun restore(best: Double, bestEpoch: Int, wait: Int) {
        this.best = best
        this.bestEpoch = bestEpoch
        this.wait = wait
    }

    companion object {
        /** Resolves `mode` (`min`, `max` or `auto`) for `monitor`, given the metrics being measured. */
        internal fun maximizes(monitor: String, mode: String, metrics: List<Metric>): Boolean = when (mode) {
            "min" -> false
            "max" -> true
            "auto" -> metrics.firstOrNull { it.name == monitor.removePrefix("val_") }?.higherIsBetter ?: false
            else -> throw IllegalArgumentException("earlyStopping: mode must be min, max or auto, got '$mode'")
        }
    }
}
