package dev.ember.dsl

import dev.ember.data.Batch
import dev.ember.data.DataLoader
import dev.ember.nn.Loss
import dev.ember.nn.Module
import dev.ember.optim.ClipGrad
import dev.ember.optim.Optimizer
import dev.ember.optim.ReduceLROnPlateau
import dev.ember.tensor.Tensor
import kotlin.contracts.ExperimentalContracts
import kotlin.contracts.InvocationKind
import kotlin.contracts.contract

/**
 * Trains `model` on `train` for `epochs` epochs with `optimizer` minimising `loss(output, target)`,
 * like Keras' `fit`, and returns the per-epoch [History]. Each step runs in a memory scope
 * (intermediates are freed at once); the block configures metrics, validation, callbacks,
 * checkpoints and early stopping ([FitBuilder]).
 *
 *     val history = fit(model, trainLoader, epochs = 5, Adam(model.parameters(), 1e-3), F::crossEntropy) {
 *         metrics(accuracy); validate(testLoader); earlyStopping(monitor = "val_loss", patience = 3)
 *     }
 *
 * `train` is usually a [DataLoader] (each iteration is a new epoch, shuffled by its seed); any
 * `Iterable<Batch>` works, and its batch count, when known, drives the progress bar and ETA.
 * Epochs are numbered from 1.
 */
@OptIn(ExperimentalContracts::class)
fun fit(model: Module, train: Iterable<Batch>, epochs: Int, optimizer: Optimizer, loss: (output: Tensor, target: Tensor) -> Tensor,
        configure: FitBuilder.() -> Unit = {}): History {
    contract { callsInPlace(configure, InvocationKind.EXACTLY_ONCE) }
    require(epochs >= 0) { "fit: epochs must be non-negative, got $epochs" }
    val settings = FitBuilder()
    settings.configure()
    return Training(model, train, epochs, optimizer, loss, settings).run()
}

/** [fit] with a loss module: `fit(model, train, 5, optimizer, CrossEntropyLoss()) { ... }`. */
@OptIn(ExperimentalContracts::class)
fun fit(model: Module, train: Iterable<Batch>, epochs: Int, optimizer: Optimizer, loss: Loss, configure: FitBuilder.() -> Unit = {}): History {
    contract { callsInPlace(configure, InvocationKind.EXACTLY_ONCE) }
    return fit(model, train, epochs, optimizer, { output, target -> loss.call(output, target) }, configure)
}

