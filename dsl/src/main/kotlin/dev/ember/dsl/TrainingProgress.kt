package dev.ember.dsl

import java.io.Flushable
import java.util.Locale

/**
 * The console output of [fit]. On a terminal, one line per epoch redrawn in place with `\r`:
 *
 *     epoch 1/5  120/938 [==>.................]  loss 0.5312  accuracy 81.25%  1234 samples/s  ETA 0:42
 *
 * Elsewhere (a file, a pipe, a CI log), a plain line every `everyBatches` batches:
 *
 *     epoch 1/5  batch 100/938  loss 0.5312  accuracy 81.25%  1234 samples/s  ETA 0:42
 *
 * and in both modes one summary line per epoch:
 *
 *     epoch 1/5  loss 0.4321  accuracy 84.10%  val_loss 0.3912  val_accuracy 86.00%  5123 samples/s  11.7 s
 */
class TrainingProgress(
    private val output: Appendable,
    /** Redraw one line in place (true) or print plain lines (false). */
    val terminal: Boolean = isInteractiveTerminal(),
    /** In plain mode, a line every this many batches. */
    val everyBatches: Int = 100,
    /** In terminal mode, the least time between two redraws, so fast steps do not flood the terminal. */
    private val redrawNanos: Long = 100_000_000,
) {
    init {
        require(everyBatches >= 1) { "everyBatches must be at least 1, got $everyBatches" }
    }

    private var drawnLength = 0
    private var lastDraw = Long.MIN_VALUE

    /** A line about training as a whole, e.g. a resumed checkpoint or early stopping. */
    fun message(text: String) {
        clearLine()
        write(text + "\n")
    }

    /**
     * After batch `batch` (1-based) of `batches` (null when unknown) of epoch `epoch`: the running
     * loss and metrics, throughput and time left, drawn when the mode says so.
     */
    fun batchEnd(epoch: Int, epochs: Int, batch: Int, batches: Int?, loss: Double, metrics: List<Pair<Metric, Double>>,
                 samples: Long, elapsedNanos: Long) {
        val last = batches != null && batch == batches
        if (terminal) {
            if (!last && lastDraw != Long.MIN_VALUE && elapsedNanos - lastDraw < redrawNanos) return
            lastDraw = elapsedNanos
            val position = if (batches == null) "$batch batches" else "${batch.toString().padStart(batches.toString().length)}/$batches ${bar(batch, batches)}"
            draw("epoch $epoch/$epochs  $position" + runningFigures(loss, metrics, samples, batch, batches, elapsedNanos))
        } else if (batch % everyBatches == 0 && !last) {
            val position = if (batches == null) "batch $batch" else "batch $batch/$batches"
            write("epoch $epoch/$epochs  $position" + runningFigures(loss, metrics, samples, batch, batches, elapsedNanos) + "\n")
        }
    }

    /** The summary line of a finished epoch. */
    fun epochEnd(record: EpochRecord, epochs: Int, metrics: List<Metric>) {
        val text = StringBuilder("epoch ${record.epoch}/$epochs  loss ${formatMetric(record.loss, false)}")
        for (metric in metrics) record.metrics[metric.name]?.let { text.append("  ${metric.name} ${metric.format(it)}") }
        record.validationLoss?.let { text.append("  val_loss ${formatMetric(it, false)}") }
        for (metric in metrics) record.validationMetrics[metric.name]?.let { text.append("  val_${metric.name} ${metric.format(it)}") }
        text.append(String.format(Locale.ROOT, "  %.0f samples/s  %.1f s", record.samplesPerSecond, record.seconds))
        clearLine()
        write(text.append('\n').toString())
        lastDraw = Long.MIN_VALUE
    }

    private fun runningFigures(loss: Double, metrics: List<Pair<Metric, Double>>, samples: Long, batch: Int, batches: Int?,
                               elapsedNanos: Long): String {
        val text = StringBuilder("  loss ${formatMetric(loss, false)}")
        for ((metric, value) in metrics) text.append("  ${metric.name} ${metric.format(value)}")
        val seconds = elapsedNanos / 1e9
        if (seconds > 0) text.append(String.format(Locale.ROOT, "  %.0f samples/s", samples / seconds))
        if (batches != null && seconds > 0) text.append("  ETA ${clock(seconds / batch * (batches - batch))}")
        return text.toString()
    }

    private fun draw(line: String) {
        // Pad over the rest of a longer previous line: `\r` only moves the cursor back.
        val padding = " ".repeat(maxOf(0, drawnLength - line.length))
        write("\r" + line + padding)
        drawnLength = line.length
    }

    private fun clearLine() {
        if (terminal && drawnLength > 0) write("\r" + " ".repeat(drawnLength) + "\r")
        drawnLength = 0
    }

    private fun write(text: String) {
        output.append(text)
        if (output is Flushable) output.flush()
    }

    companion object {
        private const val BAR_WIDTH = 20

        /** `[=====>..............]`: done in `=`, the current position as `>`. */
        internal fun bar(done: Int, total: Int): String {
            val filled = if (total <= 0) BAR_WIDTH else (done.toLong() * BAR_WIDTH / total).toInt().coerceIn(0, BAR_WIDTH)
            return "[" + "=".repeat(filled) + (if (filled < BAR_WIDTH) ">" + ".".repeat(BAR_WIDTH - filled - 1) else "") + "]"
        }

        /** `m:ss`, or `h:mm:ss` from an hour. */
        internal fun clock(seconds: Double): String {
            val whole = seconds.toLong().coerceAtLeast(0)
            val hours = whole / 3600
            val minutes = whole % 3600 / 60
            val rest = whole % 60
            return if (hours > 0) String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, rest)
            else String.format(Locale.ROOT, "%d:%02d", minutes, rest)
        }

        /**
         * Whether standard output is an interactive terminal: a [System.console] that is a
         * terminal (since JDK 22 `System.console()` is non-null even when output is redirected).
         */
        fun isInteractiveTerminal(): Boolean = System.console()?.isTerminal == true
    }
}
