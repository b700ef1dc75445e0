package dev.ember.data

import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.toList

/** Numbers 0 until n, one per sample, so a batch's content is its indices. */
internal fun numbers(n: Int): Dataset<Long> = object : Dataset<Long> {
    override val size = n
    override fun get(index: Int) = index.toLong()
}

internal suspend fun DataLoader<*>.epochValues(epoch: Long): List<List<Long>> =
    asFlow(epoch).map { it.inputs.toLongArray().toList() }.toList()

class DataLoaderOrderingSpec : FunSpec({

    test("sequential loading yields batches in index order with a short last batch") {
        numbers(7).loader(batchSize = 3).epochValues(0) shouldBe listOf(listOf(0L, 1, 2), listOf(3L, 4, 5), listOf(6L))
    }

    test("dropLast drops the incomplete final batch and size counts only full batches") {
        val loader = numbers(7).loader(batchSize = 3, dropLast = true)
        loader.epochValues(0) shouldBe listOf(listOf(0L, 1, 2), listOf(3L, 4, 5))
        loader.size shouldBe 2
        numbers(7).loader(batchSize = 3).size shouldBe 3
    }

    test("shuffling with a seed visits every index once and replays the same order") {
        val first = numbers(50).loader(batchSize = 8, shuffle = true, seed = 42).epochValues(0)
        val again = numbers(50).loader(batchSize = 8, shuffle = true, seed = 42).epochValues(0)
        first shouldBe again
        first.flatten().sorted() shouldBe (0L until 50L).toList()
        first.flatten() shouldNotBe (0L until 50L).toList()
        numbers(50).loader(batchSize = 8, shuffle = true, seed = 43).epochValues(0) shouldNotBe first
    }

    test("each collection is a new epoch with a new order, and epochs replay from the seed") {
        val loader = numbers(30).loader(batchSize = 30, shuffle = true, seed = 5)
        val epoch0 = loader.asFlow().toList().single().inputs.toLongArray().toList()
        val epoch1 = loader.asFlow().toList().single().inputs.toLongArray().toList()
        epoch0 shouldNotBe epoch1
        loader.epochValues(0).single() shouldBe epoch0
        loader.epochValues(1).single() shouldBe epoch1
    }

    test("batches and random transforms are identical for 0, 1, 2 and 4 workers") {
        // Each sample draws from its per-sample generator: the value must not depend on the worker that loaded it.
        val randomized = numbers(40).map { index -> Sample(Tensor.scalar(index), Tensor.scalar(SampleRandomness.current().nextLong(1000))) }
        fun run(workers: Int) = kotlinx.coroutines.runBlocking {
            randomized.loader(batchSize = 6, shuffle = true, workers = workers, seed = 9).asFlow(2)
                .map { it.inputs.toLongArray().toList() to it.targets.toLongArray().toList() }.toList()
        }
        val reference = run(0)
        for (workers in listOf(1, 2, 4)) run(workers) shouldBe reference
        reference.flatMap { it.second }.distinct().size shouldNotBe 1
    }

    test("a custom sampler chooses the indices and a batch sampler the whole batches") {
        val fixed = object : Sampler {
            override val size = 4
            override fun indices(epoch: Long) = intArrayOf(9, 7, 5, 3)
        }
        numbers(10).loader(batchSize = 2, sampler = fixed).epochValues(0) shouldBe listOf(listOf(9L, 7), listOf(5L, 3))
        val batches = BatchSampler(SequentialSampler(5), batchSize = 2, dropLast = false)
        numbers(5).loader(batchSampler = batches).epochValues(0) shouldBe listOf(listOf(0L, 1), listOf(2L, 3), listOf(4L))
    }

    test("conflicting options are rejected with PyTorch's messages") {
        shouldThrow<IllegalArgumentException> { numbers(4).loader(shuffle = true, sampler = SequentialSampler(4)) }
            .message shouldContain "mutually exclusive with shuffle"
        shouldThrow<IllegalArgumentException> { numbers(4).loader(batchSize = 2, batchSampler = BatchSampler(SequentialSampler(4), 2, false)) }
            .message shouldContain "batchSampler option is mutually exclusive"
        shouldThrow<IllegalArgumentException> { numbers(4).loader(batchSize = 0) }.message shouldContain "batch_size should be a positive integer"
        shouldThrow<IllegalArgumentException> { numbers(4).loader(workers = -1) }.message shouldContain "non-negative"
    }

    test("an iterable dataset is batched in order, with dropLast, on workers") {
        val stream = IterableDataset { (0L until 7L).iterator() }
        for (workers in listOf(0, 2)) {
            stream.loader(batchSize = 3, workers = workers).epochValues(0) shouldBe listOf(listOf(0L, 1, 2), listOf(3L, 4, 5), listOf(6L))
            stream.loader(batchSize = 3, dropLast = true, workers = workers).epochValues(0) shouldBe listOf(listOf(0L, 1, 2), listOf(3L, 4, 5))
        }
        shouldThrow<IllegalStateException> { stream.loader(batchSize = 3).size }
    }

    test("the loader collects as a flow and destructures batches into inputs and targets") {
        val data = TensorDataset(Tensor.of(floatArrayOf(1f, 2f, 3f, 4f), 4), Tensor.of(longArrayOf(0, 1, 0, 1), 4))
        val seen = mutableListOf<Float>()
        data.loader(batchSize = 2).collect { (x, y) ->
            seen += x.toFloatArray().toList()
            y.dtype() shouldBe dev.ember.devices.DType.INT64
        }
        seen shouldContainExactly listOf(1f, 2f, 3f, 4f)
    }
})
