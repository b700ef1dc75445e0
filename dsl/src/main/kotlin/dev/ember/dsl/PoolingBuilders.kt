package dev.ember.dsl

import dev.ember.nn.AdaptiveAvgPool2d
import dev.ember.nn.AdaptiveMaxPool2d
import dev.ember.nn.AvgPool1d
import dev.ember.nn.AvgPool2d
import dev.ember.nn.MaxPool1d
import dev.ember.nn.MaxPool2d

/*
 * Pooling layers of a sequential(...) block; the stride defaults to the kernel size, as in PyTorch:
 *
 *     sequential(input = shape(3, 32, 32)) { maxPool2d(2); avgPool2d(3, stride = 2, padding = 1); adaptiveAvgPool2d(1) }
 *     sequential(input = shape(8, 100)) { maxPool1d(4); avgPool1d(2) }
 */

/** `nn.MaxPool1d(kernel, stride = kernel)` on `[channels, length]`. */
fun SequentialBuilder.maxPool1d(kernel: Int, stride: Int = kernel, padding: Int = 0, dilation: Int = 1, ceilMode: Boolean = false): MaxPool1d {
    val output = pooled("maxPool1d", 1, kernel, stride, padding, dilation, ceilMode)
    return add(MaxPool1d(longs(kernel), longs(stride), longs(padding), longs(dilation), ceilMode), output)
}

/** `nn.AvgPool1d(kernel, stride = kernel)` on `[channels, length]`. */
fun SequentialBuilder.avgPool1d(kernel: Int, stride: Int = kernel, padding: Int = 0, ceilMode: Boolean = false,
                                countIncludePad: Boolean = true): AvgPool1d {
    val output = pooled("avgPool1d", 1, kernel, stride, padding, 1, ceilMode)
    return add(AvgPool1d(longs(kernel), longs(stride), longs(padding), ceilMode, countIncludePad), output)
}

/** `nn.MaxPool2d(kernel, stride = kernel)` on `[channels, height, width]` (square window). */
fun SequentialBuilder.maxPool2d(kernel: Int, stride: Int = kernel, padding: Int = 0, dilation: Int = 1, ceilMode: Boolean = false): MaxPool2d {
    val output = pooled("maxPool2d", 2, kernel, stride, padding, dilation, ceilMode)
    return add(MaxPool2d(longs(kernel, kernel), longs(stride, stride), longs(padding, padding), longs(dilation, dilation), ceilMode), output)
}

/** `nn.AvgPool2d(kernel, stride = kernel)` on `[channels, height, width]`. */
fun SequentialBuilder.avgPool2d(kernel: Int, stride: Int = kernel, padding: Int = 0, ceilMode: Boolean = false,
                                countIncludePad: Boolean = true): AvgPool2d {
    val output = pooled("avgPool2d", 2, kernel, stride, padding, 1, ceilMode)
    return add(AvgPool2d(longs(kernel, kernel), longs(stride, stride), longs(padding, padding), ceilMode, countIncludePad, null), output)
}

/**
 * `nn.AdaptiveAvgPool2d((height, width))`: any spatial size in, `[channels, height, width]` out;
 * a null size keeps the input's (PyTorch's `None`).
 */
fun SequentialBuilder.adaptiveAvgPool2d(height: Int?, width: Int? = height): AdaptiveAvgPool2d {
    val output = adaptivePooled("adaptiveAvgPool2d", height, width)
    return add(AdaptiveAvgPool2d(output[1], output[2]), output)
}

/** `nn.AdaptiveMaxPool2d((height, width))`: any spatial size in, `[channels, height, width]` out. */
fun SequentialBuilder.adaptiveMaxPool2d(height: Int?, width: Int? = height): AdaptiveMaxPool2d {
    val output = adaptivePooled("adaptiveMaxPool2d", height, width)
    return add(AdaptiveMaxPool2d(output[1], output[2]), output)
}

/** The output shape of a pooling window sliding over the `spatial` trailing dims of `[channels, *spatial]`. */
private fun SequentialBuilder.pooled(kind: String, spatial: Int, kernel: Int, stride: Int, padding: Int, dilation: Int,
                                     ceilMode: Boolean): Shape {
    requireRank(kind, spatial + 1, spatialLayout(spatial))
    requireFloating(kind)
    check(kind, kernel > 0 && stride > 0 && dilation > 0 && padding >= 0) {
        "expected positive kernel, stride and dilation and non-negative padding, got kernel=$kernel, stride=$stride, " +
            "padding=$padding, dilation=$dilation"
    }
    check(kind, padding * 2 <= kernel) { "padding ($padding) should be at most half of the kernel size ($kernel)" }
    val shape = currentShape
    val sizes = LongArray(spatial) {
        slidingOutput(shape[it + 1], kernel.toLong(), stride.toLong(), padding.toLong(), dilation.toLong(), ceilMode)
    }
    val output = shape(shape[0], *sizes)
    check(kind, sizes.all { it > 0 }) {
        "output size would be $output for input $shape (kernel $kernel, stride $stride, padding $padding)"
    }
    return output
}

private fun SequentialBuilder.adaptivePooled(kind: String, height: Int?, width: Int?): Shape {
    requireRank(kind, 3, "[channels, height, width]")
    requireFloating(kind)
    check(kind, (height == null || height > 0) && (width == null || width > 0)) {
        "output size must be positive (or null to keep the input's), got ($height, $width)"
    }
    val shape = currentShape
    return shape(shape[0], height?.toLong() ?: shape[1], width?.toLong() ?: shape[2])
}
