package dev.ember.nn;

import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;

/**
 * A transposed 2-D convolution (the gradient of a convolution with respect to its input), like
 * {@code torch.nn.ConvTranspose2d}: weight {@code [in, out/groups, kh, kw]}, output size
 * {@code (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1}.
 *
 * <pre>{@code
 * new ConvTranspose2d(16, 8, 3, 2).call(Tensor.randn(1, 16, 12, 12));   // [1, 8, 25, 25]
 * }</pre>
 */
public class ConvTranspose2d extends ConvNd {

    public ConvTranspose2d(long inChannels, long outChannels, long kernelSize) {
        this(inChannels, outChannels, new long[] {kernelSize}, new long[] {1}, new long[] {0}, new long[] {0}, 1, true, new long[] {1});
    }

    public ConvTranspose2d(long inChannels, long outChannels, long kernelSize, long stride) {
        this(inChannels, outChannels, new long[] {kernelSize}, new long[] {stride}, new long[] {0}, new long[] {0}, 1, true,
                new long[] {1});
    }

    /** Every option, in PyTorch's order (groups and bias before dilation). */
    public ConvTranspose2d(long inChannels, long outChannels, long[] kernelSize, long[] stride, long[] padding,
                           long[] outputPadding, long groups, boolean bias, long[] dilation) {
        super(2, inChannels, outChannels, kernelSize, stride, padding, null, dilation, true, outputPadding, groups, bias);
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.convTranspose2d(input, weight, bias, stride, padding, outputPadding, groups, dilation);
    }
}
