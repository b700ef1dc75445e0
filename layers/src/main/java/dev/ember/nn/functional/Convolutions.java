package dev.ember.nn.functional;

import dev.ember.tensor.Tensor;
import java.util.Arrays;

/**
 * Convolutions over 1 to 3 spatial dims ({@code conv1d}, {@code conv2d}, {@code conv3d}),
 * transposed convolutions, and {@code unfold}/{@code fold} (im2col/col2im), with PyTorch's
 * argument rules and error messages. The work is {@link Tensor#convolution}: im2col and one
 * GEMM for the whole batch, differentiable to any order.
 *
 * <pre>{@code
 * Tensor y = Convolutions.convolution(2, x, weight, bias, new long[] {1}, new long[] {1}, new long[] {1}, 1);
 * Tensor same = Convolutions.convolution(2, x, weight, null, new long[] {1}, "same", new long[] {1}, 1);
 * }</pre>
 */
public final class Convolutions {
    private Convolutions() {}

    /**
     * {@code conv1d/2d/3d}: {@code input [N, C, *spatial]} or unbatched {@code [C, *spatial]},
     * {@code weight [Cout, C/groups, *kernel]}, optional {@code bias [Cout]}. Each of stride,
     * padding and dilation holds one value for every spatial dim or a single value for all.
     */
    public static Tensor convolution(int spatial, Tensor input, Tensor weight, Tensor bias, long[] stride, long[] padding,
                                     long[] dilation, long groups) {
        String name = "conv" + spatial + "d";
        boolean batched = checkInput(name, spatial, input);
        checkWeight(name, spatial, weight);
        long[] s = expand(name, "stride", stride, spatial);
        long[] p = expand(name, "padding", padding, spatial);
        long[] d = expand(name, "dilation", dilation, spatial);
        checkParameters(s, p, d, groups);
        Tensor x = batched ? input : input.unsqueeze(0);
        checkChannels(weight, x, groups, false);
        checkBias(weight, bias, weight.size(0));
        checkKernelFits(x, weight, p, d);
        Tensor out = Tensor.convolution(x, weight, bias, s, p, d, false, new long[spatial], groups);
        return batched ? out : out.squeeze(0);
    }

    /**
     * A convolution with {@code padding} {@code "valid"} (none) or {@code "same"} (the output
     * has the input's size; stride must be 1). An odd total padding puts the extra cell on the
     * right, as PyTorch does.
     */
    public static Tensor convolution(int spatial, Tensor input, Tensor weight, Tensor bias, long[] stride, String padding,
                                     long[] dilation, long groups) {
        String name = "conv" + spatial + "d";
        if ("valid".equals(padding)) return convolution(spatial, input, weight, bias, stride, new long[] {0}, dilation, groups);
        if (!"same".equals(padding)) throw new IllegalArgumentException("Invalid padding string: '" + padding + "'");
        long[] s = expand(name, "stride", stride, spatial);
        for (long value : s) {
            if (value != 1) throw new IllegalArgumentException("padding='same' is not supported for strided convolutions");
        }
        checkWeight(name, spatial, weight);
        long[] d = expand(name, "dilation", dilation, spatial);
        long[] left = new long[spatial];
        long[] extraRight = new long[2 * spatial];
        boolean asymmetric = false;
        for (int i = 0; i < spatial; i++) {
            long total = d[i] * (weight.size(2 + i) - 1);
            left[i] = total / 2;
            // Tensor.pad takes (left, right) pairs starting from the last dim
            extraRight[2 * (spatial - 1 - i) + 1] = total - 2 * left[i];
            asymmetric |= total % 2 != 0;
        }
        Tensor x = input;
        if (asymmetric) {
            checkInput(name, spatial, input);
            x = input.pad(extraRight);
        }
        return convolution(spatial, x, weight, bias, s, left, d, groups);
    }

