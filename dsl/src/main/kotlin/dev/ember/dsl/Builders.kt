package dev.ember.dsl

import dev.ember.devices.DType
import dev.ember.tensor.Tensor

/*
 * Top-level tensor builders, PyTorch's `torch.tensor`, `torch.zeros`, ...:
 *
 *     val a = tensor(1.0, 2.0, 3.0)                      // float32, like torch.tensor([1., 2., 3.])
 *     val m = tensor(listOf(listOf(1, 2), listOf(3, 4)))  // int64, shape [2, 2]
 *     val z = zeros(2, 3);  val r = randn(4, 4, dtype = DType.FLOAT64)
 */

/** A 1-D tensor of `values`; float32 unless `dtype` says otherwise (Python floats become float32 in PyTorch too). */
fun tensor(vararg values: Double, dtype: DType = DType.FLOAT32): Tensor =
    Tensor.of(values, values.size.toLong()).castTo(dtype)

/** A 1-D float32 tensor. */
fun tensor(vararg values: Float, dtype: DType = DType.FLOAT32): Tensor =
    Tensor.of(values, values.size.toLong()).castTo(dtype)

/** A 1-D int64 tensor (integers become int64, like PyTorch). */
fun tensor(vararg values: Int, dtype: DType = DType.INT64): Tensor =
    Tensor.of(LongArray(values.size) { values[it].toLong() }, values.size.toLong()).castTo(dtype)

/** A 1-D int64 tensor. */
fun tensor(vararg values: Long, dtype: DType = DType.INT64): Tensor =
    Tensor.of(values, values.size.toLong()).castTo(dtype)

/** A 1-D BOOL tensor. */
fun tensor(vararg values: Boolean): Tensor = Tensor.of(values, values.size.toLong())

/**
 * A tensor from nested lists (or arrays) of numbers or booleans, shaped by the nesting:
 * `tensor(listOf(listOf(1.0, 2.0), listOf(3.0, 4.0)))` has shape `[2, 2]`. The dtype is
 * inferred like PyTorch's (any floating number: float32; only integers: int64; only booleans: bool).
 */
fun tensor(data: List<*>, dtype: DType? = null): Tensor {
    val shape = mutableListOf<Long>()
    var level: Any? = data
    while (level is List<*>) {
        shape += level.size.toLong()
        level = level.firstOrNull()
    }
    val leaves = ArrayList<Any>()
    flattenInto(data, 0, shape, leaves)
    val inferred = when {
        leaves.all { it is Boolean } && leaves.isNotEmpty() -> DType.BOOL
        leaves.all { it is Int || it is Long || it is Short || it is Byte } && leaves.isNotEmpty() -> DType.INT64
        else -> DType.FLOAT32
    }
    val dims = shape.toLongArray()
    val built = when (inferred) {
        DType.BOOL -> Tensor.of(BooleanArray(leaves.size) { leaves[it] as Boolean }, *dims)
        DType.INT64 -> Tensor.of(LongArray(leaves.size) { (leaves[it] as Number).toLong() }, *dims)
        else -> Tensor.of(DoubleArray(leaves.size) { leaves[it].asDouble() }, *dims).to(DType.FLOAT32)
    }
    return built.castTo(dtype ?: inferred)
}

/** Zeros of `shape` (float32 unless `dtype`). */
fun zeros(vararg shape: Int, dtype: DType = DType.FLOAT32): Tensor = Tensor.zeros(dtype, *shape.toLongs())

/** Zeros of `shape`. */
fun zeros(vararg shape: Long, dtype: DType = DType.FLOAT32): Tensor = Tensor.zeros(dtype, *shape)

/** Ones of `shape`. */
fun ones(vararg shape: Int, dtype: DType = DType.FLOAT32): Tensor = Tensor.ones(dtype, *shape.toLongs())

/** Ones of `shape`. */
fun ones(vararg shape: Long, dtype: DType = DType.FLOAT32): Tensor = Tensor.ones(dtype, *shape)

/** `value` everywhere in `shape`. */
fun full(vararg shape: Int, value: Number, dtype: DType = DType.FLOAT32): Tensor =
    Tensor.full(dtype, value.toDouble(), *shape.toLongs())

/** Standard normal samples from the default generator ([Tensor.manualSeed]). */
fun randn(vararg shape: Int, dtype: DType = DType.FLOAT32): Tensor = Tensor.randn(dtype, *shape.toLongs())

/** Standard normal samples. */
fun randn(vararg shape: Long, dtype: DType = DType.FLOAT32): Tensor = Tensor.randn(dtype, *shape)

/** Uniform samples in [0, 1). */
fun rand(vararg shape: Int, dtype: DType = DType.FLOAT32): Tensor = Tensor.rand(dtype, *shape.toLongs())

/** `0, 1, ..., end - 1` as int64. */
fun arange(end: Long): Tensor = Tensor.arange(end)

/** `start, start + step, ...` below `end`, as int64. */
fun arange(start: Long, end: Long, step: Long = 1): Tensor = Tensor.arange(start, end, step)

private fun IntArray.toLongs(): LongArray = LongArray(size) { this[it].toLong() }

private fun Tensor.castTo(dtype: DType): Tensor = if (dtype() == dtype) this else to(dtype)

private fun Any.asDouble(): Double = when (this) {
    is Number -> toDouble()
    is Boolean -> if (this) 1.0 else 0.0
    else -> throw IllegalArgumentException("tensor(): expected numbers or booleans, got ${this::class.simpleName}")
}

private fun flattenInto(level: Any?, depth: Int, shape: List<Long>, out: MutableList<Any>) {
    if (depth == shape.size) {
        require(level != null && level !is List<*>) { "tensor(): ragged nested lists at depth $depth, expected shape $shape" }
        out += level
        return
    }
    require(level is List<*> && level.size.toLong() == shape[depth]) {
        "tensor(): expected a sequence of length ${shape[depth]} at dim $depth (shape $shape), got " +
            (if (level is List<*>) "length ${level.size}" else level?.let { it::class.simpleName })
    }
    for (element in level) flattenInto(element, depth + 1, shape, out)
}
