package dev.ember.data

import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThanOrEqual
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import java.util.concurrent.atomic.AtomicInteger
import kotlin.streams.toList
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeout

/** Counts samples being read and read in all; each read takes [millis]; index [failAt] throws. */
private class InstrumentedDataset(override val size: Int, val millis: Long = 0, val failAt: Int = -1) : Dataset<Long> {
    val active = AtomicInteger()
    val reads = AtomicInteger()
    val threads: MutableSet<String> = java.util.concurrent.ConcurrentHashMap.newKeySet()

    override fun get(index: Int): Long {
        active.incrementAndGet()
        try {
            threads += Thread.currentThread().name
            if (millis > 0) Thread.sleep(millis)
            check(index != failAt) { "sample $index is corrupt" }
            return index.toLong()
        } finally {
            reads.incrementAndGet()
            active.decrementAndGet()
        }
    }
}

class DataLoaderConcurrencySpec : FunSpec({

    for (workers in listOf(0, 2)) {
        test("a failure in a dataset read surfaces in the consumer with its cause (workers=$workers)").config(timeout = 20.seconds, blockingTest = true) {
            val data = InstrumentedDataset(40, failAt = 13)
            val error = shouldThrow<DataLoaderException> { data.loader(batchSize = 4, workers = workers).asFlow().toList() }
            error.batch shouldBe 3
            error.message shouldContain "batch 3"
            error.message shouldContain "IllegalStateException"
            error.cause.shouldBeInstanceOf<IllegalStateException>().message shouldBe "sample 13 is corrupt"
            data.active.get() shouldBe 0
        }

        test("a failure reaches a Java-style iterator too (workers=$workers)").config(timeout = 20.seconds, blockingTest = true) {
            val data = InstrumentedDataset(40, failAt = 5)
            val error = shouldThrow<DataLoaderException> { data.loader(batchSize = 4, workers = workers).iterator().forEach { } }
            error.cause!!.message shouldBe "sample 5 is corrupt"
        }
    }

    test("a failing transform in the collate step is reported with its cause").config(timeout = 20.seconds) {
        val loader = numbers(8).loader(batchSize = 4, workers = 2, collate = { throw ArithmeticException("no collation today") })
        shouldThrow<DataLoaderException> { loader.asFlow().toList() }.cause.shouldBeInstanceOf<ArithmeticException>()
    }

    test("taking a few batches cancels the epoch and leaves no read running").config(timeout = 20.seconds) {
        val data = InstrumentedDataset(1000, millis = 2)
        val taken = data.loader(batchSize = 1, workers = 2, prefetch = 2).asFlow().take(3).toList()
        taken.size shouldBe 3
        data.active.get() shouldBe 0
        val readsAfterCancel = data.reads.get()
        readsAfterCancel shouldBeLessThanOrEqual 3 + 2 + 2
        delay(50)
        data.reads.get() shouldBe readsAfterCancel
    }

    test("cancelling the collecting coroutine stops the workers").config(timeout = 20.seconds) {
        val data = InstrumentedDataset(1000, millis = 2)
        coroutineScope {
            val started = kotlinx.coroutines.CompletableDeferred<Unit>()
            val job = launch { data.loader(batchSize = 2, workers = 2).collect { started.complete(Unit) } }
            started.await()
            withTimeout(5.seconds) { job.cancelAndJoin() }
        }
        data.active.get() shouldBe 0
        val reads = data.reads.get()
        delay(50)
        data.reads.get() shouldBe reads
    }

    test("closing a blocking iterator stops the workers before close returns").config(timeout = 20.seconds, blockingTest = true) {
        val data = InstrumentedDataset(1000, millis = 2)
        val iterator = data.loader(batchSize = 1, workers = 2).iterator()
        repeat(3) { iterator.next() }
        iterator.close()
        data.active.get() shouldBe 0
        val reads = data.reads.get()
        Thread.sleep(50)
        data.reads.get() shouldBe reads
        iterator.hasNext() shouldBe false
    }

    for ((workers, prefetch) in listOf(1 to 1, 2 to 2, 4 to 3)) {
        test("a slow consumer never has more than prefetch + workers batches waiting (workers=$workers, prefetch=$prefetch)")
            .config(timeout = 20.seconds) {
                val consumed = AtomicInteger()
                var worst = 0
                val loaded = AtomicInteger()
                val data = numbers(30).map { index ->
                    val waiting = loaded.incrementAndGet() - consumed.get()
                    synchronized(consumed) { worst = maxOf(worst, waiting) }
                    index
                }
                data.loader(batchSize = 1, workers = workers, prefetch = prefetch).collect {
                    consumed.incrementAndGet()
                    delay(5)
                }
                consumed.get() shouldBe 30
                worst shouldBeLessThanOrEqual workers + prefetch
                worst shouldBeGreaterThanOrEqual prefetch
            }
    }

    test("workers load in parallel on worker threads, not the consumer's").config(timeout = 20.seconds) {
        val data = InstrumentedDataset(16, millis = 20)
        val start = System.nanoTime()
        data.loader(batchSize = 2, workers = 4).asFlow().toList().size shouldBe 8
        val elapsedMillis = (System.nanoTime() - start) / 1_000_000
        elapsedMillis.toInt() shouldBeLessThanOrEqual 16 * 20 - 60  // serial reads would take 320 ms
        data.threads.none { it.startsWith("Test worker") || it == Thread.currentThread().name } shouldBe true
    }

    test("Iterable and Stream views deliver the same batches as the flow").config(timeout = 20.seconds, blockingTest = true) {
        val data = TensorDataset(Tensor.arange(10))
        val loader = data.loader(batchSize = 3, shuffle = true, workers = 2, seed = 4)
        val fromFlow = loader.epochValues(0)
        loader.iterator(0).asSequence().map { it.inputs.toLongArray().toList() }.toList() shouldBe fromFlow
        val stream = loader.stream()   // epoch 0: the counter has not advanced
        stream.use { s -> s.map { it.inputs.toLongArray().toList() }.toList() } shouldBe fromFlow
        loader.iterator().asSequence().count() shouldBe 4
    }

    test("pinMemory is accepted and a device moves batches there on the workers") {
        val batches = numbers(4).loader(batchSize = 2, workers = 1, pinMemory = true, device = dev.ember.devices.Device.CPU).asFlow().toList()
        batches.map { it.inputs.device() } shouldBe listOf(dev.ember.devices.Device.CPU, dev.ember.devices.Device.CPU)
    }
})
