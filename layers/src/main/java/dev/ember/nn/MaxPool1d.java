package dev.ember.nn;

import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;

/**
 * 1-D max pooling, like {@code torch.nn.MaxPool1d}; the stride defaults to the kernel size.
 *
 * <pre>{@code
 * new MaxPool1d(2).call(Tensor.randn(4, 8, 10));   // [4, 8, 5]
 * }</pre>
 */
public class MaxPool1d extends Module {
    public final long[] kernelSize;
    public final long[] stride;
    public final long[] padding;
    public final long[] dilation;
    public final boolean ceilMode;

    public MaxPool1d(long kernelSize) { this(new long[] {kernelSize}, null, new long[] {0}, new long[] {1}, false); }

    public MaxPool1d(long kernelSize, long stride) { this(new long[] {kernelSize}, new long[] {stride}, new long[] {0}, new long[] {1}, false); }

    /** Every option; a null {@code stride} means the kernel size. */
    public MaxPool1d(long[] kernelSize, long[] stride, long[] padding, long[] dilation, boolean ceilMode) {
        this.kernelSize = kernelSize.clone();
        this.stride = stride == null || stride.length == 0 ? kernelSize.clone() : stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.ceilMode = ceilMode;
    }

    @Override
    public Tensor forward(Tensor input) { return F.maxPool1d(input, kernelSize, stride, padding, dilation, ceilMode); }

    @Override
    public String extraRepr() {
        return "kernel_size=" + PythonTuples.intOrTuple(kernelSize) + ", stride=" + PythonTuples.intOrTuple(stride) + ", padding="
                + PythonTuples.intOrTuple(padding) + ", dilation=" + PythonTuples.intOrTuple(dilation) + ", ceil_mode="
                + pythonBoolean(ceilMode);
    }
}
