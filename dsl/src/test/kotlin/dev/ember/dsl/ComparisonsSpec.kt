package dev.ember.dsl

import dev.ember.devices.DType
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

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
