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
public class MaxPool1d extends MaxPoolNd {
    public MaxPool1d(long kernelSize) { this(new long[] {kernelSize}, null, new long[] {0}, new long[] {1}, false); }

    public MaxPool1d(long kernelSize, long stride) { this(new long[] {kernelSize}, new long[] {stride}, new long[] {0}, new long[] {1}, false); }

    /** Every option; a null {@code stride} means the kernel size. */
    public MaxPool1d(long[] kernelSize, long[] stride, long[] padding, long[] dilation, boolean ceilMode) {
        super(kernelSize, stride, padding, dilation, ceilMode);
    }

    @Override
    public Tensor forward(Tensor input) { return F.maxPool1d(input, kernelSize, stride, padding, dilation, ceilMode); }
}
