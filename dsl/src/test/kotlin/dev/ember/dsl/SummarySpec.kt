package dev.ember.dsl

import dev.ember.nn.Linear
import dev.ember.nn.Sequential
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

class SummarySpec : FunSpec({
    test("summary lists layers, output shapes, parameter counts and totals") {
        val summary = sequential(input = shape(4)) { linear(3); relu(); linear(2, bias = false) }.summary()
        summary shouldBe """
            Input shape: [-1, 4]
            Layer (type)  Output shape  Param #
            -----------------------------------
            0 (Linear)    [-1, 3]            15
            1 (ReLU)      [-1, 3]             0
            2 (Linear)    [-1, 2]             6
            -----------------------------------
            Total params: 21
            Trainable params: 21
            Non-trainable params: 0
        """.trimIndent()
    }

    test("totals use thousands separators and count frozen parameters as non-trainable") {
        val model = sequential(input = shape(1, 28, 28)) {
            conv2d(32, kernel = 3); relu(); maxPool2d(2); conv2d(64, kernel = 3); relu(); maxPool2d(2)
            flatten(); linear(128); relu(); dropout(0.25); linear(10)
        }
        model.summary() shouldContain "Total params: 225,034"
        (model[0] as dev.ember.nn.Conv2d).requiresGrad_(false)
        model.summary() shouldContain "Trainable params: 224,714\nNon-trainable params: 320"
    }

    test("modules without declared shapes show a dash") {
        Sequential(Linear(2, 2)).summary().lines()[2] shouldBe "0 (Linear)    -                   6"
    }
})
