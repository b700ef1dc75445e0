package dev.ember.nn.functional;

import dev.ember.tensor.Tensor;

/**
 * {@code F.interpolate}: resizing the spatial dims of {@code [N, C, *spatial]} by nearest
 * neighbour or (bi/tri)linear interpolation, with PyTorch's source-index rules. Both work one
 * dim at a time with {@code indexSelect} (linear blends two selections), so they are
 * differentiable to any order and cost one pass over the output per dim.
 *
 * <pre>{@code
 * Tensor up = Upsampling.interpolate(x, null, new double[] {2}, "bilinear", false);   // [N, C, 2H, 2W]
 * }</pre>
 */
public final class Upsampling {
    private Upsampling() {}

    /**
     * Resizes to {@code size} (one value per spatial dim, or one for all) or by {@code scaleFactor}
     * (exactly one of them non-null). {@code mode} is {@code "nearest"}, {@code "linear"} (3-D input),
     * {@code "bilinear"} (4-D) or {@code "trilinear"} (5-D); {@code alignCorners} (null for the
     * default, false) applies to the linear modes only.
     */
    public static Tensor interpolate(Tensor input, long[] size, double[] scaleFactor, String mode, Boolean alignCorners) {
        int spatial = input.dim() - 2;
        boolean linear = switch (mode) {
            case "nearest" -> false;
            case "linear", "bilinear", "trilinear" -> true;
            default -> throw new IllegalArgumentException("Input Error: unsupported interpolation mode '" + mode
                    + "' (supported: nearest, linear, bilinear, trilinear)");
        };
        if (spatial < 1 || spatial > 3) {
            throw new IllegalArgumentException("Input Error: Only 3D, 4D and 5D input Tensors supported (got " + input.dim()
                    + "D) for the modes: nearest | linear | bilinear | trilinear (got " + mode + ")");
        }
        int expectedDims = switch (mode) {
            case "linear" -> 3;
            case "bilinear" -> 4;
            case "trilinear" -> 5;
            default -> input.dim();
        };
        if (input.dim() != expectedDims) {
            throw new IllegalArgumentException("Got " + input.dim() + "D input, but " + mode + " mode needs " + expectedDims + "D input");
        }
        if (!linear && alignCorners != null) {
            throw new IllegalArgumentException("align_corners option can only be set with the interpolating modes: "
                    + "linear | bilinear | bicubic | trilinear");
        }
        if ((size == null) == (scaleFactor == null)) {
            throw new IllegalArgumentException("either size or scale_factor should be defined, but not both");
        }
        if (!input.isFloatingPoint()) {
            throw new IllegalArgumentException("interpolate: expected a floating point input, but got " + input.dtype());
        }
        boolean corners = alignCorners != null && alignCorners;
        long[] outSize = new long[spatial];
        double[] scales = new double[spatial];
        if (size != null) {
            long[] expanded = expand("size", size, spatial);
            for (int i = 0; i < spatial; i++) {
                outSize[i] = expanded[i];
                scales[i] = Double.NaN;
            }
        } else {
            if (scaleFactor.length != 1 && scaleFactor.length != spatial) {
                throw new IllegalArgumentException("Input and scale_factor must have the same number of spatial dimensions, but got "
                        + "input with spatial dimensions of " + spatial + " and scale_factor of length " + scaleFactor.length + ".");
            }
            for (int i = 0; i < spatial; i++) {
                scales[i] = scaleFactor[scaleFactor.length == 1 ? 0 : i];
                outSize[i] = (long) Math.floor(input.size(2 + i) * scales[i]);
            }
        }
        Tensor out = input;
        for (int i = 0; i < spatial; i++) {
            if (outSize[i] < 1) {
                throw new IllegalArgumentException("Input and output sizes should be greater than 0, but got input (" + input.size(2 + i)
                        + ") and output (" + outSize[i] + ") along spatial dim " + i);
            }
            long in = input.size(2 + i);
            // PyTorch uses 1/scale_factor when given (recompute_scale_factor unset), else in/out
            double scale = Double.isNaN(scales[i]) ? (double) in / outSize[i] : 1.0 / scales[i];
            out = linear ? linearAlong(out, 2 + i, in, outSize[i], scale, corners) : nearestAlong(out, 2 + i, in, outSize[i], scale);
        }
        return out;
    }

    private static Tensor nearestAlong(Tensor x, int dim, long in, long out, double scale) {
        if (in == out) return x;
        long[] source = new long[(int) out];
        for (int o = 0; o < out; o++) source[o] = Math.min((long) Math.floor(o * (float) scale), in - 1);
        return x.indexSelect(dim, Tensor.of(source, out));
    }

    private static Tensor linearAlong(Tensor x, int dim, long in, long out, double scale, boolean alignCorners) {
        if (in == out) return x;
        long[] low = new long[(int) out];
        long[] high = new long[(int) out];
        double[] weight = new double[(int) out];
        for (int o = 0; o < out; o++) {
            double source;
            if (alignCorners) {
                source = out > 1 ? o * (double) (in - 1) / (out - 1) : 0;
            } else {
                source = Math.max(0, (o + 0.5) * scale - 0.5);
            }
            long l = Math.min((long) source, in - 1);
            low[o] = l;
            high[o] = l < in - 1 ? l + 1 : l;
            weight[o] = source - l;
        }
        long[] weightShape = new long[x.dim() - dim];
        java.util.Arrays.fill(weightShape, 1);
        weightShape[0] = out;
        Tensor highWeight = Tensor.of(weight, weightShape).to(x.dtype());
        Tensor a = x.indexSelect(dim, Tensor.of(low, out));
        Tensor b = x.indexSelect(dim, Tensor.of(high, out));
        return a.add(b.sub(a).mul(highWeight));
    }

    private static long[] expand(String what, long[] values, int spatial) {
        if (values.length != 1 && values.length != spatial) {
            throw new IllegalArgumentException("Input and " + what + " must have the same number of spatial dimensions, but got "
                    + "input with spatial dimensions of " + spatial + " and output size of " + java.util.Arrays.toString(values)
                    + ". Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.");
        }
        long[] out = new long[spatial];
        for (int i = 0; i < spatial; i++) out[i] = values[values.length == 1 ? 0 : i];
        return out;
    }
}
