package dev.ember.data

import dev.ember.tensor.Tensor

/**
 * Samples taken along the first dimension of one or more tensors of equal length, like
 * `torch.utils.data.TensorDataset`; sample `i` is the list of `tensor.select(0, i)` views.
 *
 * ```kotlin
 * val data = TensorDataset(Tensor.randn(100, 3), Tensor.randint(0, 2, 100))
 * val (features, label) = data[7]      // [3] and a scalar
 * ```
 */
class TensorDataset(vararg tensors: Tensor) : Dataset<List<@JvmSuppressWildcards Tensor>> {

    val tensors: List<Tensor> = tensors.toList()

    init {
        require(this.tensors.isNotEmpty()) { "TensorDataset needs at least one tensor" }
        for (t in this.tensors) {
            require(t.dim() >= 1) { "TensorDataset: every tensor needs a first (sample) dimension, but got a 0-D tensor" }
        }
        val first = this.tensors[0].size(0)
        require(this.tensors.all { it.size(0) == first }) {
            "Size mismatch between tensors: first dimensions " + this.tensors.map { it.size(0) }
        }
    }

    override val size: Int = this.tensors[0].size(0).toInt()

    override fun get(index: Int): List<Tensor> {
        checkIndex(index, size, "TensorDataset")
        return tensors.map { it.select(0, index.toLong()) }
    }
}
