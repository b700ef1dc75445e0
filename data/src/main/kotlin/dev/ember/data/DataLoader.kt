package dev.ember.data

import dev.ember.devices.Device
import java.util.Spliterator
import java.util.Spliterators
import java.util.concurrent.atomic.AtomicLong
import java.util.stream.Stream
import java.util.stream.StreamSupport
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.FlowCollector
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Semaphore

/**
 * Iterates a dataset in mini-batches, like `torch.utils.data.DataLoader`, on kotlinx.coroutines.
 *
 * - Order: [SequentialSampler] by default, a fresh permutation per epoch with `shuffle`, or any
 *   [Sampler]/[BatchSampler]. Epoch `e` of a loader with seed `s` is always the same batches,
 *   and random transforms draw from a generator seeded per (s, e, sample index), so the output
 *   does not depend on [workers].
 * - [workers] `> 0` fetch, transform and collate batches in parallel on a dispatcher of that
 *   many threads; batches are still delivered in order. `0` loads on the consumer's thread.
 * - Backpressure: at most `workers + prefetch` batches are loading or loaded but not yet taken
 *   by the consumer.
 * - A failure in a worker cancels the epoch and is rethrown to the consumer as a
 *   [DataLoaderException] whose cause is the original exception; cancelling the consumer
 *   (or closing a [BatchIterator]) stops the workers after the sample they are reading.
 * - [device] moves each batch there on the worker (staging ahead of the training step);
 *   [pinMemory] asks for page-locked host staging, which the CPU backend does not need: it is
 *   accepted and has no effect on CPU.
 *
 * Kotlin: `loader.collect { (x, y) -> … }` or `loader.asFlow()`; Java: `for (Batch b : loader)`,
 * [stream], or [builder].
 *
 * ```kotlin
 * val loader = FashionMnist.train().loader(batchSize = 64, shuffle = true, workers = 2, seed = 42)
 * loader.collect { (images, labels) -> train(images, labels) }
 * ```
 */
