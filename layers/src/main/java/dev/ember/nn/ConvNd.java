package dev.ember.nn;

import dev.ember.nn.init.Init;
import dev.ember.tensor.Tensor;
import java.util.Arrays;

/**
 * What every convolution layer shares, like PyTorch's {@code _ConvNd}: the sizes, the weight
 * ({@code [out, in/groups, *kernel]}, or {@code [in, out/groups, *kernel]} when transposed),
 * an optional bias, PyTorch's default initialisation and its repr.
 *
 * <pre>{@code
 * ConvNd conv = new Conv2d(1, 32, 3);
 * conv.weight.shape();   // [32, 1, 3, 3]
 * }</pre>
 */
public abstract class ConvNd extends Module {
    public final long inChannels;
    public final long outChannels;
    public final long[] kernelSize;
    public final long[] stride;
    /** One value per spatial dim; all zero when {@link #paddingString} is set. */
    public final long[] padding;
    /** {@code "same"} or {@code "valid"} when the padding was given as a string, else null. */
    public final String paddingString;
    public final long[] dilation;
    public final boolean transposed;
    public final long[] outputPadding;
    public final long groups;
    public Parameter weight;
    /** {@code [outChannels]}, or null without bias. */
    public Parameter bias;

    protected ConvNd(int spatial, long inChannels, long outChannels, long[] kernelSize, long[] stride, long[] padding,
                     String paddingString, long[] dilation, boolean transposed, long[] outputPadding, long groups, boolean bias) {
        if (groups <= 0) throw new IllegalArgumentException("groups must be a positive integer");
        if (inChannels % groups != 0) throw new IllegalArgumentException("in_channels must be divisible by groups");
        if (outChannels % groups != 0) throw new IllegalArgumentException("out_channels must be divisible by groups");
        this.kernelSize = sizes("kernel_size", kernelSize, spatial);
        this.stride = sizes("stride", stride, spatial);
        this.dilation = sizes("dilation", dilation, spatial);
        this.outputPadding = sizes("output_padding", outputPadding, spatial);
        if (paddingString != null) {
            if (!paddingString.equals("same") && !paddingString.equals("valid")) {
                throw new IllegalArgumentException("Invalid padding string '" + paddingString + "', should be one of {'valid', 'same'}");
            }
            if (paddingString.equals("same")) {
                for (long s : this.stride) {
                    if (s != 1) throw new IllegalArgumentException("padding='same' is not supported for strided convolutions");
                }
            }
            this.padding = new long[spatial];
        } else {
            this.padding = sizes("padding", padding, spatial);
        }
        this.paddingString = paddingString;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.transposed = transposed;
        this.groups = groups;
        long[] weightShape = new long[2 + spatial];
        weightShape[0] = transposed ? inChannels : outChannels;
        weightShape[1] = transposed ? outChannels / groups : inChannels / groups;
        System.arraycopy(this.kernelSize, 0, weightShape, 2, spatial);
        this.weight = new Parameter(Tensor.empty(weightShape));
        this.bias = bias ? new Parameter(Tensor.empty(outChannels)) : null;
        resetParameters();
    }

    /**
     * PyTorch's initialisation: kaiming-uniform with {@code a = sqrt(5)} for the weight (which is
     * {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}, fanIn = weight.size(1) * kernel volume) and the same bound for the bias.
     */
    public void resetParameters() {
        Init.kaimingUniform_(weight, Math.sqrt(5));
        if (bias != null) {
            long fanIn = Init.calculateFanInAndFanOut(weight).fanIn();
            double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
            Init.uniform_(bias, -bound, bound);
        }
    }

    @Override
    public String extraRepr() {
        StringBuilder text = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(PythonTuples.tuple(kernelSize))
                .append(", stride=").append(PythonTuples.tuple(stride));
        if (paddingString != null) text.append(", padding=").append(paddingString);
        else if (Arrays.stream(padding).anyMatch(p -> p != 0)) text.append(", padding=").append(PythonTuples.tuple(padding));
        if (Arrays.stream(dilation).anyMatch(d -> d != 1)) text.append(", dilation=").append(PythonTuples.tuple(dilation));
        if (Arrays.stream(outputPadding).anyMatch(p -> p != 0)) {
            text.append(", output_padding=").append(PythonTuples.tuple(outputPadding));
        }
        if (groups != 1) text.append(", groups=").append(groups);
        if (bias == null) text.append(", bias=False");
        return text.toString();
    }

    private static long[] sizes(String name, long[] values, int spatial) {
        if (values == null || (values.length != 1 && values.length != spatial)) {
            throw new IllegalArgumentException(name + " must be a single value or " + spatial + " values, but got "
                    + (values == null ? "null" : Arrays.toString(values)));
        }
        return PythonTuples.expand(values, spatial);
    }
}
