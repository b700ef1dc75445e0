package dev.ember.data

import dev.ember.devices.DType
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

class CollateSpec : FunSpec({
    val collate = Collate.default()

    test("samples of tensors stack along a new first dimension, one batch tensor per field") {
        val batch = collate.collate(listOf(
            Sample(Tensor.of(floatArrayOf(1f, 2f), 2), Tensor.scalar(0L)),
            Sample(Tensor.of(floatArrayOf(3f, 4f), 2), Tensor.scalar(1L))))
        batch.inputs.shape().toList() shouldBe listOf(2L, 2L)
        batch.inputs.toFloatArray().toList() shouldBe listOf(1f, 2f, 3f, 4f)
        batch.targets.toLongArray().toList() shouldBe listOf(0L, 1L)
        batch.size shouldBe 2
    }

    test("integer labels become int64, doubles float64, floats float32, booleans bool") {
        val batch = collate.collate(listOf(listOf(1, 2.5, 1.5f, true), listOf(7, -1.0, 0.5f, false)))
        batch.tensors.map { it.dtype() } shouldBe listOf(DType.INT64, DType.FLOAT64, DType.FLOAT32, DType.BOOL)
        batch.tensors[0].toLongArray().toList() shouldBe listOf(1L, 7L)
        batch.tensors[1].toDoubleArray().toList() shouldBe listOf(2.5, -1.0)
    }

    test("pairs and single tensors collate too") {
        collate.collate(listOf(Tensor.ones(2) to 3L, Tensor.zeros(2) to 4L)).targets.toLongArray().toList() shouldBe listOf(3L, 4L)
        val single = collate.collate(listOf(Tensor.scalar(1f), Tensor.scalar(2f)))
        single.tensors.size shouldBe 1
        shouldThrow<IllegalStateException> { single.targets }.message shouldContain "no targets"
    }

    test("mismatched samples are rejected with the types found") {
        shouldThrow<IllegalArgumentException> { collate.collate(listOf(listOf(1, 2), listOf(3))) }.message shouldContain "same number of fields"
        shouldThrow<IllegalArgumentException> { collate.collate(listOf(1L, "x")) }.message shouldContain "String"
        shouldThrow<IllegalArgumentException> { collate.collate(listOf("a", "b")) }.message shouldContain "java.lang.String"
    }

    test("a custom collate function shapes the batch") {
        val loader = numbers(5).loader(batchSize = 2, collate = { samples -> Batch(Tensor.of(longArrayOf(samples.sum()), 1), Tensor.scalar(samples.size.toLong())) })
        val sums = mutableListOf<Long>()
        loader.collect { (total, _) -> sums += total.toLongArray()[0] }
        sums shouldBe listOf(1L, 5L, 4L)
    }
})
