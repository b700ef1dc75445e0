package dev.ember.nn.functional;

import dev.ember.tensor.MaxPooling;
import dev.ember.tensor.Tensor;
import java.util.Arrays;

/**
 * Max, average and adaptive pooling over 1 or 2 spatial dims, with PyTorch's argument rules
 * (stride defaults to the kernel size, padding at most half the kernel, ceil mode whose last
 * window must start inside the input or its left padding) and error messages.
 *
 * <p>Max pooling is a backend kernel that also returns the argmax positions (its gradient is a
 * scatter-add there). Average pooling sums im2col windows and divides by each window's count,
 * so its gradient is col2im. Adaptive pooling uses the regular kernels when the sizes divide
 * evenly, else separable averaging matrices (average) or a gather of each window (max).
 *
 * <pre>{@code
 * Tensor pooled = Pooling.maxPool(2, x, new long[] {2}, null, new long[] {0}, new long[] {1}, false);
 * }</pre>
 */
public final class Pooling {
    private Pooling() {}

    /** Max pooling; a null or empty {@code stride} means the kernel size. */
    public static Tensor maxPool(int spatial, Tensor input, long[] kernelSize, long[] stride, long[] padding, long[] dilation,
                                 boolean ceilMode) {
        return maxPoolWithIndices(spatial, input, kernelSize, stride, padding, dilation, ceilMode).values();
    }

    /** Max pooling with the flat position of each maximum in its input plane ({@code return_indices=True}). */
    public static MaxPooling.Result maxPoolWithIndices(int spatial, Tensor input, long[] kernelSize, long[] stride, long[] padding,
                                                       long[] dilation, boolean ceilMode) {
        String name = "max_pool" + spatial + "d";
        boolean batched = checkInput(name, spatial, input);
        long[] k = Convolutions.expand(name, "kernel_size", kernelSize, spatial);
        long[] s = stride == null || stride.length == 0 ? k : Convolutions.expand(name, "stride", stride, spatial);
        long[] p = Convolutions.expand(name, "padding", padding, spatial);
        long[] d = Convolutions.expand(name, "dilation", dilation, spatial);
        Tensor x = batched ? input : input.unsqueeze(0);
        checkWindow(name, x, k, s, p, d, ceilMode);
        MaxPooling.Result result = Tensor.maxPoolWithIndices(x, k, s, p, d, ceilMode);
        return batched ? result : new MaxPooling.Result(result.values().squeeze(0), result.indices().squeeze(0));
    }

    /**
     * Average pooling; {@code countIncludePad} counts padding cells in each divisor, and
     * {@code divisorOverride} (when not null) replaces every divisor.
     */
    public static Tensor avgPool(int spatial, Tensor input, long[] kernelSize, long[] stride, long[] padding, boolean ceilMode,
                                 boolean countIncludePad, Long divisorOverride) {
        String name = "avg_pool" + spatial + "d";
        boolean batched = checkInput(name, spatial, input);
        long[] k = Convolutions.expand(name, "kernel_size", kernelSize, spatial);
        long[] s = stride == null || stride.length == 0 ? k : Convolutions.expand(name, "stride", stride, spatial);
        long[] p = Convolutions.expand(name, "padding", padding, spatial);
        long[] one = new long[spatial];
        Arrays.fill(one, 1);
        if (divisorOverride != null && divisorOverride == 0) throw new IllegalArgumentException("divisor must be not zero");
        Tensor x = batched ? input : input.unsqueeze(0);
        long[] outSize = checkWindow(name, x, k, s, p, one, ceilMode);
        long n = x.size(0);
        long channels = x.size(1);
        long[] planeShape = new long[2 + spatial];
        planeShape[0] = n * channels;
        planeShape[1] = 1;
        long[] extraRight = new long[2 * spatial];
        boolean extra = false;
        double[][] divisors = new double[spatial][];
        for (int i = 0; i < spatial; i++) {
            long in = x.size(2 + i);
            planeShape[2 + i] = in;
            // ceil mode can add a last window reaching past the padded input: pad it with zeros explicitly
            long reach = (outSize[i] - 1) * s[i] + k[i] - (in + 2 * p[i]);
            if (reach > 0) {
                extraRight[2 * (spatial - 1 - i) + 1] = reach;
                extra = true;
            }
            divisors[i] = new double[(int) outSize[i]];
            for (int o = 0; o < outSize[i]; o++) {
                long start = o * s[i] - p[i];
                long end = Math.min(start + k[i], in + p[i]);
                long withPad = end - start;
                long inside = Math.min(end, in) - Math.max(start, 0);
                divisors[i][o] = countIncludePad ? withPad : inside;
            }
        }
        Tensor planes = x.reshape(planeShape);
        if (extra) planes = planes.pad(extraRight);
        Tensor sums = Tensor.im2col(planes, k, one, p, s).sum(1);
        Tensor divisor = divisorOverride != null ? null : divisorTensor(divisors, x);
        Tensor averaged = divisor == null ? sums.div(divisorOverride.doubleValue()) : sums.div(divisor);
        long[] outShape = new long[2 + spatial];
        outShape[0] = n;
        outShape[1] = channels;
        System.arraycopy(outSize, 0, outShape, 2, spatial);
        Tensor out = averaged.reshape(outShape);
        return batched ? out : out.squeeze(0);
    }

