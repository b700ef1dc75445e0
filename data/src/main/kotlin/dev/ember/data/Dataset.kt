package dev.ember.data

/**
 * A map-style dataset: [size] samples reachable by index, like `torch.utils.data.Dataset`.
 * Implementations must allow concurrent [get] calls: loader workers fetch in parallel.
 *
 * ```kotlin
 * val data = TensorDataset(features, labels)
 * val (x, y) = data[0]
 * ```
 */
interface Dataset<out T> {
    /** The number of samples. */
    val size: Int

    /** The sample at [index], `0 <= index < size`. */
    operator fun get(index: Int): T
}

/**
 * A dataset read as a stream, like `torch.utils.data.IterableDataset`: for sources with no
 * random access (a socket, a generator, a file read line by line). Each [iterator] call starts
 * a new pass.
 *
 * ```kotlin
 * val numbers = IterableDataset { (0 until 10).map { Tensor.scalar(it.toLong()) }.iterator() }
 * ```
 */
fun interface IterableDataset<out T> : Iterable<T>

/**
 * A view of this dataset with [transform] applied to every sample on access (in the loader's
 * workers when there are any).
 *
 * ```kotlin
 * val doubled = TensorDataset(x).map { (row) -> row.mul(2.0) }
 * ```
 */
fun <T, R> Dataset<T>.map(transform: (T) -> R): Dataset<R> = MappedDataset(this, transform)

private class MappedDataset<T, R>(private val source: Dataset<T>, private val transform: (T) -> R) : Dataset<R> {
    override val size: Int get() = source.size
    override fun get(index: Int): R = transform(source[index])
}

internal fun checkIndex(index: Int, size: Int, what: String) {
    if (index < 0 || index >= size) {
        throw IndexOutOfBoundsException("$what: index $index is out of range for a dataset of size $size")
    }
}