    /**
     * {@code conv_transpose1d/2d/3d}: {@code weight [C, Cout/groups, *kernel]}; the output size
     * along each dim is {@code (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1}.
     */
    public static Tensor convTranspose(int spatial, Tensor input, Tensor weight, Tensor bias, long[] stride, long[] padding,
                                       long[] outputPadding, long groups, long[] dilation) {
        String name = "conv_transpose" + spatial + "d";
        boolean batched = checkInput(name, spatial, input);
        checkWeight(name, spatial, weight);
        long[] s = expand(name, "stride", stride, spatial);
        long[] p = expand(name, "padding", padding, spatial);
        long[] d = expand(name, "dilation", dilation, spatial);
        long[] op = expand(name, "output_padding", outputPadding, spatial);
        checkParameters(s, p, d, groups);
        for (int i = 0; i < spatial; i++) {
            if (op[i] < 0) throw new IllegalArgumentException("negative output_padding is not supported");
            if (op[i] >= s[i] && op[i] >= d[i]) {
                throw new IllegalArgumentException("output padding must be smaller than either stride or dilation, but got output_padding="
                        + Arrays.toString(op) + ", stride=" + Arrays.toString(s) + ", dilation=" + Arrays.toString(d));
            }
        }
        Tensor x = batched ? input : input.unsqueeze(0);
        checkChannels(weight, x, groups, true);
        checkBias(weight, bias, weight.size(1) * groups);
        for (int i = 0; i < spatial; i++) {
            long out = (x.size(2 + i) - 1) * s[i] - 2 * p[i] + d[i] * (weight.size(2 + i) - 1) + op[i] + 1;
            if (out < 1) {
                throw new IllegalArgumentException("Given input size per channel: " + sizeText(x, 2) + ", the calculated output "
                        + "size along dim " + (2 + i) + " is " + out + ", which is too small");
            }
        }
        Tensor out = Tensor.convolution(x, weight, bias, s, p, d, true, op, groups);
        return batched ? out : out.squeeze(0);
    }

    /**
     * {@code F.unfold} (im2col): {@code [N, C, H, W]} (or {@code [C, H, W]}) to
     * {@code [N, C * kh * kw, L]}, one column per sliding window.
     */
    public static Tensor unfold(Tensor input, long[] kernelSize, long[] dilation, long[] padding, long[] stride) {
        if (input.dim() != 3 && input.dim() != 4) {
            throw new IllegalArgumentException("Input Error: Only 3D or 4D input Tensors are supported (got " + input.dim() + "D)");
        }
        boolean batched = input.dim() == 4;
        Tensor x = batched ? input : input.unsqueeze(0);
        long[] k = expand("unfold", "kernel_size", kernelSize, 2);
        long[] d = expand("unfold", "dilation", dilation, 2);
        long[] p = expand("unfold", "padding", padding, 2);
        long[] s = expand("unfold", "stride", stride, 2);
        checkParameters(s, p, d, 1);
        for (int i = 0; i < 2; i++) {
            if (k[i] < 1) throw new IllegalArgumentException("kernel size should be greater than zero, but got kernel_size=" + Arrays.toString(k));
            if ((x.size(2 + i) + 2 * p[i] - d[i] * (k[i] - 1) - 1) / s[i] + 1 < 1
                    || x.size(2 + i) + 2 * p[i] < d[i] * (k[i] - 1) + 1) {
                throw new IllegalArgumentException("Given input with spatial size " + sizeText(x, 2) + ", kernel_size="
                        + Arrays.toString(k) + ", dilation=" + Arrays.toString(d) + ", padding=" + Arrays.toString(p)
                        + ", calculated shape of the array of sliding blocks is non-positive.");
            }
        }
        Tensor out = Tensor.im2col(x, k, d, p, s);
        return batched ? out : out.squeeze(0);
    }

    /** {@code F.fold} (col2im): sums {@code [N, C * kh * kw, L]} (or unbatched) into {@code [N, C, *outputSize]}. */
    public static Tensor fold(Tensor input, long[] outputSize, long[] kernelSize, long[] dilation, long[] padding, long[] stride) {
        if (input.dim() != 2 && input.dim() != 3) {
            throw new IllegalArgumentException("Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got "
                    + input.dim() + "D)");
        }
        boolean batched = input.dim() == 3;
        Tensor x = batched ? input : input.unsqueeze(0);
        long[] o = expand("fold", "output_size", outputSize, 2);
        long[] k = expand("fold", "kernel_size", kernelSize, 2);
        long[] d = expand("fold", "dilation", dilation, 2);
        long[] p = expand("fold", "padding", padding, 2);
        long[] s = expand("fold", "stride", stride, 2);
        checkParameters(s, p, d, 1);
        Tensor out = Tensor.col2im(x, o, k, d, p, s);
        return batched ? out : out.squeeze(0);
    }

    // ---------------------------------------------------------------- checks, in PyTorch's words

