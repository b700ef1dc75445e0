package dev.ember.nn;

import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;

/**
 * 2-D average pooling, like {@code torch.nn.AvgPool2d}; the stride defaults to the kernel size.
 *
 * <pre>{@code
 * new AvgPool2d(2).call(Tensor.randn(1, 3, 8, 8));   // [1, 3, 4, 4]
 * }</pre>
 */
public class AvgPool2d extends Module {
    public final long[] kernelSize;
    public final long[] stride;
    public final long[] padding;
    public final boolean ceilMode;
    public final boolean countIncludePad;
    /** Replaces every window's divisor when not null. */
    public final Long divisorOverride;

    public AvgPool2d(long kernelSize) { this(new long[] {kernelSize}, null, new long[] {0}, false, true, null); }

    public AvgPool2d(long kernelSize, long stride) { this(new long[] {kernelSize}, new long[] {stride}, new long[] {0}, false, true, null); }

    /** Every option; a null {@code stride} means the kernel size. */
    public AvgPool2d(long[] kernelSize, long[] stride, long[] padding, boolean ceilMode, boolean countIncludePad,
                     Long divisorOverride) {
        this.kernelSize = kernelSize.clone();
        this.stride = stride == null || stride.length == 0 ? kernelSize.clone() : stride.clone();
        this.padding = padding.clone();
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
        this.divisorOverride = divisorOverride;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.avgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
    }

    @Override
    public String extraRepr() {
        return "kernel_size=" + PythonTuples.intOrTuple(kernelSize) + ", stride=" + PythonTuples.intOrTuple(stride) + ", padding="
                + PythonTuples.intOrTuple(padding);
    }
}
