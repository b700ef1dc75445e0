package dev.ember.devices.cpu;

import dev.ember.devices.Layout;
import dev.ember.devices.Strided;

import java.util.Arrays;

/**
 * The sliding-window arithmetic shared by im2col, col2im and pooling: an {@code [N, C, *spatial]}
 * operand with 1 to 3 spatial dims seen as 3 (missing leading dims have size 1), so one loop
 * nest serves 1-D, 2-D and 3-D windows.
 *
 * <pre>{@code
 * WindowGeometry g = WindowGeometry.of("im2col", input.layout(), kernel, stride, padding, dilation, null);
 * long windows = g.windowCount();
 * }</pre>
 */
final class WindowGeometry {
    final long batch;
    final long channels;
    /** Input sizes, kernel, stride, padding, dilation and window counts per dim (depth, height, width). */
    final long[] in = new long[3];
    final int[] kernel = {1, 1, 1};
    final int[] stride = {1, 1, 1};
    final int[] padding = {0, 0, 0};
    final int[] dilation = {1, 1, 1};
    final long[] out = new long[3];
    /** Input element strides: batch, channel, then the three spatial dims (0 for a missing dim). */
    final long batchStride;
    final long channelStride;
    final long[] inStride = new long[3];

    private WindowGeometry(Layout layout, int[] k, int[] s, int[] p, int[] d) {
        int spatial = layout.dim() - 2;
        int shift = 3 - spatial;
        batch = layout.size(0);
        channels = layout.size(1);
        batchStride = layout.stride(0);
        channelStride = layout.stride(1);
        Arrays.fill(in, 1);
        for (int i = 0; i < spatial; i++) {
            in[shift + i] = layout.size(2 + i);
            inStride[shift + i] = layout.stride(2 + i);
            kernel[shift + i] = k[i];
            stride[shift + i] = s[i];
            padding[shift + i] = p[i];
            dilation[shift + i] = d[i];
        }
    }

    /**
     * Checks the window parameters against an {@code [N, C, *spatial]} layout; the window
     * counts come from {@code outSpatial} when given, else from the usual floor formula.
     */
    static WindowGeometry of(String op, Layout layout, int[] kernel, int[] stride, int[] padding, int[] dilation,
                             long[] outSpatial) {
        int spatial = layout.dim() - 2;
        if (spatial < 1 || spatial > 3) {
            throw new IllegalArgumentException(op + ": expected an input of shape [N, C, *spatial] with 1 to 3 spatial dims, got "
                    + Arrays.toString(layout.shape()));
        }
        if (kernel.length != spatial || stride.length != spatial || padding.length != spatial || dilation.length != spatial) {
            throw new IllegalArgumentException(op + ": expected " + spatial + " values each for kernel, stride, padding and dilation, got "
                    + Arrays.toString(kernel) + ", " + Arrays.toString(stride) + ", " + Arrays.toString(padding) + ", "
                    + Arrays.toString(dilation));
        }
        for (int i = 0; i < spatial; i++) {
            if (kernel[i] < 1 || stride[i] < 1 || dilation[i] < 1 || padding[i] < 0) {
                throw new IllegalArgumentException(op + ": kernel, stride and dilation must be positive and padding non-negative, got kernel "
                        + Arrays.toString(kernel) + ", stride " + Arrays.toString(stride) + ", padding " + Arrays.toString(padding)
                        + ", dilation " + Arrays.toString(dilation));
            }
        }
        WindowGeometry g = new WindowGeometry(layout, kernel, stride, padding, dilation);
        int shift = 3 - spatial;
        Arrays.fill(g.out, 1);
        for (int i = 0; i < spatial; i++) {
            int a = shift + i;
            long windows = outSpatial != null ? outSpatial[i]
                    : Math.floorDiv(g.in[a] + 2L * g.padding[a] - (long) g.dilation[a] * (g.kernel[a] - 1) - 1, g.stride[a]) + 1;
            if (windows < 1) {
                throw new IllegalArgumentException(op + ": kernel " + Arrays.toString(kernel) + " with dilation " + Arrays.toString(dilation)
                        + " and padding " + Arrays.toString(padding) + " does not fit input of shape " + Arrays.toString(layout.shape()));
            }
            g.out[a] = windows;
        }
        return g;
    }

    long kernelVolume() { return (long) kernel[0] * kernel[1] * kernel[2]; }

    long windowCount() { return out[0] * out[1] * out[2]; }

    long planeSize() { return in[0] * in[1] * in[2]; }

    /** The first output index along dim {@code a} whose input position {@code o * stride + shift} is >= 0. */
    long firstInside(int a, long shift) {
        if (shift >= 0) return 0;
        return Math.min(out[a], (-shift + stride[a] - 1) / stride[a]);
    }

    /** One past the last output index along dim {@code a} whose input position is < the input size. */
    long endInside(int a, long shift) {
        long limit = in[a] - shift;
        if (limit <= 0) return 0;
        return Math.min(out[a], (limit - 1) / stride[a] + 1);
    }

    static void checkContiguous(String op, String what, Strided s) {
        if (!s.layout().isContiguous()) {
            throw new IllegalArgumentException(op + ": expected a contiguous " + what + ", got strides "
                    + Arrays.toString(s.layout().strides()) + " for shape " + Arrays.toString(s.layout().shape()));
        }
    }
}
