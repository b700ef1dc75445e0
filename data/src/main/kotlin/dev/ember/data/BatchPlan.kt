package dev.ember.data

import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.ensureActive

/** One batch to load: its number in the epoch, what it reads (for error messages), how to read it. */
internal class Fetch<T>(val number: Int, val description: String, val read: (CoroutineContext) -> List<T>)

/** Which batches an epoch has, in order; the part of a loader that differs between map-style and iterable datasets. */
internal interface BatchPlan<T> {
    /** Batches per epoch, or -1 when unknown (iterable datasets). */
    val size: Int

    fun batches(epoch: Long, seed: Long): Iterator<Fetch<T>>
}

internal class MapStylePlan<T>(private val dataset: Dataset<T>, private val batchSampler: BatchSampler) : BatchPlan<T> {

    override val size: Int get() = batchSampler.size

    override fun batches(epoch: Long, seed: Long): Iterator<Fetch<T>> {
        val epochSeed = Seeds.derive(seed, epoch)
        return batchSampler.batches(epoch).withIndex().map { (number, indices) ->
            Fetch(number, "dataset indices " + preview(indices)) { context ->
                List(indices.size) { k ->
                    context.ensureActive()
                    val index = indices[k]
                    SampleRandomness.withSeed(Seeds.derive(epochSeed, index.toLong())) { dataset[index] }
                }
            }
        }.iterator()
    }

    private fun preview(indices: IntArray): String =
        if (indices.size <= 8) indices.contentToString() else indices.take(8).joinToString(", ", "[", ", … (${indices.size} in all)]")
}

/** Reads [batchSize] items at a time on the producer (an iterator is not thread-safe); collation runs on the workers. */
internal class IterablePlan<T>(
    private val dataset: IterableDataset<T>,
    private val batchSize: Int,
    private val dropLast: Boolean,
) : BatchPlan<T> {

    override val size: Int get() = -1

    override fun batches(epoch: Long, seed: Long): Iterator<Fetch<T>> = object : Iterator<Fetch<T>> {
        private var source: Iterator<T>? = null
        private var ready: Fetch<T>? = null
        private var number = 0
        private var exhausted = false

        override fun hasNext(): Boolean {
            if (ready != null) return true
            if (exhausted) return false
            val items = ArrayList<T>(batchSize)
            try {
                val iterator = source ?: dataset.iterator().also { source = it }
                while (items.size < batchSize && iterator.hasNext()) items += iterator.next()
            } catch (e: Exception) {
                throw DataLoaderException("Caught ${e.javaClass.simpleName} in DataLoader while reading batch $number of epoch $epoch " +
                    "from an IterableDataset: ${e.message}", e, number, epoch)
            }
            if (items.size < batchSize) exhausted = true
            if (items.isEmpty() || (dropLast && items.size < batchSize)) return false
            val first = number.toLong() * batchSize
            ready = Fetch(number++, "items $first until ${first + items.size}") { items }
            return true
        }

        override fun next(): Fetch<T> {
            if (!hasNext()) throw NoSuchElementException("the epoch has no more batches")
            return ready!!.also { ready = null }
        }
    }
}
