package dev.ember.dsl

import dev.ember.autograd.GradMode
import dev.ember.devices.DType
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

private fun Tensor.floats() = toFloatArray().toList()
private fun Tensor.dims() = shape().toList()

class TensorOperatorsSpec : FunSpec({
    val a = tensor(1.0, 2.0, 3.0, 4.0)
    val b = tensor(2.0, 4.0, 8.0, 16.0)

    test("arithmetic between tensors follows the usual precedence") {
        (a + b * 2.0 - b / a).floats() shouldBe listOf(3f, 8f, 16.333334f, 32f)
    }

    test("numbers on the left: subtraction and division keep their order") {
        (10 - a).floats() shouldBe listOf(9f, 8f, 7f, 6f)
        (1.0 / b).floats() shouldBe listOf(0.5f, 0.25f, 0.125f, 0.0625f)
        (2 * a).floats() shouldBe listOf(2f, 4f, 6f, 8f)
        (0.5 + a).floats() shouldBe listOf(1.5f, 2.5f, 3.5f, 4.5f)
    }

    test("integer tensors stay integral with integer operands and divide truly") {
        val i = tensor(1, 2, 3)
        (i + 1).dtype() shouldBe DType.INT64
        (i * 2).toLongArray().toList() shouldBe listOf(2L, 4L, 6L)
        (i / 2).toDoubleArray().toList() shouldBe listOf(0.5, 1.0, 1.5)
        (1 / i).toDoubleArray()[1] shouldBe 0.5
    }

    test("unary minus, remainder and pow") {
        (-a).floats() shouldBe listOf(-1f, -2f, -3f, -4f)
        (tensor(-3.0, 5.0) % 3).floats() shouldBe listOf(0f, 2f)
        (a pow 2).floats() shouldBe listOf(1f, 4f, 9f, 16f)
    }

    test("broadcasting works through the operators") {
        val column = tensor(listOf(listOf(1.0), listOf(2.0)))
        val row = tensor(10.0, 20.0, 30.0)
        (column + row).dims() shouldBe listOf(2L, 3L)
        (column * row).floats() shouldBe listOf(10f, 20f, 30f, 20f, 40f, 60f)
    }

    test("matmul is infix") {
        val m = tensor(listOf(listOf(1.0, 2.0), listOf(3.0, 4.0)))
        (m matmul m).floats() shouldBe listOf(7f, 10f, 15f, 22f)
        (m matmul tensor(1.0, 1.0)).floats() shouldBe listOf(3f, 7f)
    }

    test("operators record gradients") {
        val x = tensor(1.0, 2.0, 3.0).requiresGrad_(true)
        val y = (x * x * 3.0 + 1.0 / (x + 1)).sum()
        y.backward()
        x.grad().floats() shouldBe listOf(6f - 0.25f, 12f - 1f / 9f, 18f - 0.0625f)
    }
})

class ComparisonsSpec : FunSpec({
    val a = tensor(0.1, 0.6, 0.5, 0.9)

    test("comparisons with numbers and tensors give BOOL tensors") {
        (a gt 0.5).toBooleanArray().toList() shouldBe listOf(false, true, false, true)
        (a ge 0.5).toBooleanArray().toList() shouldBe listOf(false, true, true, true)
        (a lt 0.5).dtype() shouldBe DType.BOOL
        (a le tensor(0.1, 0.1, 0.5, 1.0)).toBooleanArray().toList() shouldBe listOf(true, false, true, true)
        (tensor(1, 2, 3) eq 2).toBooleanArray().toList() shouldBe listOf(false, true, false)
        (tensor(1, 2, 3) ne tensor(1, 0, 3)).toBooleanArray().toList() shouldBe listOf(false, true, false)
    }

    test("logical and, or, xor and not combine masks") {
        val low = a lt 0.55
        val high = a gt 0.2
        (low and high).toBooleanArray().toList() shouldBe listOf(false, false, true, false)
        (low or high).toBooleanArray().toList() shouldBe listOf(true, true, true, true)
        (low xor high).toBooleanArray().toList() shouldBe listOf(true, true, false, true)
        (!low).toBooleanArray().toList() shouldBe listOf(false, true, false, true)
    }
})

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

class ScopesSpec : FunSpec({
    test("noGrad turns recording off inside and restores it after, returning the block's value") {
        val x = tensor(1.0).requiresGrad_(true)
        val y = noGrad { GradMode.isEnabled() shouldBe false; x * 2 }
        y.requiresGrad() shouldBe false
        GradMode.isEnabled() shouldBe true
        noGrad { enableGrad { (x * 2).requiresGrad() } } shouldBe true
    }

    test("noGrad restores the mode when the block throws") {
        shouldThrow<IllegalStateException> { noGrad { error("boom") } }
        GradMode.isEnabled() shouldBe true
    }

    test("contracts let blocks initialise vals") {
        val value: Int
        noGrad { value = 3 }
        value shouldBe 3
    }

    test("memoryScope frees intermediates but keeps the returned tensor") {
        lateinit var intermediate: Tensor
        val kept = memoryScope {
            intermediate = ones(3) * 2
            intermediate + 1
        }
        kept.floats() shouldBe listOf(3f, 3f, 3f)
        shouldThrow<Exception> { intermediate.toFloatArray() }
    }
})
