package dev.ember.dsl

import dev.ember.devices.DType
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

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