    /** True for a batched input; throws unless the rank fits. */
    private static boolean checkInput(String name, int spatial, Tensor input) {
        if (input.dim() == spatial + 2) return true;
        if (input.dim() == spatial + 1) return false;
        throw new IllegalArgumentException("Expected " + (spatial + 1) + "D (unbatched) or " + (spatial + 2)
                + "D (batched) input to " + name + ", but got input of size: " + shapeText(input.shape()));
    }

    private static void checkWeight(String name, int spatial, Tensor weight) {
        if (weight.dim() != spatial + 2) {
            throw new IllegalArgumentException("Expected " + (spatial + 2) + "-dimensional weight for " + (spatial + 2)
                    + "-dimensional input to " + name + ", but got " + weight.dim() + "-dimensional weight of size "
                    + shapeText(weight.shape()));
        }
    }

    private static void checkParameters(long[] stride, long[] padding, long[] dilation, long groups) {
        for (long s : stride) if (s < 1) throw new IllegalArgumentException("non-positive stride is not supported");
        for (long p : padding) if (p < 0) throw new IllegalArgumentException("negative padding is not supported");
        for (long d : dilation) if (d < 1) throw new IllegalArgumentException("dilation should be greater than zero");
        if (groups < 1) throw new IllegalArgumentException("non-positive groups is not supported");
    }

    private static void checkChannels(Tensor weight, Tensor x, long groups, boolean transposed) {
        long expected = transposed ? weight.size(0) : weight.size(1) * groups;
        if (weight.size(0) % groups != 0) {
            throw new IllegalArgumentException("Given groups=" + groups + ", expected weight to be divisible by " + groups
                    + " at dimension 0, but got weight of size " + shapeText(weight.shape()) + " instead");
        }
        if (x.size(1) != expected) {
            throw new IllegalArgumentException("Given " + (transposed ? "transposed=1, " : "groups=" + groups + ", ") + "weight of size "
                    + shapeText(weight.shape()) + ", expected input" + shapeText(x.shape()) + " to have " + expected
                    + " channels, but got " + x.size(1) + " channels instead");
        }
    }

    private static void checkBias(Tensor weight, Tensor bias, long outChannels) {
        if (bias != null && (bias.dim() != 1 || bias.size(0) != outChannels)) {
            throw new IllegalArgumentException("Given weight of size " + shapeText(weight.shape()) + ", expected bias to be "
                    + "1-dimensional with " + outChannels + " elements, but got bias of size " + shapeText(bias.shape()) + " instead");
        }
    }

    private static void checkKernelFits(Tensor x, Tensor weight, long[] padding, long[] dilation) {
        int spatial = padding.length;
        boolean fits = true;
        StringBuilder padded = new StringBuilder("(");
        StringBuilder kernel = new StringBuilder("(");
        for (int i = 0; i < spatial; i++) {
            long size = x.size(2 + i) + 2 * padding[i];
            long extent = dilation[i] * (weight.size(2 + i) - 1) + 1;
            fits &= size >= extent;
            padded.append(i == 0 ? "" : " x ").append(size);
            kernel.append(i == 0 ? "" : " x ").append(extent);
        }
        if (!fits) {
            throw new IllegalArgumentException("Calculated padded input size per channel: " + padded + "). Kernel size: " + kernel
                    + "). Kernel size can't be greater than actual input size");
        }
    }

    /** One value per dim: a single value is repeated, as PyTorch's {@code _pair}/{@code _triple} do. */
    static long[] expand(String name, String what, long[] values, int spatial) {
        if (values == null || (values.length != 1 && values.length != spatial)) {
            throw new IllegalArgumentException("expected " + what + " to be a single integer value or a list of " + spatial
                    + " values to match the " + name + " dimensions, but got " + what + "=" + (values == null ? "null" : shapeText(values)));
        }
        if (values.length == spatial) return values.clone();
        long[] out = new long[spatial];
        Arrays.fill(out, values[0]);
        return out;
    }

    static String shapeText(long[] shape) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) text.append(i == 0 ? "" : ", ").append(shape[i]);
        return text.append(']').toString();
    }

    private static String sizeText(Tensor x, int from) {
        StringBuilder text = new StringBuilder("(");
        for (int i = from; i < x.dim(); i++) text.append(i == from ? "" : " x ").append(x.size(i));
        return text.append(')').toString();
    }
}
