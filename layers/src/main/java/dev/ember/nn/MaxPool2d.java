package dev.ember.nn;

import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;

/**
 * 2-D max pooling, like {@code torch.nn.MaxPool2d}; the stride defaults to the kernel size.
 *
 * <pre>{@code
 * new MaxPool2d(2).call(Tensor.randn(64, 32, 26, 26));   // [64, 32, 13, 13]
 * }</pre>
 */
public class MaxPool2d extends MaxPoolNd {
    public MaxPool2d(long kernelSize) { this(new long[] {kernelSize}, null, new long[] {0}, new long[] {1}, false); }

    public MaxPool2d(long kernelSize, long stride) { this(new long[] {kernelSize}, new long[] {stride}, new long[] {0}, new long[] {1}, false); }

    /** Every option; a null {@code stride} means the kernel size. */
    public MaxPool2d(long[] kernelSize, long[] stride, long[] padding, long[] dilation, boolean ceilMode) {
        super(kernelSize, stride, padding, dilation, ceilMode);
    }

    @Override
    public Tensor forward(Tensor input) { return F.maxPool2d(input, kernelSize, stride, padding, dilation, ceilMode); }
}
