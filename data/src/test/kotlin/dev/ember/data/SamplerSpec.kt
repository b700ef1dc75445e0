package dev.ember.data

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe

class SamplerSpec : FunSpec({

    test("the sequential sampler yields 0 until size every epoch") {
        SequentialSampler(4).indices(0).toList() shouldBe listOf(0, 1, 2, 3)
        SequentialSampler(4).indices(3).toList() shouldBe listOf(0, 1, 2, 3)
    }

    test("the random sampler yields a seeded permutation that changes with the epoch") {
        val sampler = RandomSampler(20, seed = 1)
        sampler.indices(0).sorted() shouldBe (0 until 20).toList()
        sampler.indices(0).toList() shouldBe RandomSampler(20, seed = 1).indices(0).toList()
        sampler.indices(1).toList() shouldNotBe sampler.indices(0).toList()
    }

    test("the random sampler with replacement draws uniformly") {
        val draws = RandomSampler(4, seed = 3, replacement = true, numSamples = 40_000).indices(0)
        draws.size shouldBe 40_000
        for (k in 0 until 4) (draws.count { it == k } / 40_000.0) shouldBe (0.25 plusOrMinus 0.015)
        shouldThrow<IllegalArgumentException> { RandomSampler(3, seed = 1, numSamples = 4) }
    }

    test("the subset random sampler permutes the given indices") {
        SubsetRandomSampler(intArrayOf(4, 8, 15, 16), seed = 2).indices(0).sorted() shouldBe listOf(4, 8, 15, 16)
    }

    test("the weighted sampler draws indices in proportion to their weights and never a zero weight") {
        val draws = WeightedRandomSampler(doubleArrayOf(1.0, 0.0, 3.0, 6.0), numSamples = 50_000, seed = 11).indices(0)
        val frequency = DoubleArray(4) { k -> draws.count { it == k } / 50_000.0 }
        frequency[0] shouldBe (0.1 plusOrMinus 0.01)
        frequency[1] shouldBe 0.0
        frequency[2] shouldBe (0.3 plusOrMinus 0.01)
        frequency[3] shouldBe (0.6 plusOrMinus 0.01)
    }

    test("the weighted sampler without replacement draws distinct indices, heavy ones first more often") {
        val sampler = WeightedRandomSampler(doubleArrayOf(1.0, 1.0, 100.0, 0.0), numSamples = 3, replacement = false, seed = 5)
        val first = (0L until 2000L).map { sampler.indices(it) }
        first.forEach { it.distinct().size shouldBe 3; it.contains(3) shouldBe false }
        (first.count { it[0] == 2 } / 2000.0) shouldBe (100.0 / 102.0 plusOrMinus 0.02)
        shouldThrow<IllegalArgumentException> { WeightedRandomSampler(doubleArrayOf(1.0, 0.0), 2, replacement = false) }
    }

    test("the batch sampler groups indices, keeping or dropping the short last batch") {
        BatchSampler(SequentialSampler(5), 2, dropLast = false).batches(0).map { it.toList() } shouldBe listOf(listOf(0, 1), listOf(2, 3), listOf(4))
        BatchSampler(SequentialSampler(5), 2, dropLast = true).batches(0).map { it.toList() } shouldBe listOf(listOf(0, 1), listOf(2, 3))
        BatchSampler(SequentialSampler(5), 2, dropLast = false).size shouldBe 3
        BatchSampler(SequentialSampler(5), 2, dropLast = true).size shouldBe 2
    }
})
