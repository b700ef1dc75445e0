package dev.ember.dsl

import dev.ember.devices.DType
import dev.ember.tensor.Tensor

/**
 * Every element along a dimension, Python's `:`: `a[all, 0]` is `a[:, 0]`.
 */
object all

/*
 * Indexing in PyTorch's style:
 *
 *     a[0]            // select row 0 (a view)
 *     a[0, 1]         // a 0-dim tensor; .item() for the number
 *     a[0..1, 2]      // rows 0 and 1 (an inclusive range is a slice), column 2
 *     a[all, 1 until 3]
 *     a[0..4 step 2]  // a stepped slice
 *     a[a gt 0.5]     // a BOOL mask selects elements into a 1-D tensor
 *     a[indices]      // an INT64 tensor gathers along dim 0
 *
 * Int and Long select (dropping the dimension), ranges slice (keeping it), negative positions
 * count from the end. Selections and slices are views sharing memory with `a`.
 */

/** `a[i]`: selects index `i` of dimension 0. */
operator fun Tensor.get(index: Int): Tensor = select(0, index.toLong())

/** `a[i]`: selects index `i` of dimension 0. */
operator fun Tensor.get(index: Long): Tensor = select(0, index)

/** `a[i, j]`: the element (or sub-tensor) at `i, j`. */
operator fun Tensor.get(first: Int, second: Int): Tensor = select(0, first.toLong()).select(0, second.toLong())

/** `a[i, j]`. */
operator fun Tensor.get(first: Long, second: Long): Tensor = select(0, first).select(0, second)

/** `a[mask]` for a BOOL mask (a 1-D tensor of the selected elements) or `a[indices]` for INT64 indices. */
operator fun Tensor.get(index: Tensor): Tensor =
    if (index.dtype() == DType.BOOL) maskedSelect(index) else index(index)

/** `a[0..1, 2]`, `a[all, 0]`: Int/Long select, ranges and progressions slice, [all] keeps a dimension whole. */
operator fun Tensor.get(vararg indices: Any): Tensor {
    require(indices.size <= dim()) {
        "too many indices for tensor of dimension ${dim()} (got ${indices.size})"
    }
    var result = this
    var dimension = 0
    for (index in indices) {
        when (index) {
            is Int -> result = result.select(dimension, index.toLong())
            is Long -> result = result.select(dimension, index)
            is IntProgression -> { result = result.sliceBy(dimension, index.first.toLong(), index.last.toLong(), index.step.toLong()); dimension++ }
            is LongProgression -> { result = result.sliceBy(dimension, index.first, index.last, index.step); dimension++ }
            is all -> dimension++
            else -> throw IllegalArgumentException(
                "only integers, ranges, progressions and `all` can be combined in an index; got ${index::class.simpleName} " +
                    "(index with a single tensor for masks and gathers)")
        }
    }
    return result
}

/** `a[mask] = 0.0`: fills the elements where `mask` is true, in place. */
operator fun Tensor.set(mask: Tensor, value: Number) {
    require(mask.dtype() == DType.BOOL) { "index assignment with a tensor expects a BOOL mask, got ${mask.dtype()}" }
    maskedFill_(mask, value.toDouble())
}

/** `a[i] = 1.0`: fills row `i` in place. */
operator fun Tensor.set(index: Int, value: Number) { this[index].fill_(value.toDouble()) }

/** `a[i] = b`: copies `b` (broadcast) into row `i`. */
operator fun Tensor.set(index: Int, value: Tensor) { this[index].copy_(value) }

/** `a[i, j] = 1.0`. */
operator fun Tensor.set(first: Int, second: Int, value: Number) { this[first, second].fill_(value.toDouble()) }

/** `a[0..1, 2] = 1.0`: fills a slice in place. */
operator fun Tensor.set(first: Any, second: Any, value: Number) { get(first, second).fill_(value.toDouble()) }

/**
 * Slices `first..last` (inclusive, Kotlin's range convention) with a positive `step`; negative
 * bounds count from the end of the dimension.
 */
private fun Tensor.sliceBy(dimension: Int, first: Long, last: Long, step: Long): Tensor {
    require(step > 0) { "step must be greater than zero, got $step" }
    val size = size(dimension)
    val start = if (first < 0) first + size else first
    val end = (if (last < 0) last + size else last) + 1
    require(start in 0..size && end in 0..size) {
        "range $first..$last is out of bounds for dimension $dimension with size $size"
    }
    return slice(dimension, start, maxOf(start, end), step)
}
