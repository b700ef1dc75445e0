package dev.ember.data

import java.lang.ref.Cleaner
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.cancel
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.produceIn
import kotlinx.coroutines.runBlocking

/**
 * A blocking iterator over one epoch of a [DataLoader], for Java callers and plain loops.
 * Closing it cancels the epoch and waits for the workers to stop; an iterator that is
 * exhausted, fails, or becomes unreachable releases its workers too, but closing explicitly
 * (try-with-resources) is prompt.
 *
 * ```java
 * try (BatchIterator batches = loader.iterator()) {
 *     while (batches.hasNext()) train(batches.next());
 * }
 * ```
 */
abstract class BatchIterator internal constructor() : Iterator<Batch>, AutoCloseable {
    /** Stops loading; later [hasNext] calls return false. Idempotent. */
    abstract override fun close()
}

/** workers = 0: each batch is loaded on the caller's thread inside next(). */
internal class SynchronousBatchIterator<T>(
    private val fetches: Iterator<Fetch<T>>,
    private val load: (Fetch<T>) -> Batch,
) : BatchIterator() {
    private var closed = false

    override fun hasNext(): Boolean = !closed && fetches.hasNext()

    override fun next(): Batch {
        if (!hasNext()) throw NoSuchElementException("the epoch has no more batches")
        return load(fetches.next())
    }

    override fun close() {
        closed = true
    }
}

/** workers > 0: the epoch's flow runs in a scope of its own and hands batches over a rendezvous channel. */
internal class BackgroundBatchIterator(flow: Flow<Batch>) : BatchIterator() {
    // The failure reaches the consumer through the channel; the handler only keeps it off stderr.
    private val scope = CoroutineScope(Job() + Dispatchers.Default + CoroutineExceptionHandler { _, _ -> })
    private val channel = flow.buffer(Channel.RENDEZVOUS).produceIn(scope)
    private val cleanable = CLEANER.register(this, cancelAction(scope))
    private var next: Batch? = null
    private var finished = false

    override fun hasNext(): Boolean {
        if (next != null) return true
        if (finished) return false
        val result = runBlocking { channel.receiveCatching() }
        if (result.isClosed) {
            close()
            result.exceptionOrNull()?.let { throw it }
            return false
        }
        next = result.getOrThrow()
        return true
    }

    override fun next(): Batch {
        if (!hasNext()) throw NoSuchElementException("the epoch has no more batches")
        return next!!.also { next = null }
    }

    override fun close() {
        if (finished) return
        finished = true
        next = null
        cleanable.clean()
        runBlocking { scope.coroutineContext[Job]!!.join() }
    }

    private companion object {
        val CLEANER: Cleaner = Cleaner.create()

        // A static factory, so the action cannot capture the iterator and keep it reachable.
        fun cancelAction(scope: CoroutineScope) = Runnable { scope.cancel("BatchIterator closed or abandoned") }
    }
}
