package dev.ember.dsl

import dev.ember.data.Batch
import dev.ember.nn.functional.F
import dev.ember.optim.SGD
import dev.ember.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldEndWith
import io.kotest.matchers.string.shouldNotContain
import io.kotest.matchers.string.shouldStartWith
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.TestTimeSource

class TrainingProgressSpec : FunSpec({
    /** Four batches of five samples with loss 1 and mean absolute error 1; every training step takes 0.5 s. */
    fun train(output: Appendable, terminal: Boolean, data: Iterable<Batch> = constantBatches(4, 5), epochs: Int = 2) {
        val clock = TestTimeSource()
        val model = identityLinear()
        val loss = { out: Tensor, target: Tensor -> clock += 500.milliseconds; F.mseLoss(out, target) }
        fit(model, data, epochs, SGD(model.parameters(), 0.0), loss) {
            metrics(meanAbsoluteError)
            progress(output, terminal = terminal, everyBatches = 2)
            timeSource(clock)
        }
    }

    test("plain output: a line every N batches and a summary line per epoch") {
        val output = StringBuilder()
        train(output, terminal = false)
        output.toString() shouldBe """
            epoch 1/2  batch 2/4  loss 1.0000  mae 1.0000  10 samples/s  ETA 0:01
            epoch 1/2  loss 1.0000  mae 1.0000  10 samples/s  2.0 s
            epoch 2/2  batch 2/4  loss 1.0000  mae 1.0000  10 samples/s  ETA 0:01
            epoch 2/2  loss 1.0000  mae 1.0000  10 samples/s  2.0 s

        """.trimIndent()
    }

    test("plain output without a known batch count has no total and no ETA") {
        val output = StringBuilder()
        val batches = constantBatches(4, 5)
        train(output, terminal = false, data = Iterable { batches.iterator() }, epochs = 1)
        output.lines().first() shouldBe "epoch 1/1  batch 2  loss 1.0000  mae 1.0000  10 samples/s"
    }

    test("terminal output redraws one line with a bar, then replaces it with the summary") {
        val output = StringBuilder()
        train(output, terminal = true, epochs = 1)
        val text = output.toString()
        text shouldStartWith "\repoch 1/1  1/4 [=====>..............]  loss 1.0000  mae 1.0000  10 samples/s  ETA 0:01"
        text shouldContain "\repoch 1/1  2/4 [==========>.........]  loss 1.0000  mae 1.0000  10 samples/s  ETA 0:01"
        text shouldContain "\repoch 1/1  3/4 [===============>....]  loss 1.0000  mae 1.0000  10 samples/s  ETA 0:00"
        val full = "\repoch 1/1  4/4 [====================]  loss 1.0000  mae 1.0000  10 samples/s  ETA 0:00"
        text shouldContain full
        text shouldEndWith "\r" + " ".repeat(full.length - 1) + "\repoch 1/1  loss 1.0000  mae 1.0000  10 samples/s  2.0 s\n"
        text shouldNotContain "batch"
    }

    test("a shorter redraw pads over the end of the longer line before it") {
        val output = StringBuilder()
        val progress = TrainingProgress(output, terminal = true, everyBatches = 1, redrawNanos = 0)
        progress.batchEnd(1, 1, 1, 100, 0.5, emptyList(), 10, 100_000_000_000)
        progress.batchEnd(1, 1, 99, 100, 0.5, emptyList(), 990, 101_000_000_000)
        val lines = output.split('\r').drop(1)
        lines[0] shouldBe "epoch 1/1    1/100 [>...................]  loss 0.5000  0 samples/s  ETA 2:45:00"
        lines[1] shouldBe "epoch 1/1   99/100 [===================>]  loss 0.5000  10 samples/s  ETA 0:01  "
    }

    test("bars and clocks") {
        TrainingProgress.bar(0, 10) shouldBe "[>...................]"
        TrainingProgress.bar(10, 10) shouldBe "[====================]"
        TrainingProgress.clock(59.9) shouldBe "0:59"
        TrainingProgress.clock(3725.0) shouldBe "1:02:05"
    }
})
