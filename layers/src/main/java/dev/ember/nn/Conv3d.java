package dev.ember.nn;

import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;

/**
 * A 3-D convolution over [N, C, D, H, W] (or unbatched) inputs, like {@code torch.nn.Conv3d}: weight
 * {@code [out, in/groups, kd, kh, kw]}, optional bias, PyTorch's default initialisation.
 *
 * <pre>{@code
 * new Conv3d(1, 4, 3).call(Tensor.randn(2, 1, 8, 8, 8));   // [2, 4, 6, 6, 6]
 * }</pre>
 */
public class Conv3d extends ConvNd {

    public Conv3d(long inChannels, long outChannels, long kernelSize) {
        this(inChannels, outChannels, new long[] {kernelSize}, new long[] {1}, new long[] {0}, new long[] {1}, 1, true);
    }

    public Conv3d(long inChannels, long outChannels, long kernelSize, long stride) {
        this(inChannels, outChannels, new long[] {kernelSize}, new long[] {stride}, new long[] {0}, new long[] {1}, 1, true);
    }

    public Conv3d(long inChannels, long outChannels, long kernelSize, long stride, long padding) {
        this(inChannels, outChannels, new long[] {kernelSize}, new long[] {stride}, new long[] {padding}, new long[] {1}, 1, true);
    }

    /** Every option; each array holds one value per spatial dim or one for all. */
    public Conv3d(long inChannels, long outChannels, long[] kernelSize, long[] stride, long[] padding, long[] dilation,
                  long groups, boolean bias) {
        super(3, inChannels, outChannels, kernelSize, stride, padding, null, dilation, false, new long[] {0}, groups, bias);
    }

    /** With {@code padding} {@code "same"} or {@code "valid"}. */
    public Conv3d(long inChannels, long outChannels, long[] kernelSize, long[] stride, String padding, long[] dilation,
                  long groups, boolean bias) {
        super(3, inChannels, outChannels, kernelSize, stride, null, padding, dilation, false, new long[] {0}, groups, bias);
    }

    @Override
    public Tensor forward(Tensor input) {
        if (paddingString != null) return F.conv3d(input, weight, bias, stride, paddingString, dilation, groups);
        return F.conv3d(input, weight, bias, stride, padding, dilation, groups);
    }
}
