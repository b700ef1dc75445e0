package dev.ember.dsl

import dev.ember.nn.Flatten
import dev.ember.nn.Unflatten
import dev.ember.nn.Upsample

/*
 * Layers that reshape or resize one sample in a sequential(...) block:
 *
 *     sequential(input = shape(64)) { unflatten(0, 4, 4, 4); upsample(2.0); upsample(scale = 2.0, mode = "bilinear"); flatten() }
 */

/**
 * `nn.Flatten(start, end)` with per-sample dims: by default every dim of a sample becomes one
 * (`[64, 5, 5]` to `[1600]`); negative dims count from the end.
 */
fun SequentialBuilder.flatten(startDim: Int = 0, endDim: Int = -1): Flatten {
    val shape = currentShape
    val batchedStart = batchedDim("flatten", startDim)
    val batchedEnd = batchedDim("flatten", endDim)
    val first = if (startDim < 0) startDim + shape.rank else startDim
    val end = if (endDim < 0) endDim + shape.rank else endDim
    check("flatten", first <= end) { "flatten() has invalid args: start_dim ($startDim) cannot come after end_dim ($endDim) for $shape" }
    val dims = shape.toLongArray()
    val merged = dims.slice(first..end).fold(1L) { product, size -> product * size }
    val output = dims.take(first) + merged + dims.drop(end + 1)
    return add(Flatten(batchedStart, batchedEnd), Shape(output.toLongArray()))
}

/** `nn.Unflatten(dim, sizes)` with a per-sample `dim`: splits it into `sizes`, one of which may be -1. */
fun SequentialBuilder.unflatten(dim: Int, vararg sizes: Long): Unflatten {
    val shape = currentShape
    val batched = batchedDim("unflatten", dim)
    val index = if (dim < 0) dim + shape.rank else dim
    check("unflatten", sizes.isNotEmpty()) { "unflattened_size must be non-empty" }
    check("unflatten", sizes.count { it == -1L } <= 1 && sizes.all { it > 0 || it == -1L }) {
        "sizes ${sizes.toList()} must be positive, with at most one -1"
    }
    val known = sizes.filter { it != -1L }.fold(1L) { product, size -> product * size }
    val inferred = if (-1L in sizes) shape[index] / known else known
    val resolved = sizes.map { if (it == -1L) inferred else it }
    check("unflatten", resolved.fold(1L) { product, size -> product * size } == shape[index]) {
        "sizes ${sizes.toList()} don't multiply up to the size ${shape[index]} of dim $dim of $shape"
    }
    val dims = shape.toLongArray()
    val output = dims.take(index) + resolved + dims.drop(index + 1)
    return add(Unflatten(batched, *sizes), Shape(output.toLongArray()))
}

/** `nn.Unflatten` with `Int` sizes. */
fun SequentialBuilder.unflatten(dim: Int, vararg sizes: Int): Unflatten = unflatten(dim, *LongArray(sizes.size) { sizes[it].toLong() })

/**
 * `nn.Upsample(scale_factor = scale, mode)` on `[channels, *spatial]` with 1 to 3 spatial dims:
 * each becomes `floor(size * scale)`. Modes: `nearest` (any), `linear` (`[channels, length]`),
 * `bilinear` (`[channels, height, width]`), `trilinear` (`[channels, depth, height, width]`);
 * `alignCorners` applies to the linear modes only.
 */
fun SequentialBuilder.upsample(scale: Double, mode: String = "nearest", alignCorners: Boolean? = null): Upsample {
    checkUpsampling(mode, alignCorners)
    check("upsample", scale > 0) { "scale_factor must be positive, got $scale" }
    val shape = currentShape
    val sizes = LongArray(shape.rank - 1) { Math.floor(shape[it + 1] * scale).toLong() }
    val output = shape(shape[0], *sizes)
    check("upsample", sizes.all { it > 0 }) { "output size would be $output for input $shape (scale_factor $scale)" }
    return add(Upsample(null, doubleArrayOf(scale), mode, alignCorners), output)
}

/** `nn.Upsample(size = sizes, mode)`: resizes the spatial dims to `sizes` (one per spatial dim, or one for all). */
fun SequentialBuilder.upsample(vararg sizes: Int, mode: String = "nearest", alignCorners: Boolean? = null): Upsample {
    checkUpsampling(mode, alignCorners)
    val shape = currentShape
    val spatial = shape.rank - 1
    check("upsample", sizes.size == 1 || sizes.size == spatial) {
        "expected 1 or $spatial output sizes for input $shape, got ${sizes.toList()}"
    }
    check("upsample", sizes.all { it > 0 }) { "output sizes must be positive, got ${sizes.toList()}" }
    val output = shape(shape[0], *LongArray(spatial) { sizes[if (sizes.size == 1) 0 else it].toLong() })
    return add(Upsample(longs(*sizes), null, mode, alignCorners), output)
}

private fun SequentialBuilder.checkUpsampling(mode: String, alignCorners: Boolean?) {
    val kind = "upsample"
    val spatial = when (mode) {
        "nearest" -> null
        "linear" -> 1
        "bilinear" -> 2
        "trilinear" -> 3
        else -> {
            check(kind, false) { "unsupported interpolation mode '$mode' (supported: nearest, linear, bilinear, trilinear)" }
            null
        }
    }
    if (spatial == null) {
        check(kind, currentShape.rank in 2..4) {
            "expected input of rank 2 to 4 [channels, *spatial] for mode nearest, got $currentShape"
        }
        check(kind, alignCorners == null) { "align_corners option can only be set with the interpolating modes: linear | bilinear | trilinear" }
    } else {
        requireRank(kind, spatial + 1, spatialLayout(spatial) + " for mode $mode")
    }
    requireFloating(kind)
}
