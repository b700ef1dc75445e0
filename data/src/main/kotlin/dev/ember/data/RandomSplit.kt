package dev.ember.data

import kotlin.math.floor

/**
 * Splits [dataset] into non-overlapping random subsets of the given [lengths] (which must sum
 * to its size), like `torch.utils.data.random_split`; the same [seed] gives the same split.
 *
 * ```kotlin
 * val (train, validation) = randomSplit(FashionMnist.train(), intArrayOf(50_000, 10_000), seed = 42)
 * ```
 */
fun <T> randomSplit(dataset: Dataset<T>, lengths: IntArray, seed: Long): List<Subset<T>> {
    require(lengths.all { it >= 0 }) { "randomSplit: lengths must be non-negative, but got ${lengths.contentToString()}" }
    val total = lengths.fold(0L) { sum, n -> sum + n }
    require(total == dataset.size.toLong()) {
        "Sum of input lengths ($total) does not equal the length of the input dataset (${dataset.size})"
    }
    val permutation = Seeds.permutation(dataset.size, Seeds.random(seed))
    var start = 0
    return lengths.map { length ->
        Subset(dataset, permutation.copyOfRange(start, start + length)).also { start += length }
    }
}

/**
 * Splits [dataset] by [fractions] summing to 1, like `random_split` with fractions: sizes are
 * floored and the remainder handed out one sample at a time, round-robin from the first split.
 *
 * ```kotlin
 * val (train, validation) = randomSplit(dataset, doubleArrayOf(0.8, 0.2), seed = 42)
 * ```
 */
fun <T> randomSplit(dataset: Dataset<T>, fractions: DoubleArray, seed: Long): List<Subset<T>> {
    require(fractions.all { it in 0.0..1.0 } && kotlin.math.abs(fractions.sum() - 1.0) < 1e-9) {
        "randomSplit: fractions must be in [0, 1] and sum to 1, but got ${fractions.contentToString()}"
    }
    val lengths = IntArray(fractions.size) { floor(dataset.size * fractions[it]).toInt() }
    var remainder = dataset.size - lengths.sum()
    var k = 0
    while (remainder-- > 0) lengths[k++ % lengths.size]++
    return randomSplit(dataset, lengths, seed)
}