    /** The per-window divisors as one flat tensor over the windows (an outer product of the per-dim counts). */
    private static Tensor divisorTensor(double[][] divisors, Tensor like) {
        int total = 1;
        for (double[] d : divisors) total *= d.length;
        double[] flat = new double[total];
        for (int index = 0; index < total; index++) {
            double value = 1;
            int rest = index;
            for (int i = divisors.length - 1; i >= 0; i--) {
                value *= divisors[i][rest % divisors[i].length];
                rest /= divisors[i].length;
            }
            flat[index] = value;
        }
        return Tensor.of(flat, total).to(like.dtype());
    }

    /** {@code adaptive_avg_pool2d}: each output cell averages rows {@code [floor(i*H/oh), ceil((i+1)*H/oh))}, likewise columns. */
    public static Tensor adaptiveAvgPool2d(Tensor input, long[] outputSize) {
        String name = "adaptive_avg_pool2d";
        if (input.dim() != 3 && input.dim() != 4) {
            throw new IllegalArgumentException(name + "(): Expected 3D or 4D tensor, but got " + Convolutions.shapeText(input.shape()));
        }
        long[] o = adaptiveSize(name, input, outputSize);
        long height = input.size(-2);
        long width = input.size(-1);
        if (o[0] == 1 && o[1] == 1) return input.mean(new int[] {-2, -1}, true);
        if (height % o[0] == 0 && width % o[1] == 0) {
            long[] k = {height / o[0], width / o[1]};
            return avgPool(2, input, k, k, new long[] {0}, false, true, null);
        }
        Tensor rows = averagingMatrix(height, o[0], input);
        Tensor columns = averagingMatrix(width, o[1], input);
        return rows.matmul(input).matmul(columns.t());
    }

    /** {@code adaptive_max_pool2d}: the maximum of each adaptive window (see {@link #adaptiveAvgPool2d}). */
    public static Tensor adaptiveMaxPool2d(Tensor input, long[] outputSize) {
        return adaptiveMaxPool2dWithIndices(input, outputSize).values();
    }

    public static MaxPooling.Result adaptiveMaxPool2dWithIndices(Tensor input, long[] outputSize) {
        String name = "adaptive_max_pool2d";
        if (input.dim() != 3 && input.dim() != 4) {
            throw new IllegalArgumentException(name + "(): Expected 3D or 4D tensor, but got " + Convolutions.shapeText(input.shape()));
        }
        long[] o = adaptiveSize(name, input, outputSize);
        boolean batched = input.dim() == 4;
        Tensor x = batched ? input : input.unsqueeze(0);
        long height = x.size(2);
        long width = x.size(3);
        MaxPooling.Result result;
        if (height % o[0] == 0 && width % o[1] == 0) {
            long[] k = {height / o[0], width / o[1]};
            result = Tensor.maxPoolWithIndices(x, k, k, new long[] {0, 0}, new long[] {1, 1}, false);
        } else {
            result = adaptiveMaxByGather(x, o);
        }
        return batched ? result : new MaxPooling.Result(result.values().squeeze(0), result.indices().squeeze(0));
    }

    /**
     * Uneven adaptive windows: every window's cells are gathered (short windows repeat their
     * first cell, which cannot change a maximum), the first maximum is found, and its position
     * in the plane is gathered from the input, so the gradient flows like max pooling's.
     */
    private static MaxPooling.Result adaptiveMaxByGather(Tensor x, long[] o) {
        long height = x.size(2);
        long width = x.size(3);
        long[] rowStart = new long[(int) o[0]];
        long[] rowLength = new long[(int) o[0]];
        long[] colStart = new long[(int) o[1]];
        long[] colLength = new long[(int) o[1]];
        long maxRows = windows(height, o[0], rowStart, rowLength);
        long maxCols = windows(width, o[1], colStart, colLength);
        long cells = maxRows * maxCols;
        long windowCount = o[0] * o[1];
        long[] table = new long[(int) (windowCount * cells)];
        int at = 0;
        for (int i = 0; i < o[0]; i++) {
            for (int j = 0; j < o[1]; j++) {
                for (long r = 0; r < maxRows; r++) {
                    for (long c = 0; c < maxCols; c++) {
                        long row = rowStart[i] + (r < rowLength[i] ? r : 0);
                        long col = colStart[j] + (c < colLength[j] ? c : 0);
                        table[at++] = row * width + col;
                    }
                }
            }
        }
        long n = x.size(0);
        long channels = x.size(1);
        Tensor flat = x.reshape(n, channels, height * width);
        Tensor positions = Tensor.of(table, windowCount, cells);
        Tensor gathered = flat.detach().indexSelect(2, positions.reshape(-1)).reshape(n, channels, windowCount, cells);
        Tensor best = gathered.argmax(3, true);
        Tensor indices = positions.expand(n, channels, windowCount, cells).gather(3, best).reshape(n, channels, windowCount);
        Tensor values = flat.gather(2, indices).reshape(n, channels, o[0], o[1]);
        return new MaxPooling.Result(values, indices.reshape(n, channels, o[0], o[1]));
    }

