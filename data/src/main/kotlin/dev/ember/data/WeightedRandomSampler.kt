package dev.ember.data

import kotlin.math.ln

/**
 * Draws index `i` with probability proportional to `weights[i]`, like
 * `torch.utils.data.WeightedRandomSampler`: [numSamples] draws per epoch, with replacement by
 * default; without it, each index at most once (successive weighted draws). The usual cure for
 * class imbalance: weight each sample by the inverse frequency of its class.
 *
 * ```kotlin
 * val sampler = WeightedRandomSampler(doubleArrayOf(0.1, 0.9), numSamples = 100, seed = 1)
 * ```
 */
class WeightedRandomSampler @JvmOverloads constructor(
    weights: DoubleArray,
    val numSamples: Int,
    val replacement: Boolean = true,
    val seed: Long = Seeds.fresh(),
) : Sampler {

    private val weights = weights.copyOf()
    private val cumulative: DoubleArray

    init {
        require(this.weights.all { it >= 0 && it.isFinite() }) { "WeightedRandomSampler: weights must be finite and non-negative" }
        require(numSamples >= 0) { "num_samples should be a non-negative integer value, but got num_samples=$numSamples" }
        var total = 0.0
        cumulative = DoubleArray(this.weights.size) { total += this.weights[it]; total }
        require(numSamples == 0 || total > 0) { "WeightedRandomSampler: weights sum to zero, nothing can be drawn" }
        val positive = this.weights.count { it > 0 }
        require(replacement || numSamples <= positive) {
            "WeightedRandomSampler: cannot draw $numSamples samples without replacement from $positive indices with positive weight"
        }
    }

    override val size: Int get() = numSamples

    override fun indices(epoch: Long): IntArray {
        val random = Seeds.random(Seeds.derive(seed, epoch))
        if (replacement) {
            val total = cumulative.last()
            return IntArray(numSamples) {
                val found = cumulative.binarySearch(random.nextDouble() * total)
                // A draw equal to a boundary belongs to the next index with positive weight.
                var index = if (found >= 0) found + 1 else -found - 1
                while (index < weights.size - 1 && weights[index] == 0.0) index++
                minOf(index, weights.size - 1)
            }
        }
        // Efraimidis-Spirakis: the k largest keys u^(1/w) are a weighted sample without replacement.
        val keys = DoubleArray(weights.size) { i ->
            if (weights[i] > 0) ln(1.0 - random.nextDouble()) / weights[i] else Double.NEGATIVE_INFINITY
        }
        return keys.indices.sortedByDescending { keys[it] }.take(numSamples).toIntArray()
    }
}
