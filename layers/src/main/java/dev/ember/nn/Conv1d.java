package dev.ember.nn;

import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;

/**
 * A 1-D convolution over [N, C, L] (or unbatched) inputs, like {@code torch.nn.Conv1d}: weight
 * {@code [out, in/groups, k]}, optional bias, PyTorch's default initialisation.
 *
 * <pre>{@code
 * new Conv1d(16, 33, 3).call(Tensor.randn(20, 16, 50));   // [20, 33, 48]
 * }</pre>
 */
public class Conv1d extends ConvNd {

    public Conv1d(long inChannels, long outChannels, long kernelSize) {
        this(inChannels, outChannels, new long[] {kernelSize}, new long[] {1}, new long[] {0}, new long[] {1}, 1, true);
    }

    public Conv1d(long inChannels, long outChannels, long kernelSize, long stride) {
        this(inChannels, outChannels, new long[] {kernelSize}, new long[] {stride}, new long[] {0}, new long[] {1}, 1, true);
    }

    public Conv1d(long inChannels, long outChannels, long kernelSize, long stride, long padding) {
        this(inChannels, outChannels, new long[] {kernelSize}, new long[] {stride}, new long[] {padding}, new long[] {1}, 1, true);
    }

    /** Every option; each array holds one value per spatial dim or one for all. */
    public Conv1d(long inChannels, long outChannels, long[] kernelSize, long[] stride, long[] padding, long[] dilation,
                  long groups, boolean bias) {
        super(1, inChannels, outChannels, kernelSize, stride, padding, null, dilation, false, new long[] {0}, groups, bias);
    }

    /** With {@code padding} {@code "same"} or {@code "valid"}. */
    public Conv1d(long inChannels, long outChannels, long[] kernelSize, long[] stride, String padding, long[] dilation,
                  long groups, boolean bias) {
        super(1, inChannels, outChannels, kernelSize, stride, null, padding, dilation, false, new long[] {0}, groups, bias);
    }

    @Override
    public Tensor forward(Tensor input) {
        if (paddingString != null) return F.conv1d(input, weight, bias, stride, paddingString, dilation, groups);
        return F.conv1d(input, weight, bias, stride, padding, dilation, groups);
    }
}
