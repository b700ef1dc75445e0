package dev.ember.dsl

import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class MetricSpec : FunSpec({
    val logits = Tensor.of(floatArrayOf(2f, 1f, 0f, 0f, 3f, 1f, 1f, 0f, 2f), 3, 3)
    val targets = Tensor.of(longArrayOf(0, 2, 1), 3)

    test("accuracy counts argmax hits; one output per sample is a binary logit") {
        accuracy.measure(logits, targets) shouldBe Measurement(1.0, 3)
        accuracy.measure(Tensor.of(floatArrayOf(0.5f, -1f, 2f), 3), Tensor.of(longArrayOf(1, 0, 0), 3)) shouldBe Measurement(2.0, 3)
        accuracy.measure(Tensor.of(floatArrayOf(0.5f, -1f), 2, 1), Tensor.of(longArrayOf(1, 1), 2)) shouldBe Measurement(1.0, 2)
        accuracy.format(0.841) shouldBe "84.10%"
    }

    test("top-k accuracy counts targets among the k highest outputs") {
        val top2 = topKAccuracy(2)
        top2.name shouldBe "top2_accuracy"
        top2.measure(logits, targets) shouldBe Measurement(2.0, 3)
        topKAccuracy(3).measure(logits, targets) shouldBe Measurement(3.0, 3)
    }

    test("mean squared and absolute errors sum over all elements") {
        val output = Tensor.of(floatArrayOf(1f, 2f, 3f, 4f), 2, 2)
        val target = Tensor.of(floatArrayOf(1f, 0f, 4f, 4f), 2, 2)
        meanSquaredError.measure(output, target) shouldBe Measurement(5.0, 4)
        meanAbsoluteError.measure(output, target) shouldBe Measurement(3.0, 4)
        meanSquaredError.higherIsBetter shouldBe false
        meanSquaredError.format(0.123456) shouldBe "0.1235"
    }

    test("metric names are history keys: no spaces or dots") {
        shouldThrow<IllegalArgumentException> { Metric("my metric") { _, _ -> Measurement(0.0, 1) } }.message shouldBe
            "a metric name must be non-empty, without spaces or dots, got 'my metric'"
        shouldThrow<IllegalArgumentException> { topKAccuracy(0) }.message shouldBe "topKAccuracy: k must be at least 1, got 0"
    }
})