    private static long windows(long in, long out, long[] start, long[] length) {
        long longest = 0;
        for (int i = 0; i < out; i++) {
            start[i] = Math.floorDiv(i * in, out);
            long end = Math.floorDiv((i + 1) * in + out - 1, out);
            length[i] = end - start[i];
            longest = Math.max(longest, length[i]);
        }
        return longest;
    }

    /** {@code [out, in]} with {@code 1/len} over each adaptive window: left-multiplying averages along that dim. */
    private static Tensor averagingMatrix(long in, long out, Tensor like) {
        long[] start = new long[(int) out];
        long[] length = new long[(int) out];
        windows(in, out, start, length);
        double[] values = new double[(int) (out * in)];
        for (int i = 0; i < out; i++) {
            for (long j = start[i]; j < start[i] + length[i]; j++) values[(int) (i * in + j)] = 1.0 / length[i];
        }
        return Tensor.of(values, out, in).to(like.dtype());
    }

    /** The target size; a non-positive entry (PyTorch's None) keeps the input's size. */
    private static long[] adaptiveSize(String name, Tensor input, long[] outputSize) {
        long[] o = Convolutions.expand(name, "output_size", outputSize, 2);
        for (int i = 0; i < 2; i++) {
            if (o[i] <= 0) o[i] = input.size(input.dim() - 2 + i);
            if (input.size(input.dim() - 2 + i) == 0) {
                throw new IllegalArgumentException(name + "(): Expected input to have non-zero size for non-batch dimensions, "
                        + "but input has sizes " + Convolutions.shapeText(input.shape()) + " with dimension " + (input.dim() - 2 + i)
                        + " being empty");
            }
        }
        return o;
    }

    // ---------------------------------------------------------------- checks, in PyTorch's words

    private static boolean checkInput(String name, int spatial, Tensor input) {
        if (input.dim() == spatial + 2) return true;
        if (input.dim() == spatial + 1) return false;
        throw new IllegalArgumentException(name + ": Expected " + (spatial + 1) + "D or " + (spatial + 2)
                + "D (batch mode) tensor for input, but got input of size: " + Convolutions.shapeText(input.shape()));
    }

    /** Checks kernel, stride, padding and dilation against the input; returns the output size per dim. */
    private static long[] checkWindow(String name, Tensor x, long[] k, long[] s, long[] p, long[] d, boolean ceilMode) {
        int spatial = k.length;
        long[] out = new long[spatial];
        for (int i = 0; i < spatial; i++) {
            if (k[i] < 1) throw new IllegalArgumentException(name + ": kernel_size must be greater than zero, but got " + Arrays.toString(k));
            if (s[i] < 1) throw new IllegalArgumentException(name + ": stride must be greater than zero, but got " + Arrays.toString(s));
            if (d[i] < 1) throw new IllegalArgumentException(name + ": dilation must be greater than zero, but got " + Arrays.toString(d));
            if (p[i] < 0) throw new IllegalArgumentException(name + ": pad must be non-negative, but got pad=" + p[i]);
            if (p[i] > k[i] / 2) {
                throw new IllegalArgumentException("pad should be at most half of kernel size, but got pad=" + p[i]
                        + " and kernel_size=" + k[i]);
            }
            long in = x.size(2 + i);
            long span = in + 2 * p[i] - d[i] * (k[i] - 1) - 1 + (ceilMode ? s[i] - 1 : 0);
            long size = Math.floorDiv(span, s[i]) + 1;
            if (ceilMode && (size - 1) * s[i] >= in + p[i]) size--;
            out[i] = size;
        }
        for (long size : out) {
            if (size < 1) {
                StringBuilder given = new StringBuilder().append(x.size(1));
                StringBuilder calculated = new StringBuilder().append(x.size(1));
                for (int i = 0; i < spatial; i++) {
                    given.append('x').append(x.size(2 + i));
                    calculated.append('x').append(out[i]);
                }
                throw new IllegalArgumentException("Given input size: (" + given + "). Calculated output size: (" + calculated
                        + "). Output size is too small");
            }
        }
        return out;
    }
}
