package dev.ember.dsl

import dev.ember.nn.Conv1d
import dev.ember.nn.Conv2d
import dev.ember.nn.Conv3d
import dev.ember.nn.ConvTranspose2d

/*
 * Convolutions of a sequential(...) block; `in_channels` is the first dim of the current shape:
 *
 *     sequential(input = shape(3, 32, 32)) { conv2d(16, kernel = 3, padding = "same"); convTranspose2d(8, kernel = 2, stride = 2) }
 *     sequential(input = shape(1, 8, 16, 16)) { conv3d(4, kernel = 3) }
 *     sequential(input = shape(4, 100)) { conv1d(8, kernel = 5, stride = 2) }
 */

/** `nn.Conv1d(in_channels, outChannels, kernel, ...)` on a `[channels, length]` input. */
fun SequentialBuilder.conv1d(outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
                             groups: Int = 1, bias: Boolean = true): Conv1d {
    val output = convolved("conv1d", 1, outChannels, kernel, stride, padding, dilation, groups)
    val layer = construct("conv1d") {
        Conv1d(currentShape[0], outChannels.toLong(), longs(kernel), longs(stride), longs(padding), longs(dilation), groups.toLong(), bias)
    }
    return add(layer, output)
}

/** `nn.Conv1d` with `padding = "same"` (output length = input length, stride 1) or `"valid"` (no padding). */
fun SequentialBuilder.conv1d(outChannels: Int, kernel: Int, padding: String, dilation: Int = 1, groups: Int = 1,
                             bias: Boolean = true): Conv1d {
    val output = convolvedNamedPadding("conv1d", 1, outChannels, kernel, padding, dilation, groups)
    val layer = construct("conv1d") {
        Conv1d(currentShape[0], outChannels.toLong(), longs(kernel), longs(1), padding, longs(dilation), groups.toLong(), bias)
    }
    return add(layer, output)
}

/** `nn.Conv2d(in_channels, outChannels, kernel, ...)` on a `[channels, height, width]` input (square kernel). */
fun SequentialBuilder.conv2d(outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
                             groups: Int = 1, bias: Boolean = true): Conv2d {
    val output = convolved("conv2d", 2, outChannels, kernel, stride, padding, dilation, groups)
    val layer = construct("conv2d") {
        Conv2d(currentShape[0], outChannels.toLong(), longs(kernel, kernel), longs(stride, stride), longs(padding, padding),
            longs(dilation, dilation), groups.toLong(), bias)
    }
    return add(layer, output)
}

/** `nn.Conv2d` with `padding = "same"` or `"valid"`. */
fun SequentialBuilder.conv2d(outChannels: Int, kernel: Int, padding: String, dilation: Int = 1, groups: Int = 1,
                             bias: Boolean = true): Conv2d {
    val output = convolvedNamedPadding("conv2d", 2, outChannels, kernel, padding, dilation, groups)
    val layer = construct("conv2d") {
        Conv2d(currentShape[0], outChannels.toLong(), longs(kernel, kernel), longs(1, 1), padding, longs(dilation, dilation),
            groups.toLong(), bias)
    }
    return add(layer, output)
}

/** `nn.Conv3d(in_channels, outChannels, kernel, ...)` on a `[channels, depth, height, width]` input (cubic kernel). */
fun SequentialBuilder.conv3d(outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
                             groups: Int = 1, bias: Boolean = true): Conv3d {
    val output = convolved("conv3d", 3, outChannels, kernel, stride, padding, dilation, groups)
    val layer = construct("conv3d") {
        Conv3d(currentShape[0], outChannels.toLong(), longs(kernel), longs(stride), longs(padding), longs(dilation), groups.toLong(), bias)
    }
    return add(layer, output)
}

/** `nn.Conv3d` with `padding = "same"` or `"valid"`. */
fun SequentialBuilder.conv3d(outChannels: Int, kernel: Int, padding: String, dilation: Int = 1, groups: Int = 1,
                             bias: Boolean = true): Conv3d {
    val output = convolvedNamedPadding("conv3d", 3, outChannels, kernel, padding, dilation, groups)
    val layer = construct("conv3d") {
        Conv3d(currentShape[0], outChannels.toLong(), longs(kernel), longs(1), padding, longs(dilation), groups.toLong(), bias)
    }
    return add(layer, output)
}

