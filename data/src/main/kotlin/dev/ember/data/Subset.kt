package dev.ember.data

/**
 * The samples of [dataset] at [indices], in that order, like `torch.utils.data.Subset`.
 *
 * ```kotlin
 * val firstHundred = Subset(FashionMnist.train(), IntArray(100) { it })
 * ```
 */
class Subset<out T>(val dataset: Dataset<T>, indices: IntArray) : Dataset<T> {

    private val indices: IntArray = indices.copyOf()

    init {
        for (i in this.indices) checkIndex(i, dataset.size, "Subset")
    }

    /** The dataset indices this subset reads, in order (a copy). */
    fun indices(): IntArray = indices.copyOf()

    override val size: Int get() = indices.size

    override fun get(index: Int): T {
        checkIndex(index, indices.size, "Subset")
        return dataset[indices[index]]
    }
}
