package dev.ember.data

// No (message, cause) constructor on purpose: kotlinx.coroutines' stack-trace recovery would use
// it to wrap this exception in a copy of itself, and the consumer would see a different cause.

/**
 * A failure while loading a batch (in a dataset's `get`, a transform or the collation),
 * rethrown in the consumer with the batch it was loading; the original exception is the
 * [cause].
 *
 * ```kotlin
 * try { loader.collect { … } } catch (e: DataLoaderException) { println(e.cause) }
 * ```
 */
class DataLoaderException(
    message: String,
    cause: Throwable,
    /** The number of the failed batch within its epoch. */
    val batch: Int,
    /** The epoch (0 for the first pass). */
    val epoch: Long,
) : RuntimeException(message, cause)
