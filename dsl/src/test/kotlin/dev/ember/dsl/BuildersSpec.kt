package dev.ember.dsl

import dev.ember.devices.DType
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

class BuildersSpec : FunSpec({
    test("numbers become float32, integers int64, booleans bool, like torch.tensor") {
        tensor(1.0, 2.0).dtype() shouldBe DType.FLOAT32
        tensor(1, 2).dtype() shouldBe DType.INT64
        tensor(true, false).dtype() shouldBe DType.BOOL
        tensor(1.5, dtype = DType.FLOAT64).toDoubleArray().toList() shouldBe listOf(1.5)
    }

    test("nested lists give their shape; mixed numbers promote to float32") {
        val t = tensor(listOf(listOf(1, 2, 3), listOf(4, 5.5, 6)))
        t.dims() shouldBe listOf(2L, 3L)
        t.dtype() shouldBe DType.FLOAT32
        t.floats() shouldBe listOf(1f, 2f, 3f, 4f, 5.5f, 6f)
        shouldThrow<IllegalArgumentException> { tensor(listOf(listOf(1, 2), listOf(3))) }.message shouldContain
            "expected a sequence of length 2 at dim 1"
    }

    test("zeros, ones, full, randn and arange") {
        zeros(2, 3).floats() shouldBe List(6) { 0f }
        ones(2L, dtype = DType.FLOAT64).toDoubleArray().toList() shouldBe listOf(1.0, 1.0)
        full(2, value = 7).floats() shouldBe listOf(7f, 7f)
        Tensor.manualSeed(7); val first = randn(3, 4)
        Tensor.manualSeed(7); val second = randn(3, 4)
        first.dims() shouldBe listOf(3L, 4L)
        first.floats() shouldBe second.floats()
        arange(1, 7, 2).toLongArray().toList() shouldBe listOf(1L, 3L, 5L)
    }
})
