package dev.ember.dsl

import dev.ember.nn.BatchNorm1d
import dev.ember.nn.BatchNorm2d
import dev.ember.nn.GroupNorm
import dev.ember.nn.InstanceNorm2d
import dev.ember.nn.LayerNorm
import dev.ember.nn.RMSNorm

/*
 * Normalization layers of a sequential(...) block; the feature or channel count, and the
 * normalized shape, come from the current shape:
 *
 *     sequential(input = shape(3, 32, 32)) { conv2d(16, kernel = 3); batchNorm2d(); groupNorm(4); instanceNorm2d(affine = true) }
 *     sequential(input = shape(10, 64)) { layerNorm(); rmsNorm(dims = 2) }
 */

/** `nn.BatchNorm1d(features)` on `[features]` or `[channels, length]`; a null `momentum` is a cumulative average. */
fun SequentialBuilder.batchNorm1d(eps: Double = 1e-5, momentum: Double? = 0.1, affine: Boolean = true,
                                  trackRunningStats: Boolean = true): BatchNorm1d {
    val shape = currentShape
    check("batchNorm1d", shape.rank in 1..2) { "expected input of rank 1 [features] or 2 [channels, length], got $shape" }
    requireFloating("batchNorm1d")
    return add(construct("batchNorm1d") { BatchNorm1d(shape[0], eps, momentum, affine, trackRunningStats) }, shape)
}

/** `nn.BatchNorm2d(channels)` on `[channels, height, width]`. */
fun SequentialBuilder.batchNorm2d(eps: Double = 1e-5, momentum: Double? = 0.1, affine: Boolean = true,
                                  trackRunningStats: Boolean = true): BatchNorm2d {
    requireRank("batchNorm2d", 3, "[channels, height, width]")
    requireFloating("batchNorm2d")
    val shape = currentShape
    return add(construct("batchNorm2d") { BatchNorm2d(shape[0], eps, momentum, affine, trackRunningStats) }, shape)
}

/** `nn.LayerNorm` over the last `dims` dims of the current shape (`normalized_shape` is inferred). */
fun SequentialBuilder.layerNorm(dims: Int = 1, eps: Double = 1e-5, elementwiseAffine: Boolean = true, bias: Boolean = true): LayerNorm {
    val normalized = trailingDims("layerNorm", dims)
    return add(construct("layerNorm") { LayerNorm(normalized, eps, elementwiseAffine, bias) }, currentShape)
}

/** `nn.RMSNorm` over the last `dims` dims; a null `eps` is the machine epsilon of the input's dtype, as in PyTorch. */
fun SequentialBuilder.rmsNorm(dims: Int = 1, eps: Double? = null, elementwiseAffine: Boolean = true): RMSNorm {
    val normalized = trailingDims("rmsNorm", dims)
    return add(construct("rmsNorm") { RMSNorm(normalized, eps, elementwiseAffine) }, currentShape)
}

/** `nn.GroupNorm(groups, channels)` on `[channels, ...]`: the channels split into `groups` groups. */
fun SequentialBuilder.groupNorm(groups: Int, eps: Double = 1e-5, affine: Boolean = true): GroupNorm {
    val shape = currentShape
    check("groupNorm", shape.rank >= 1) { "expected input of rank at least 1 [channels, ...], got a scalar $shape" }
    requireFloating("groupNorm")
    check("groupNorm", groups > 0 && shape[0] % groups == 0L) {
        "num_channels (${shape[0]}) of $shape must be divisible by num_groups ($groups)"
    }
    return add(construct("groupNorm") { GroupNorm(groups.toLong(), shape[0], eps, affine) }, shape)
}

/** `nn.InstanceNorm2d(channels)` on `[channels, height, width]`: by default without affine parameters or running statistics. */
fun SequentialBuilder.instanceNorm2d(eps: Double = 1e-5, momentum: Double? = 0.1, affine: Boolean = false,
                                     trackRunningStats: Boolean = false): InstanceNorm2d {
    requireRank("instanceNorm2d", 3, "[channels, height, width]")
    requireFloating("instanceNorm2d")
    val shape = currentShape
    check("instanceNorm2d", shape[1] * shape[2] > 1) {
        "expected more than 1 spatial element when training, got input $shape"
    }
    return add(construct("instanceNorm2d") { InstanceNorm2d(shape[0], eps, momentum, affine, trackRunningStats) }, shape)
}

/** The sizes of the last `dims` dims of the current shape. */
private fun SequentialBuilder.trailingDims(kind: String, dims: Int): LongArray {
    val shape = currentShape
    check(kind, dims in 1..shape.rank) { "cannot normalize the last $dims dims of $shape" }
    requireFloating(kind)
    return shape.toLongArray().takeLast(dims).toLongArray()
}