class DataLoader<T> private constructor(
    private val plan: BatchPlan<T>,
    /** Samples per batch (the last one may be smaller unless dropLast). */
    val batchSize: Int,
    /** Parallel loading coroutines; 0 loads on the consumer's thread. */
    val workers: Int,
    /** Batches loaded ahead of the consumer beyond the ones the workers are loading. */
    val prefetch: Int,
    /** The seed of shuffling and of random transforms. */
    val seed: Long,
    private val collate: Collate<T>,
    /** Page-locked host staging for device copies: accepted and ignored on CPU. */
    val pinMemory: Boolean,
    /** Where batches are moved on the workers; null keeps them where the dataset made them. */
    val device: Device?,
) : Iterable<Batch> {

    /**
     * A loader over a map-style [dataset].
     *
     * @param sampler chooses indices (mutually exclusive with [shuffle])
     * @param batchSampler chooses whole batches (mutually exclusive with batchSize, shuffle, sampler, dropLast)
     * @param seed drives shuffling and random transforms; a fresh random seed by default
     */
    constructor(
        dataset: Dataset<T>,
        batchSize: Int = 1,
        shuffle: Boolean = false,
        sampler: Sampler? = null,
        batchSampler: BatchSampler? = null,
        dropLast: Boolean = false,
        workers: Int = 0,
        prefetch: Int = 2,
        seed: Long = Seeds.fresh(),
        collate: Collate<T> = Collate.default(),
        pinMemory: Boolean = false,
        device: Device? = null,
    ) : this(
        MapStylePlan(dataset, batchSamplerOf(dataset, batchSize, shuffle, sampler, batchSampler, dropLast, seed)),
        batchSampler?.batchSize ?: batchSize, workers, prefetch, seed, collate, pinMemory, device,
    )

    /** A loader over an [IterableDataset]: items are read in order, [batchSize] at a time. */
    constructor(
        dataset: IterableDataset<T>,
        batchSize: Int = 1,
        dropLast: Boolean = false,
        workers: Int = 0,
        prefetch: Int = 2,
        collate: Collate<T> = Collate.default(),
        pinMemory: Boolean = false,
        device: Device? = null,
    ) : this(IterablePlan(dataset, checkBatchSize(batchSize), dropLast), batchSize, workers, prefetch, 0L, collate, pinMemory, device)

    init {
        require(workers >= 0) { "num_workers option should be non-negative; use workers = 0 to load on the consumer's thread, but got $workers" }
        require(prefetch >= 0) { "prefetch must be non-negative, but got $prefetch" }
        require(workers + prefetch >= 1) { "workers + prefetch must be at least 1, but got workers=$workers and prefetch=$prefetch" }
    }

    private val epochs = AtomicLong()

    private val dispatcher: CoroutineDispatcher? =
        if (workers > 0) Dispatchers.IO.limitedParallelism(workers, "DataLoader workers") else null

    /** The number of batches per epoch, like `len(loader)`; unknown (an exception) for iterable datasets. */
    val size: Int
        get() = plan.size.also { check(it >= 0) { "a DataLoader over an IterableDataset has no length" } }

    /** The next epoch as a cold flow: each collection is a new epoch (0, 1, 2, …). */
    fun asFlow(): Flow<Batch> = flow { emitEpoch(this, epochs.getAndIncrement()) }

    /** Epoch [epoch] as a cold flow; it does not advance the loader's epoch counter. */
    fun asFlow(epoch: Long): Flow<Batch> = flow { emitEpoch(this, epoch) }

    /** Collects the next epoch: `loader.collect { (x, y) -> … }`. */
    suspend fun collect(collector: FlowCollector<Batch>) = asFlow().collect(collector)

    /** A blocking iterator over the next epoch; close it (or exhaust it) to stop the workers. */
    override fun iterator(): BatchIterator = iterator(epochs.getAndIncrement())

    /** A blocking iterator over epoch [epoch]. */
    fun iterator(epoch: Long): BatchIterator =
        if (workers == 0) SynchronousBatchIterator(plan.batches(epoch, seed)) { fetch -> load(fetch, epoch, EmptyCoroutineContext) }
        else BackgroundBatchIterator(asFlow(epoch))

    /** The next epoch as a sequential stream; closing the stream stops the workers. */
    fun stream(): Stream<Batch> {
        val iterator = iterator()
        val characteristics = Spliterator.ORDERED or Spliterator.NONNULL
        val spliterator = if (plan.size >= 0) Spliterators.spliterator(iterator, plan.size.toLong(), characteristics)
        else Spliterators.spliteratorUnknownSize(iterator, characteristics)
        return StreamSupport.stream(spliterator, false).onClose(iterator::close)
    }

    private suspend fun emitEpoch(collector: FlowCollector<Batch>, epoch: Long) {
        val fetches = plan.batches(epoch, seed)
        if (dispatcher == null) {
            while (fetches.hasNext()) {
                val context = currentCoroutineContext()
                context.ensureActive()
                collector.emit(load(fetches.next(), epoch, context))
            }
            return
        }
        coroutineScope {
            val permits = Semaphore(workers + prefetch)
            val pending = Channel<Deferred<Batch>>(Channel.UNLIMITED)
            launch(dispatcher) {
                try {
                    while (true) {
                        // Take the permit before reading on: an iterable plan reads its items in hasNext.
                        permits.acquire()
                        if (!fetches.hasNext()) break
                        val fetch = fetches.next()
                        pending.send(async(dispatcher) { load(fetch, epoch, coroutineContext) })
                    }
                } finally {
                    pending.close()
                }
            }
            for (deferred in pending) {
                collector.emit(deferred.await())
                permits.release()
            }
        }
    }

    private fun load(fetch: Fetch<T>, epoch: Long, context: CoroutineContext): Batch {
        try {
            val batch = collate.collate(fetch.read(context))
            return if (device != null) batch.to(device) else batch
        } catch (e: CancellationException) {
            throw e
        } catch (e: Exception) {
            throw DataLoaderException("Caught ${e.javaClass.simpleName} in DataLoader while loading batch ${fetch.number} of epoch $epoch " +
                "(${fetch.description}): ${e.message}", e, fetch.number, epoch)
        }
    }

    override fun toString(): String =
        "DataLoader(batchSize=$batchSize, batches=${if (plan.size >= 0) plan.size else "?"}, workers=$workers, prefetch=$prefetch)"

    /**
     * Java-friendly construction with named settings.
     *
     * ```java
     * DataLoader<Sample> loader = DataLoader.builder(FashionMnist.train()).batchSize(64).shuffle(true).workers(2).build();
     * ```
     */
    class Builder<T> internal constructor(private val dataset: Dataset<T>?, private val iterable: IterableDataset<T>?) {
        private var batchSize = 1
        private var shuffle = false
        private var sampler: Sampler? = null
        private var batchSampler: BatchSampler? = null
        private var dropLast = false
        private var workers = 0
        private var prefetch = 2
        private var seed: Long? = null
        private var collate: Collate<T> = Collate.default()
        private var pinMemory = false
        private var device: Device? = null

        fun batchSize(batchSize: Int) = apply { this.batchSize = batchSize }
        fun shuffle(shuffle: Boolean) = apply { this.shuffle = shuffle }
        fun sampler(sampler: Sampler) = apply { this.sampler = sampler }
        fun batchSampler(batchSampler: BatchSampler) = apply { this.batchSampler = batchSampler }
        fun dropLast(dropLast: Boolean) = apply { this.dropLast = dropLast }
        fun workers(workers: Int) = apply { this.workers = workers }
        fun prefetch(prefetch: Int) = apply { this.prefetch = prefetch }
        fun seed(seed: Long) = apply { this.seed = seed }
        fun collate(collate: Collate<T>) = apply { this.collate = collate }
        fun pinMemory(pinMemory: Boolean) = apply { this.pinMemory = pinMemory }
        fun device(device: Device) = apply { this.device = device }

        fun build(): DataLoader<T> =
            if (dataset != null) {
                DataLoader(dataset, batchSize, shuffle, sampler, batchSampler, dropLast, workers, prefetch, seed ?: Seeds.fresh(),
                    collate, pinMemory, device)
            } else {
                require(!shuffle && sampler == null && batchSampler == null && seed == null) {
                    "DataLoader with IterableDataset: expected unspecified shuffle, sampler, batchSampler and seed options"
                }
                DataLoader(iterable!!, batchSize, dropLast, workers, prefetch, collate, pinMemory, device)
            }
    }

    companion object {
        /** A [Builder] over a map-style dataset. */
        @JvmStatic
        fun <T> builder(dataset: @JvmSuppressWildcards Dataset<T>): Builder<T> = Builder(dataset, null)

        /** A [Builder] over an iterable dataset. */
        @JvmStatic
        fun <T> builder(dataset: @JvmSuppressWildcards IterableDataset<T>): Builder<T> = Builder(null, dataset)

        private fun checkBatchSize(batchSize: Int): Int {
            require(batchSize > 0) { "batch_size should be a positive integer value, but got batch_size=$batchSize" }
            return batchSize
        }

        private fun batchSamplerOf(
            dataset: Dataset<*>, batchSize: Int, shuffle: Boolean, sampler: Sampler?, batchSampler: BatchSampler?, dropLast: Boolean, seed: Long,
        ): BatchSampler {
            if (batchSampler != null) {
                require(batchSize == 1 && !shuffle && sampler == null && !dropLast) {
                    "batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast"
                }
                return batchSampler
            }
            require(sampler == null || !shuffle) { "sampler option is mutually exclusive with shuffle" }
            val chosen = sampler ?: if (shuffle) RandomSampler(dataset.size, seed) else SequentialSampler(dataset.size)
            return BatchSampler(chosen, checkBatchSize(batchSize), dropLast)
        }
    }
}

