package dev.ember.data

import dev.ember.devices.Device
import dev.ember.tensor.Tensor

/**
 * A collated mini-batch: one tensor per sample field, each with the batch as its first
 * dimension. Labelled data gives two fields, [inputs] and [targets], and a batch destructures
 * to them.
 *
 * ```kotlin
 * loader.collect { (x, y) -> val loss = F.crossEntropy(model.forward(x), y) }
 * ```
 */
class Batch(val tensors: List<Tensor>) {

    constructor(inputs: Tensor, targets: Tensor) : this(listOf(inputs, targets))

    init {
        require(tensors.isNotEmpty()) { "a Batch needs at least one tensor" }
    }

    /** The first field: the model's input. */
    val inputs: Tensor get() = tensors[0]

    /** The second field: the labels or regression targets. */
    val targets: Tensor
        get() = tensors.getOrNull(1)
            ?: throw IllegalStateException("this batch has no targets: its samples had ${tensors.size} field")

    /** The number of samples in the batch (the first dimension of [inputs]). */
    val size: Int get() = if (inputs.dim() == 0) 1 else inputs.size(0).toInt()

    operator fun component1(): Tensor = inputs

    operator fun component2(): Tensor = targets

    /** This batch with every tensor moved to [device]; the same batch when it is already there. */
    fun to(device: Device): Batch =
        if (tensors.all { it.device() == device }) this else Batch(tensors.map { it.to(device) })

    override fun equals(other: Any?): Boolean =
        other is Batch && other.tensors.size == tensors.size && tensors.indices.all { tensors[it].equal(other.tensors[it]) }

    override fun hashCode(): Int = tensors.fold(1) { hash, t -> 31 * hash + t.shape().contentHashCode() }

    override fun toString(): String = "Batch(" + tensors.joinToString { "${it.dtype()}${it.shape().contentToString()}" } + ")"
}
