package dev.ember.dsl

import dev.ember.data.Batch
import dev.ember.optim.LRScheduler
import java.nio.file.Path
import kotlin.time.TimeSource

/**
 * The receiver of [fit]'s block: what to measure and what to do around the training loop.
 *
 *     fit(model, train, epochs = 10, optimizer, F::crossEntropy) {
 *         metrics(accuracy)
 *         validate(test)
 *         onEpochEnd { println("epoch ${it.epoch}: ${it.validationLoss}") }
 *         checkpoint(Path.of("runs/cnn"))
 *         earlyStopping(monitor = "val_loss", patience = 3)
 *     }
 */
@EmberDsl
class FitBuilder internal constructor() {
    internal val metrics = mutableListOf<Metric>()
    internal var validation: Iterable<Batch>? = null
    internal val epochEndActions = mutableListOf<(EpochRecord) -> Unit>()
    internal val batchEndActions = mutableListOf<(BatchEnd) -> Unit>()
    internal var checkpoints: TrainingCheckpoints? = null
    internal var earlyStopping: EarlyStoppingSettings? = null
    internal var scheduler: LRScheduler? = null
    internal var maxGradNorm: Double? = null
    internal var progress: TrainingProgress? = null
    internal var quiet = false
    internal var timeSource: TimeSource = TimeSource.Monotonic

    /** Metrics measured on every training batch and on the validation data: `metrics(accuracy)`. */
    fun metrics(vararg metrics: Metric) {
        val names = (this.metrics + metrics).map { it.name }
        require(names.toSet().size == names.size) { "metrics: each metric name may appear once, got $names" }
        this.metrics += metrics
    }

    /** Data evaluated after every epoch (in eval mode, without gradients): its loss and metrics become `val_*`. */
    fun validate(data: Iterable<Batch>) {
        validation = data
    }

    /** Runs `action` after every epoch, once its record is complete (and checkpointed). */
    fun onEpochEnd(action: (EpochRecord) -> Unit) {
        epochEndActions += action
    }

    /** Runs `action` after every training step. */
    fun onBatchEnd(action: (BatchEnd) -> Unit) {
        batchEndActions += action
    }

    /** Saves a checkpoint after every epoch in `directory`, and resumes from the newest one (see [TrainingCheckpoints]). */
    fun checkpoint(directory: Path, resume: Boolean = true, keepLast: Int = 3) {
        checkpoints = TrainingCheckpoints(directory, resume, keepLast)
    }

    /**
     * Stops training when `monitor` has not improved by more than `minDelta` for `patience`
     * epochs (see [EarlyStopping]); with `restoreBestWeights` the model ends with the weights
     * of its best epoch.
     */
    fun earlyStopping(monitor: String = "val_loss", patience: Int = 3, minDelta: Double = 0.0, mode: String = "auto",
                      restoreBestWeights: Boolean = false) {
        require(mode in setOf("min", "max", "auto")) { "earlyStopping: mode must be min, max or auto, got '$mode'" }
        require(patience >= 0 && minDelta >= 0) { "earlyStopping: patience and minDelta must be non-negative, got $patience and $minDelta" }
        earlyStopping = EarlyStoppingSettings(monitor, patience, minDelta, mode, restoreBestWeights)
    }

    /** Steps `scheduler` after every epoch (a `ReduceLROnPlateau` with the validation loss, or the training loss without validation). */
    fun scheduler(scheduler: LRScheduler) {
        this.scheduler = scheduler
    }

    /** Clips the gradients' total 2-norm to `maxNorm` before every optimizer step. */
    fun clipGradNorm(maxNorm: Double) {
        require(maxNorm > 0) { "clipGradNorm: maxNorm must be positive, got $maxNorm" }
        maxGradNorm = maxNorm
    }

    /**
     * Where and how progress is shown (see [TrainingProgress]): by default on standard output,
     * redrawn in place when it is a terminal, else a line every `everyBatches` batches.
     */
    fun progress(output: Appendable = System.out, terminal: Boolean = TrainingProgress.isInteractiveTerminal(), everyBatches: Int = 100) {
        progress = TrainingProgress(output, terminal, everyBatches)
        quiet = false
    }

    /** No progress output at all. */
    fun quiet() {
        quiet = true
    }

    /** The clock of throughput, ETA and epoch times (a `TestTimeSource` in tests). */
    fun timeSource(source: TimeSource) {
        timeSource = source
    }
}

/** What [FitBuilder.onBatchEnd] receives: the 1-based epoch and batch, the batch's loss and its sample count. */
class BatchEnd(val epoch: Int, val batch: Int, val loss: Double, val samples: Int)

internal class EarlyStoppingSettings(
    val monitor: String, val patience: Int, val minDelta: Double, val mode: String, val restoreBestWeights: Boolean,
)
