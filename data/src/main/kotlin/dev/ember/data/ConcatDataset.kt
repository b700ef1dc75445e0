package dev.ember.data

/**
 * Several datasets read one after the other, like `torch.utils.data.ConcatDataset`.
 *
 * ```kotlin
 * val all = ConcatDataset(listOf(FashionMnist.train(), FashionMnist.test()))   // 70,000 samples
 * ```
 */
class ConcatDataset<out T>(datasets: List<Dataset<T>>) : Dataset<T> {

    constructor(vararg datasets: Dataset<T>) : this(datasets.toList())

    val datasets: List<Dataset<T>> = datasets.toList()

    /** `ends[k]` is one past the last global index served by `datasets[k]`. */
    private val ends: LongArray

    init {
        require(this.datasets.isNotEmpty()) { "ConcatDataset needs at least one dataset" }
        var total = 0L
        ends = LongArray(this.datasets.size) { k -> total += this.datasets[k].size; total }
        require(total <= Int.MAX_VALUE) { "ConcatDataset: $total samples in all, more than ${Int.MAX_VALUE}" }
    }

    override val size: Int = ends.last().toInt()

    override fun get(index: Int): T {
        checkIndex(index, size, "ConcatDataset")
        var k = ends.binarySearch(index.toLong())
        // An exact hit on an end means index is the first sample of a later, non-empty dataset.
        k = if (k >= 0) k + 1 else -k - 1
        while (datasets[k].size == 0) k++
        val start = if (k == 0) 0L else ends[k - 1]
        return datasets[k][(index - start).toInt()]
    }
}