/** One run of [fit]: the epoch loop and what happens around it. */
private class Training(
    val model: Module,
    val train: Iterable<Batch>,
    val epochs: Int,
    val optimizer: Optimizer,
    val loss: (Tensor, Tensor) -> Tensor,
    val settings: FitBuilder,
) {
    val metrics: List<Metric> = settings.metrics.toList()
    val progress: TrainingProgress? = if (settings.quiet) null else settings.progress ?: TrainingProgress(System.out)
    val earlyStopping: EarlyStopping? = settings.earlyStopping?.let {
        checkMonitor(it.monitor)
        EarlyStopping(it.monitor, it.patience, it.minDelta, EarlyStopping.maximizes(it.monitor, it.mode, metrics))
    }

    fun run(): History {
        val records = mutableListOf<EpochRecord>()
        var first = 1
        val checkpoints = settings.checkpoints
        if (checkpoints != null && checkpoints.resume) {
            checkpoints.restore(model, optimizer, settings.scheduler, earlyStopping)?.let { resumed ->
                records += resumed.history
                first = resumed.epoch + 1
                progress?.message("resumed from ${resumed.file} after epoch ${resumed.epoch}")
            }
        }
        val restoreBest = settings.earlyStopping?.restoreBestWeights == true
        var bestState: Map<String, Tensor>? = null
        if (restoreBest && checkpoints != null && records.isNotEmpty()) {
            val bestEpoch = earlyStopping!!.bestEpoch
            bestState = checkpoints.restoreBest(bestEpoch)
            if (bestState == null) progress?.message("no best weights of epoch $bestEpoch in ${checkpoints.bestFile}; early stopping cannot rewind past the resume")
        }
        if (earlyStopping != null && records.isNotEmpty() && earlyStopping.shouldStop) {
            bestState?.let { model.loadStateDict(it) }
            return History(records, stoppedEarly = true)
        }
        for (epoch in first..epochs) {
            val record = trainEpoch(epoch)
            records += record
            progress?.epochEnd(record, epochs, metrics)
            var stop = false
            if (earlyStopping != null) {
                val value = record[earlyStopping.monitor]!!
                if (earlyStopping.improved(epoch, value) && restoreBest) {
                    bestState = snapshot().also { checkpoints?.saveBest(it, epoch) }
                }
                stop = earlyStopping.shouldStop
            }
            stepScheduler(record)
            checkpoints?.save(model, optimizer, settings.scheduler, records, earlyStopping)
            settings.epochEndActions.forEach { it(record) }
            if (stop) {
                val stopping = earlyStopping!!
                progress?.message("early stopping after epoch $epoch: ${stopping.monitor} has not improved for ${stopping.wait} epochs " +
                    "(best ${formatMetric(stopping.best, false)} at epoch ${stopping.bestEpoch})")
                bestState?.let { model.loadStateDict(it) }
                return History(records, stoppedEarly = true)
            }
        }
        return History(records)
    }

    private fun trainEpoch(epoch: Int): EpochRecord {
        model.train()
        val batches = batchCount(train)
        val totals = metrics.map { MetricTotal() }
        var lossSum = 0.0
        var samples = 0L
        var batch = 0
        val start = settings.timeSource.markNow()
        forEachBatch(train) { data ->
            batch++
            val count = data.size
            var batchLoss = 0.0
            memoryScope {
                val output = model(data.inputs)
                val value = loss(output, data.targets)
                optimizer.zeroGrad()
                value.backward()
                settings.maxGradNorm?.let { ClipGrad.clipGradNorm(model.parameters(), it) }
                optimizer.step()
                batchLoss = value.item()
                noGrad { measure(output.detach(), data.targets, totals) }
            }
            lossSum += batchLoss * count
            samples += count
            progress?.batchEnd(epoch, epochs, batch, batches, lossSum / samples, metrics.zip(totals.map { it.value }), samples,
                start.elapsedNow().inWholeNanoseconds)
            val end = BatchEnd(epoch, batch, batchLoss, count)
            settings.batchEndActions.forEach { it(end) }
        }
        val seconds = start.elapsedNow().inWholeNanoseconds / 1e9
        require(samples > 0) { "fit: the training data gave no batches in epoch $epoch" }
        val trainMetrics = metrics.indices.associate { metrics[it].name to totals[it].value }
        val validation = settings.validation ?: return EpochRecord(epoch, lossSum / samples, trainMetrics, null, emptyMap(), samples, seconds)
        val (validationLoss, validationMetrics) = evaluate(validation)
        return EpochRecord(epoch, lossSum / samples, trainMetrics, validationLoss, validationMetrics, samples, seconds)
    }

    /** The mean loss and the metrics on `data`, in eval mode without gradients; the model goes back to training mode. */
    private fun evaluate(data: Iterable<Batch>): Pair<Double, Map<String, Double>> {
        model.eval()
        val totals = metrics.map { MetricTotal() }
        var lossSum = 0.0
        var samples = 0L
        try {
            noGrad {
                forEachBatch(data) { batch ->
                    memoryScope {
                        val output = model(batch.inputs)
                        lossSum += loss(output, batch.targets).item() * batch.size
                        measure(output, batch.targets, totals)
                    }
                    samples += batch.size
                }
            }
        } finally {
            model.train()
        }
        require(samples > 0) { "fit: the validation data gave no batches" }
        return lossSum / samples to metrics.indices.associate { metrics[it].name to totals[it].value }
    }

    private fun measure(output: Tensor, target: Tensor, totals: List<MetricTotal>) {
        metrics.forEachIndexed { index, metric -> totals[index].add(metric.measure(output, target)) }
    }

    private fun stepScheduler(record: EpochRecord) {
        when (val scheduler = settings.scheduler) {
            null -> {}
            is ReduceLROnPlateau -> scheduler.step(record.validationLoss ?: record.loss)
            else -> scheduler.step()
        }
    }

    private fun snapshot(): Map<String, Tensor> = noGrad { model.stateDict().mapValues { it.value.clone() } }

    private fun checkMonitor(monitor: String) {
        val keys = listOf("loss") + metrics.map { it.name } +
            (if (settings.validation != null) listOf("val_loss") + metrics.map { "val_${it.name}" } else emptyList())
        require(monitor in keys) {
            if (monitor.startsWith("val_") && settings.validation == null) "earlyStopping monitors '$monitor', but fit has no validate(...) data"
            else "earlyStopping monitors '$monitor', which fit does not measure; it measures $keys"
        }
    }

    private class MetricTotal {
        private var total = 0.0
        private var count = 0L
        fun add(measurement: Measurement) {
            total += measurement.total
            count += measurement.count
        }
        val value: Double get() = if (count == 0L) Double.NaN else total / count
    }

    private companion object {
        fun batchCount(data: Iterable<Batch>): Int? = when (data) {
            is DataLoader<*> -> runCatching { data.size }.getOrNull()
            is Collection<*> -> data.size
            else -> null
        }

        /** Iterates one epoch of `data`, closing a loader's iterator (its workers) even when the step throws. */
        inline fun forEachBatch(data: Iterable<Batch>, action: (Batch) -> Unit) {
            val iterator = data.iterator()
            try {
                while (iterator.hasNext()) action(iterator.next())
            } finally {
                (iterator as? AutoCloseable)?.close()
            }
        }
    }
}
