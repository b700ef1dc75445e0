package dev.ember.dsl

/**
 * The shape of one sample, without the batch dimension: `shape(1, 28, 28)` for a grey
 * 28x28 image. Printed like a list: `[1, 28, 28]`.
 */
class Shape(dims: LongArray) {
    private val dims = dims.copyOf()

    val rank: Int get() = dims.size

    /** The number of elements of one sample. */
    val numel: Long get() = dims.fold(1L) { product, size -> product * size }

    operator fun get(index: Int): Long = dims[if (index < 0) index + dims.size else index]

    fun toLongArray(): LongArray = dims.copyOf()

    /** This shape with a batch dimension of `batch` in front: the shape a layer actually sees. */
    fun withBatch(batch: Long): LongArray = longArrayOf(batch) + dims

    override fun equals(other: Any?): Boolean = other is Shape && dims.contentEquals(other.dims)

    override fun hashCode(): Int = dims.contentHashCode()

    override fun toString(): String = dims.joinToString(", ", "[", "]")
}

/** A per-sample shape: `shape(1, 28, 28)`. */
fun shape(vararg dims: Int): Shape = Shape(LongArray(dims.size) { dims[it].toLong() })

/** A per-sample shape. */
fun shape(vararg dims: Long): Shape = Shape(dims)