/**
 * A [DataLoader] over this dataset (see its parameters).
 *
 * ```kotlin
 * val loader = FashionMnist.train().loader(batchSize = 64, shuffle = true, workers = 2)
 * ```
 */
fun <T> Dataset<T>.loader(
    batchSize: Int = 1,
    shuffle: Boolean = false,
    sampler: Sampler? = null,
    batchSampler: BatchSampler? = null,
    dropLast: Boolean = false,
    workers: Int = 0,
    prefetch: Int = 2,
    seed: Long = Seeds.fresh(),
    collate: Collate<T> = Collate.default(),
    pinMemory: Boolean = false,
    device: Device? = null,
): DataLoader<T> = DataLoader(this, batchSize, shuffle, sampler, batchSampler, dropLast, workers, prefetch, seed, collate, pinMemory, device)

/**
 * A [DataLoader] over this iterable dataset.
 *
 * ```kotlin
 * val loader = IterableDataset { lines.iterator() }.loader(batchSize = 32, workers = 2)
 * ```
 */
fun <T> IterableDataset<T>.loader(
    batchSize: Int = 1,
    dropLast: Boolean = false,
    workers: Int = 0,
    prefetch: Int = 2,
    collate: Collate<T> = Collate.default(),
    pinMemory: Boolean = false,
    device: Device? = null,
): DataLoader<T> = DataLoader(this, batchSize, dropLast, workers, prefetch, collate, pinMemory, device)
