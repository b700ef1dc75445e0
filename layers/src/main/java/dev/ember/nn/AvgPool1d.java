package dev.ember.nn;

import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;

/**
 * 1-D average pooling, like {@code torch.nn.AvgPool1d}; the stride defaults to the kernel size.
 *
 * <pre>{@code
 * new AvgPool1d(3).call(Tensor.randn(4, 8, 12));   // [4, 8, 4]
 * }</pre>
 */
public class AvgPool1d extends Module {
    public final long[] kernelSize;
    public final long[] stride;
    public final long[] padding;
    public final boolean ceilMode;
    public final boolean countIncludePad;

    public AvgPool1d(long kernelSize) { this(new long[] {kernelSize}, null, new long[] {0}, false, true); }

    /** Every option; a null {@code stride} means the kernel size. */
    public AvgPool1d(long[] kernelSize, long[] stride, long[] padding, boolean ceilMode, boolean countIncludePad) {
        this.kernelSize = PythonTuples.expand(kernelSize, 1);
        this.stride = stride == null || stride.length == 0 ? this.kernelSize.clone() : PythonTuples.expand(stride, 1);
        this.padding = PythonTuples.expand(padding, 1);
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
    }

    @Override
    public Tensor forward(Tensor input) { return F.avgPool1d(input, kernelSize, stride, padding, ceilMode, countIncludePad); }

    @Override
    public String extraRepr() {
        return "kernel_size=" + PythonTuples.tuple(kernelSize) + ", stride=" + PythonTuples.tuple(stride) + ", padding="
                + PythonTuples.tuple(padding);
    }
}
