package dev.ember.dsl

import dev.ember.nn.Module
import dev.ember.optim.Checkpoint
import dev.ember.optim.LRScheduler
import dev.ember.optim.Optimizer
import dev.ember.tensor.Tensor
import dev.ember.tensor.io.SafeTensors
import java.nio.file.Files
import java.nio.file.Path
import java.util.Locale
import kotlin.io.path.listDirectoryEntries
import kotlin.io.path.name

/**
 * The per-epoch checkpoints of [fit] in one directory: after epoch `e` the model, optimizer,
 * scheduler, the history so far and the early-stopping counters go to `epoch-000e.safetensors`
 * through [Checkpoint] (one atomic write each, so a crash leaves the previous files intact), and
 * only the newest `keepLast` files are kept. With `resume`, [fit] starts from the newest file:
 * it restores the states and continues at the next epoch, and its [History] includes the
 * restored epochs. When early stopping restores the best weights, they are kept in
 * `best.safetensors` as well, so that a resumed run that stops early still rewinds to the best
 * epoch, even one from before the resume.
 *
 *     fit(model, train, epochs = 20, optimizer, F::crossEntropy) { checkpoint(Path.of("runs/cnn")) }
 */
class TrainingCheckpoints(
    val directory: Path,
    /** Continue from the newest checkpoint in [directory], if any. */
    val resume: Boolean = true,
    /** How many of the newest checkpoints to keep (older ones are deleted after each save). */
    val keepLast: Int = 3,
) {
    init {
        require(keepLast >= 1) { "checkpoint: keepLast must be at least 1, got $keepLast" }
    }

    /** The checkpoint files in [directory], oldest epoch first. */
    fun files(): List<Path> {
        if (!Files.isDirectory(directory)) return emptyList()
        return directory.listDirectoryEntries("epoch-*.safetensors").mapNotNull { path -> epochOf(path)?.let { it to path } }
            .sortedBy { it.first }.map { it.second }
    }

    /** The file epoch `epoch` is saved to. */
    fun fileOf(epoch: Int): Path = directory.resolve(String.format(Locale.ROOT, "epoch-%04d.safetensors", epoch))

    /** The file holding the best weights so far, when early stopping is to restore them. */
    val bestFile: Path get() = directory.resolve("best.safetensors")

    /** What a resumed run starts from. */
    class Resumed(val file: Path, val epoch: Int, val history: List<EpochRecord>)

    internal fun save(model: Module, optimizer: Optimizer, scheduler: LRScheduler?, history: List<EpochRecord>,
                      earlyStopping: EarlyStopping?) {
        Files.createDirectories(directory)
        val epoch = history.last().epoch
        val extras = LinkedHashMap<String, String>()
        for (record in history) encode(record, extras)
        if (earlyStopping != null) {
            extras["early_stopping.best"] = earlyStopping.best.toString()
            extras["early_stopping.best_epoch"] = earlyStopping.bestEpoch.toString()
            extras["early_stopping.wait"] = earlyStopping.wait.toString()
        }
        Checkpoint.save(fileOf(epoch), model, optimizer, scheduler, epoch, extras)
        files().dropLast(keepLast).forEach { Files.deleteIfExists(it) }
    }

    /** Restores the newest checkpoint into the objects, or returns null when there is none. */
    internal fun restore(model: Module, optimizer: Optimizer, scheduler: LRScheduler?, earlyStopping: EarlyStopping?): Resumed? {
        val file = files().lastOrNull() ?: return null
        val restored = Checkpoint.load(file, model, optimizer, scheduler)
        val extras = restored.extras()
        if (earlyStopping != null && "early_stopping.best" in extras) {
            earlyStopping.restore(extras.getValue("early_stopping.best").toDouble(), extras.getValue("early_stopping.best_epoch").toInt(),
                extras.getValue("early_stopping.wait").toInt())
        }
        return Resumed(file, restored.epoch(), decode(extras))
    }

    /** Writes the best weights so far (those after `epoch`), atomically. */
    internal fun saveBest(state: Map<String, Tensor>, epoch: Int) {
        Files.createDirectories(directory)
        SafeTensors.save(state, bestFile, mapOf(BEST_EPOCH to epoch.toString()))
    }

    /**
     * The best weights saved after `epoch`, or null when [bestFile] is missing or holds another
     * epoch's (a crash between the two writes of an epoch can leave it one epoch ahead).
     */
    internal fun restoreBest(epoch: Int): Map<String, Tensor>? {
        if (!Files.isRegularFile(bestFile)) return null
        if (SafeTensors.loadMetadata(bestFile)[BEST_EPOCH] != epoch.toString()) return null
        return SafeTensors.load(bestFile)
    }

    private fun encode(record: EpochRecord, extras: MutableMap<String, String>) {
        val prefix = "history.${record.epoch}."
        extras[prefix + "loss"] = record.loss.toString()
        record.metrics.forEach { (name, value) -> extras[prefix + "metric.$name"] = value.toString() }
        record.validationLoss?.let { extras[prefix + "val_loss"] = it.toString() }
        record.validationMetrics.forEach { (name, value) -> extras[prefix + "val_metric.$name"] = value.toString() }
        extras[prefix + "samples"] = record.samples.toString()
        extras[prefix + "seconds"] = record.seconds.toString()
    }

    private fun decode(extras: Map<String, String>): List<EpochRecord> {
        val byEpoch = sortedMapOf<Int, MutableMap<String, String>>()
        for ((key, value) in extras) {
            if (!key.startsWith("history.")) continue
            val rest = key.removePrefix("history.")
            val epoch = rest.substringBefore('.').toIntOrNull() ?: continue
            byEpoch.getOrPut(epoch) { LinkedHashMap() }[rest.substringAfter('.')] = value
        }
        return byEpoch.map { (epoch, fields) ->
            fun named(prefix: String) = fields.filterKeys { it.startsWith(prefix) }.entries.associate { it.key.removePrefix(prefix) to it.value.toDouble() }
            EpochRecord(epoch, fields.getValue("loss").toDouble(), named("metric."), fields["val_loss"]?.toDouble(), named("val_metric."),
                fields.getValue("samples").toLong(), fields.getValue("seconds").toDouble())
        }
    }

    private fun epochOf(path: Path): Int? = Regex("epoch-(\\d+)\\.safetensors").matchEntire(path.name)?.groupValues?.get(1)?.toIntOrNull()

    private companion object {
        const val BEST_EPOCH = "ember.best_epoch"
    }
}
