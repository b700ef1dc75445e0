package dev.ember.dsl

import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

class TensorIndexingSpec : FunSpec({
    // [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    fun grid() = Tensor.arange(12).float32().view(3, 4)

    test("a single integer selects a row, negative from the end") {
        grid()[1].floats() shouldBe listOf(4f, 5f, 6f, 7f)
        grid()[-1].floats() shouldBe listOf(8f, 9f, 10f, 11f)
        grid()[2L].floats() shouldBe listOf(8f, 9f, 10f, 11f)
    }

    test("two integers give a 0-dim tensor") {
        val v = grid()[1, 2]
        v.dim() shouldBe 0
        v.item() shouldBe 6.0
    }

    test("inclusive ranges slice and integers select") {
        val part = grid()[0..1, 2]
        part.dims() shouldBe listOf(2L)
        part.floats() shouldBe listOf(2f, 6f)
        grid()[all, 1 until 3].floats() shouldBe listOf(1f, 2f, 5f, 6f, 9f, 10f)
        grid()[1, 0..3 step 2].floats() shouldBe listOf(4f, 6f)
        grid()[-2..-1, -1].floats() shouldBe listOf(7f, 11f)
    }

    test("a BOOL mask selects elements into a 1-D tensor, an INT64 tensor gathers rows") {
        val g = grid()
        g[g gt 8.5].floats() shouldBe listOf(9f, 10f, 11f)
        g[tensor(2, 0)].floats() shouldBe listOf(8f, 9f, 10f, 11f, 0f, 1f, 2f, 3f)
    }

    test("indexing gives views: assignments write through") {
        val g = grid()
        g[0] = 1.0
        g[1, 1] = -1
        g[1..2, 3] = 100
        g[g gt 99] = 50.0
        g.floats() shouldBe listOf(1f, 1f, 1f, 1f, 4f, -1f, 6f, 50f, 8f, 9f, 10f, 50f)
    }

    test("bad indices say what went wrong") {
        shouldThrow<IllegalArgumentException> { grid()[0, 1, 2] }.message shouldContain "too many indices for tensor of dimension 2"
        shouldThrow<IllegalArgumentException> { grid()[0..5, 0] }.message shouldContain "out of bounds for dimension 0 with size 3"
        shouldThrow<IllegalArgumentException> { grid()["x", 0] }.message shouldContain "got String"
    }
})
