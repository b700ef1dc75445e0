package dev.ember.nn;

import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;

/**
 * A 2-D convolution over [N, C, H, W] (or unbatched) inputs, like {@code torch.nn.Conv2d}: weight
 * {@code [out, in/groups, kh, kw]}, optional bias, PyTorch's default initialisation.
 *
 * <pre>{@code
 * new Conv2d(1, 32, 3).call(Tensor.randn(64, 1, 28, 28));   // [64, 32, 26, 26]
 * }</pre>
 */
public class Conv2d extends ConvNd {

    public Conv2d(long inChannels, long outChannels, long kernelSize) {
        this(inChannels, outChannels, new long[] {kernelSize}, new long[] {1}, new long[] {0}, new long[] {1}, 1, true);
    }

    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride) {
        this(inChannels, outChannels, new long[] {kernelSize}, new long[] {stride}, new long[] {0}, new long[] {1}, 1, true);
    }

    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride, long padding) {
        this(inChannels, outChannels, new long[] {kernelSize}, new long[] {stride}, new long[] {padding}, new long[] {1}, 1, true);
    }

    /** Every option; each array holds one value per spatial dim or one for all. */
    public Conv2d(long inChannels, long outChannels, long[] kernelSize, long[] stride, long[] padding, long[] dilation,
                  long groups, boolean bias) {
        super(2, inChannels, outChannels, kernelSize, stride, padding, null, dilation, false, new long[] {0}, groups, bias);
    }

    /** With {@code padding} {@code "same"} or {@code "valid"}. */
    public Conv2d(long inChannels, long outChannels, long[] kernelSize, long[] stride, String padding, long[] dilation,
                  long groups, boolean bias) {
        super(2, inChannels, outChannels, kernelSize, stride, null, padding, dilation, false, new long[] {0}, groups, bias);
    }

    @Override
    public Tensor forward(Tensor input) {
        if (paddingString != null) return F.conv2d(input, weight, bias, stride, paddingString, dilation, groups);
        return F.conv2d(input, weight, bias, stride, padding, dilation, groups);
    }
}
