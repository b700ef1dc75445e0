package dev.ember.dsl

import dev.ember.autograd.GradMode
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

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