/**
 * `nn.ConvTranspose2d(in_channels, outChannels, kernel, ...)` on `[channels, height, width]`: each
 * spatial size becomes `(in - 1) stride - 2 padding + dilation (kernel - 1) + outputPadding + 1`.
 */
fun SequentialBuilder.convTranspose2d(outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0,
                                      groups: Int = 1, bias: Boolean = true, dilation: Int = 1): ConvTranspose2d {
    val kind = "convTranspose2d"
    requireRank(kind, 3, "[channels, height, width]")
    requireFloating(kind)
    checkConvolutionArguments(kind, outChannels, kernel, stride, padding, dilation, groups)
    check(kind, outputPadding >= 0 && (outputPadding < stride || outputPadding < dilation)) {
        "output padding must be smaller than either stride or dilation, got output_padding=$outputPadding, stride=$stride, dilation=$dilation"
    }
    val shape = currentShape
    val sizes = LongArray(2) { (shape[it + 1] - 1) * stride - 2L * padding + dilation.toLong() * (kernel - 1) + outputPadding + 1 }
    check(kind, sizes.all { it > 0 }) {
        "output size would be ${shape(outChannels.toLong(), *sizes)} for input $shape (kernel $kernel, stride $stride, padding $padding)"
    }
    val layer = construct(kind) {
        ConvTranspose2d(shape[0], outChannels.toLong(), longs(kernel, kernel), longs(stride, stride), longs(padding, padding),
            longs(outputPadding, outputPadding), groups.toLong(), bias, longs(dilation, dilation))
    }
    return add(layer, shape(outChannels.toLong(), *sizes))
}

/** The output shape of a convolution over the `spatial` trailing dims of `[channels, *spatial]`. */
private fun SequentialBuilder.convolved(kind: String, spatial: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int,
                                        dilation: Int, groups: Int): Shape {
    requireRank(kind, spatial + 1, spatialLayout(spatial))
    requireFloating(kind)
    checkConvolutionArguments(kind, outChannels, kernel, stride, padding, dilation, groups)
    val shape = currentShape
    val sizes = LongArray(spatial) {
        slidingOutput(shape[it + 1], kernel.toLong(), stride.toLong(), padding.toLong(), dilation.toLong(), ceilMode = false)
    }
    check(kind, sizes.all { it > 0 }) { "kernel $kernel (dilation $dilation, padding $padding) is larger than the input $shape" }
    return shape(outChannels.toLong(), *sizes)
}

/** The output shape of a convolution with string padding: `same` keeps the spatial sizes, `valid` pads nothing. */
private fun SequentialBuilder.convolvedNamedPadding(kind: String, spatial: Int, outChannels: Int, kernel: Int, padding: String,
                                                    dilation: Int, groups: Int): Shape {
    check(kind, padding == "same" || padding == "valid") { "Invalid padding string '$padding', should be one of {'valid', 'same'}" }
    if (padding == "valid") return convolved(kind, spatial, outChannels, kernel, 1, 0, dilation, groups)
    requireRank(kind, spatial + 1, spatialLayout(spatial))
    requireFloating(kind)
    checkConvolutionArguments(kind, outChannels, kernel, 1, 0, dilation, groups)
    return Shape(currentShape.toLongArray().also { it[0] = outChannels.toLong() })
}

private fun SequentialBuilder.checkConvolutionArguments(kind: String, outChannels: Int, kernel: Int, stride: Int, padding: Int,
                                                        dilation: Int, groups: Int) {
    check(kind, outChannels > 0 && kernel > 0 && stride > 0 && dilation > 0 && padding >= 0) {
        "expected positive out_channels, kernel, stride and dilation and non-negative padding, got out_channels=$outChannels, " +
            "kernel=$kernel, stride=$stride, padding=$padding, dilation=$dilation"
    }
    check(kind, groups > 0 && currentShape[0] % groups == 0L && outChannels % groups == 0) {
        "in_channels (${currentShape[0]}) and out_channels ($outChannels) must be divisible by groups ($groups)"
    }
}

internal fun spatialLayout(spatial: Int): String = when (spatial) {
    1 -> "[channels, length]"
    2 -> "[channels, height, width]"
    else -> "[channels, depth, height, width]"
}

internal fun longs(vararg values: Int): LongArray = LongArray(values.size) { values[it].toLong() }
