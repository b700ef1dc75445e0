package dev.ember.tensor;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import java.util.Arrays;

/**
 * Convolution as im2col + GEMM over 1 to 3 spatial dims, and im2col/col2im as differentiable
 * ops of their own (each is the other's gradient, so every order of derivative works).
 *
 * <p>A forward convolution is one recorded op: the backend lays the input's windows out as
 * columns {@code [N, C*K, L]} and the weight {@code [G, Cout/G, C/G*K]} multiplies them per
 * sample and group. Its derivative row is written with Tensor ops: the input gradient is
 * col2im of {@code W^T g}, the weight gradient {@code g im2col(x)^T} summed over the batch.
 * A transposed convolution is composed of the same pieces (matmul then col2im), so it needs
 * no row of its own.
 *
 * <p>When the backend has native convolution kernels for the dtype (oneDNN for float32 on CPU),
 * the forward pass and the first-order gradients use them instead; with {@code createGraph} the
 * gradients are still composed from the differentiable pieces above, so higher orders work.
 *
 * <pre>{@code
 * Tensor y = Tensor.convolution(x, w, b, new long[] {1, 1}, new long[] {0, 0}, new long[] {1, 1}, false, new long[] {0, 0}, 1);
 * }</pre>
 */
final class Convolution {
    private Convolution() {}

    /** Sliding-window parameters, one entry per spatial dim. */
    record Window(int[] kernel, int[] stride, int[] padding, int[] dilation) {
        int spatial() { return kernel.length; }

        long volume() {
            long v = 1;
            for (int k : kernel) v *= k;
            return v;
        }

        long windows(long inputSize, int i) {
            return Math.floorDiv(inputSize + 2L * padding[i] - (long) dilation[i] * (kernel[i] - 1) - 1, stride[i]) + 1;
        }

        /** The window counts of an {@code [N, C, *spatial]} shape. */
        long[] windowCounts(long[] shape) {
            long[] counts = new long[spatial()];
            for (int i = 0; i < counts.length; i++) counts[i] = windows(shape[2 + i], i);
            return counts;
        }

        /** Packs the window (and one extra number) into an {@link OpNode}'s sizes. */
        long[] pack(long extra) {
            int s = spatial();
            long[] sizes = new long[4 * s + 2];
            sizes[0] = s;
            for (int i = 0; i < s; i++) {
                sizes[1 + i] = kernel[i];
                sizes[1 + s + i] = stride[i];
                sizes[1 + 2 * s + i] = padding[i];
                sizes[1 + 3 * s + i] = dilation[i];
            }
            sizes[4 * s + 1] = extra;
            return sizes;
        }

        static Window unpack(long[] sizes) {
            int s = (int) sizes[0];
            int[][] parts = new int[4][s];
            for (int p = 0; p < 4; p++) for (int i = 0; i < s; i++) parts[p][i] = (int) sizes[1 + p * s + i];
            return new Window(parts[0], parts[1], parts[2], parts[3]);
        }

        static long extra(long[] sizes) { return sizes[sizes.length - 1]; }

        static Window of(String op, int spatial, long[] kernel, long[] stride, long[] padding, long[] dilation) {
            return new Window(ints(op, "kernel_size", kernel, spatial, 1), ints(op, "stride", stride, spatial, 1),
                    ints(op, "padding", padding, spatial, 0), ints(op, "dilation", dilation, spatial, 1));
        }

        private static int[] ints(String op, String name, long[] values, int spatial, long minimum) {
            if (values.length != spatial && values.length != 1) {
                throw new IllegalArgumentException(op + ": expected " + name + " to have " + spatial + " values, but got "
                        + Arrays.toString(values));
            }
            int[] out = new int[spatial];
            for (int i = 0; i < spatial; i++) {
                long v = values[values.length == 1 ? 0 : i];
                if (v < minimum || v > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(op + ": " + name + " should be " + (minimum == 0 ? "non-negative" : "greater than zero")
                            + ", but got " + name + "=" + Arrays.toString(values));
                }
                out[i] = (int) v;
            }
            return out;
        }
    }

    // ---------------------------------------------------------------- im2col / col2im

    /** {@code [N, C, *spatial] -> [N, C * prod(kernel), windows]}, recorded as IM2COL. */
    static Tensor im2col(Tensor input, Window window) {
        checkFloating("im2col", input);
        checkRank("im2col", input, window.spatial());
        Tensor columns = rawIm2col(input, window);
        OpNode node = OpNode.record(Op.IM2COL, columns, input);
        if (node != null) node.sizes(window.pack(0));
        return columns;
    }

    /** {@code [N, C * prod(kernel), windows] -> [N, C, *outputSize]}, summing overlaps; recorded as COL2IM. */
    static Tensor col2im(Tensor columns, long[] outputSize, Window window) {
        checkFloating("col2im", columns);
        if (columns.dim() != 3) {
            throw new IllegalArgumentException("col2im: expected a 3-D input [N, C * prod(kernel_size), L], but got input of size: "
                    + Dimensions.shapeText(columns.shape()));
        }
        if (outputSize.length != window.spatial()) {
            throw new IllegalArgumentException("col2im: expected output_size to have " + window.spatial() + " values, but got "
                    + Arrays.toString(outputSize));
        }
        long volume = window.volume();
        if (columns.size(1) % volume != 0) {
            throw new IllegalArgumentException("Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                    + "but got input.size(1)=" + columns.size(1) + " and kernel_size=" + Arrays.toString(window.kernel()));
        }
        long expectedWindows = 1;
        for (int i = 0; i < outputSize.length; i++) {
            long w = window.windows(outputSize[i], i);
            if (w < 1) {
                throw new IllegalArgumentException("col2im: kernel_size " + Arrays.toString(window.kernel())
                        + " does not fit output_size " + Arrays.toString(outputSize));
            }
            expectedWindows *= w;
        }
        if (columns.size(2) != expectedWindows) {
            throw new IllegalArgumentException("Given output_size=" + Arrays.toString(outputSize) + ", kernel_size="
                    + Arrays.toString(window.kernel()) + ", dilation=" + Arrays.toString(window.dilation()) + ", padding="
                    + Arrays.toString(window.padding()) + ", stride=" + Arrays.toString(window.stride()) + ", expected size of "
                    + "input's dimension 2 to match the calculated number of sliding blocks " + expectedWindows
                    + ", but got input.size(2)=" + columns.size(2) + ".");
        }
        long[] shape = new long[2 + outputSize.length];
        shape[0] = columns.size(0);
        shape[1] = columns.size(1) / volume;
        System.arraycopy(outputSize, 0, shape, 2, outputSize.length);
        Tensor source = hasUnitStrideRows(columns) ? columns : columns.contiguous();
        Tensor out = Factories.empty(columns.dtype(), columns.device(), shape);
        columns.storage.backend.col2im(source.strided(), window.kernel(), window.stride(), window.padding(), window.dilation(),
                out.strided());
        OpNode node = OpNode.record(Op.COL2IM, out, columns);
        if (node != null) node.sizes(window.pack(0));
        return out;
    }

    private static Tensor rawIm2col(Tensor input, Window window) {
        long[] counts = window.windowCounts(input.shape());
        long windows = 1;
        for (long c : counts) {
            if (c < 1) {
                throw new IllegalArgumentException("im2col: kernel_size " + Arrays.toString(window.kernel()) + " with dilation "
                        + Arrays.toString(window.dilation()) + " and padding " + Arrays.toString(window.padding())
                        + " does not fit input of size " + Dimensions.shapeText(input.shape()));
            }
            windows *= c;
        }
        Tensor columns = Factories.empty(input.dtype(), input.device(), input.size(0), input.size(1) * window.volume(), windows);
        input.storage.backend.im2col(input.strided(), window.kernel(), window.stride(), window.padding(), window.dilation(),
                columns.strided());
        return columns;
    }

    // ---------------------------------------------------------------- convolution

    /**
     * {@code input [N, C, *spatial]} convolved with {@code weight [Cout, C/groups, *kernel]}
     * (or, transposed, {@code weight [C, Cout/groups, *kernel]}); bias may be null. The
     * caller (nn.functional) has checked shapes and messages in PyTorch's words.
     */
    static Tensor convolution(Tensor input, Tensor weight, Tensor bias, Window window, boolean transposed,
                              long[] outputPadding, long groups) {
        checkFloating("convolution", input);
        if (weight.dtype() != input.dtype() || (bias != null && bias.dtype() != input.dtype())) {
            throw new IllegalArgumentException("Input type (" + input.dtype() + ") and weight type (" + weight.dtype()
                    + ") should be the same" + (bias == null ? "" : " as the bias type (" + bias.dtype() + ")"));
        }
        checkRank("convolution", input, window.spatial());
        Elementwise.checkSameDevice(input, weight);
        if (transposed) return transposedConvolution(input, weight, bias, window, outputPadding, groups);
        long n = input.size(0);
        long channels = input.size(1);
        long outChannels = weight.size(0);
        long[] counts = window.windowCounts(input.shape());
        long windows = Dimensions.numel(counts);
        long groupColumns = channels / groups * window.volume();
        if (nativeConvolution(input, windows)) return nativeForward(input, weight, bias, window, groups, counts);
        // The columns of the whole batch side by side, [C*K, N*L]: one GEMM for the batch
        // instead of one small GEMM per sample.
        Tensor columns = Factories.empty(input.dtype(), input.device(), channels * window.volume(), n, windows);
        Tensor columnsPerSample = new Tensor(columns.storage, columns.layout.permute(new int[] {1, 0, 2}), columns.dtype);
        input.storage.backend.im2col(input.strided(), window.kernel(), window.stride(), window.padding(), window.dilation(),
                columnsPerSample.strided());
        long[] shape = new long[2 + counts.length];
        shape[0] = n;
        shape[1] = outChannels;
        System.arraycopy(counts, 0, shape, 2, counts.length);
        Tensor out = Factories.empty(input.dtype(), input.device(), shape);
        try (var ignored = GradMode.noGrad()) {
            Tensor kernel = weight.detach().reshape(groups, outChannels / groups, groupColumns);
            Tensor product = kernel.matmul(columns.view(groups, groupColumns, n * windows));
            // [Cout, N, L] back to [N, Cout, L], adding the bias in the same pass
            Tensor perSample = product.view(outChannels, n, windows).permute(1, 0, 2);
            Tensor target = new Tensor(out.storage, Layout.contiguous(n, outChannels, windows), out.dtype);
            if (bias == null) {
                input.storage.backend.copy(perSample.strided(), target.strided());
            } else {
                Tensor b = bias.detach().view(1, outChannels, 1).expand(n, outChannels, windows);
                input.storage.backend.binary(dev.ember.devices.BinaryOp.ADD, perSample.strided(), b.strided(), target.strided());
            }
        }
        OpNode node = bias == null ? OpNode.record(Op.CONVOLUTION, out, input, weight)
                : OpNode.record(Op.CONVOLUTION, out, input, weight, bias);
        if (node != null) node.save(input, weight, columns).sizes(window.pack(groups));
        return out;
    }

    /**
     * Below this many input channels per group the input gradient is composed (W^T g, col2im)
     * even when the backend has native kernels. Measured for conv 1→32 on [64, 1, 28, 28]:
     * oneDNN's input-gradient kernel 3.3 ms, the composed one well under 1 ms.
     */
    private static final long NATIVE_INPUT_GRADIENT_MIN_CHANNELS = 4;

    /** True when the backend has its own convolution kernels (oneDNN on CPU) for this input. */
    private static boolean nativeConvolution(Tensor input, long windows) {
        return windows > 0 && input.numel() > 0
                && input.storage.backend.hasConvolution(input.dtype(), input.dim() - 2);
    }

    /** The forward pass by the backend's kernel; the node saves no columns and is marked with its flag. */
    private static Tensor nativeForward(Tensor input, Tensor weight, Tensor bias, Window window, long groups, long[] counts) {
        long[] shape = new long[2 + counts.length];
        shape[0] = input.size(0);
        shape[1] = weight.size(0);
        System.arraycopy(counts, 0, shape, 2, counts.length);
        Tensor out = Factories.empty(input.dtype(), input.device(), shape);
        try (var ignored = GradMode.noGrad()) {
            Tensor x = input.detach().contiguous();
            Tensor w = weight.detach().contiguous();
            Tensor b = bias == null ? null : bias.detach().contiguous();
            input.storage.backend.convolution(x.strided(), w.strided(), b == null ? null : b.strided(), window.stride(),
                    window.padding(), window.dilation(), Math.toIntExact(groups), out.strided());
        }
        OpNode node = bias == null ? OpNode.record(Op.CONVOLUTION, out, input, weight)
                : OpNode.record(Op.CONVOLUTION, out, input, weight, bias);
        if (node != null) node.save(input, weight).sizes(window.pack(groups)).flag(true);
        return out;
    }

    /**
     * The transposed convolution, the adjoint of {@link #convolution} in its input: each input
     * cell spreads {@code W^T x} over a window of the output. Built from matmul and col2im, so
     * its derivatives come from theirs.
     */
    private static Tensor transposedConvolution(Tensor input, Tensor weight, Tensor bias, Window window, long[] outputPadding,
                                                long groups) {
        long n = input.size(0);
        long channels = input.size(1);
        long outChannels = weight.size(1) * groups;
        int spatial = window.spatial();
        long[] outputSize = new long[spatial];
        long positions = 1;
        for (int i = 0; i < spatial; i++) {
            long in = input.size(2 + i);
            positions *= in;
            outputSize[i] = (in - 1) * window.stride()[i] - 2L * window.padding()[i]
                    + (long) window.dilation()[i] * (window.kernel()[i] - 1) + outputPadding[i] + 1;
        }
        long groupColumns = outChannels / groups * window.volume();
        Tensor kernel = weight.reshape(groups, channels / groups, groupColumns).mT();
        Tensor columns = kernel.matmul(input.reshape(n, groups, channels / groups, positions))
                .reshape(n, outChannels * window.volume(), positions);
        Tensor out = col2im(columns, outputSize, window);
        if (bias == null) return out;
        long[] biasShape = new long[1 + spatial];
        Arrays.fill(biasShape, 1);
        biasShape[0] = outChannels;
        return out.add(bias.view(biasShape));
    }

    /** The CONVOLUTION row: gradients of input, weight and (when given) bias, each only when needed. */
    static Tensor[] backward(OpNode node, Tensor g) {
        Tensor input = node.saved(0);
        Tensor weight = node.saved(1);
        Window window = Window.unpack(node.sizes);
        long groups = Window.extra(node.sizes);
        long[] inputShape = node.inputShapes[0];
        long n = inputShape[0];
        long channels = inputShape[1];
        long outChannels = node.inputShapes[1][0];
        long groupColumns = channels / groups * window.volume();
        long windows = g.numel() / Math.max(1, n * outChannels);
        boolean hasBias = node.inputShapes.length == 3;
        Tensor[] grads = new Tensor[hasBias ? 3 : 2];
        boolean inputGrad = needs(node, 0);
        boolean weightGrad = needs(node, 1);
        boolean nativeKernels = node.flag && !GradMode.isEnabled();
        if (nativeKernels && inputGrad && channels / groups < NATIVE_INPUT_GRADIENT_MIN_CHANNELS) {
            // oneDNN pads the input channels of its input-gradient kernel to a block of 16: with
            // 1 to 3 channels (an image layer) W^T g and col2im are several times faster.
            grads[0] = composedInputGradient(groupedGradient(g, groups), weight, window, inputShape, groups);
            inputGrad = false;
        }
        if (nativeKernels && (inputGrad || weightGrad)) {
            // Without create_graph the backend's kernels compute the gradients directly, in one
            // call so that it can share the output gradient's staging between them.
            var backend = g.storage.backend;
            Tensor gradOutput = g.contiguous();
            Tensor gradInput = inputGrad ? Factories.empty(g.dtype(), g.device(), inputShape) : null;
            Tensor gradWeight = weightGrad ? Factories.empty(g.dtype(), g.device(), node.inputShapes[1]) : null;
            Tensor gradBias = weightGrad && hasBias && needs(node, 2) && backend.hasConvolutionBiasGradient(g.dtype())
                    ? Factories.empty(g.dtype(), g.device(), node.inputShapes[2]) : null;
            backend.convolutionBackward(gradOutput.strided(), weightGrad ? input.contiguous().strided() : null,
                    inputGrad ? weight.contiguous().strided() : null, window.stride(), window.padding(), window.dilation(),
                    Math.toIntExact(groups), gradInput == null ? null : gradInput.strided(),
                    gradWeight == null ? null : gradWeight.strided(), gradBias == null ? null : gradBias.strided());
            if (inputGrad) grads[0] = gradInput;
            if (weightGrad) grads[1] = gradWeight;
            if (gradBias != null) grads[2] = gradBias;
        } else if (inputGrad || weightGrad) {
            Tensor gT = groupedGradient(g, groups);
            if (inputGrad) grads[0] = composedInputGradient(gT, weight, window, inputShape, groups);
            if (weightGrad) {
                // With create_graph the columns must carry the input's history; otherwise the saved ones will do.
                Tensor columns = node.flag || (GradMode.isEnabled() && input.requiresGrad())
                        ? im2col(input, window).permute(1, 0, 2).reshape(groups, groupColumns, n * windows)
                        : node.saved(2).view(groups, groupColumns, n * windows);
                // columns x g^T, transposed after: OpenBLAS is far faster with the long dim as M than with M = Cout
                grads[1] = columns.matmul(gT.mT()).mT().reshape(node.inputShapes[1]);
            }
        }
        if (hasBias && needs(node, 2) && grads[2] == null) {
            int[] dims = new int[g.dim() - 1];
            dims[0] = 0;
            for (int d = 2; d < g.dim(); d++) dims[d - 1] = d;
            grads[2] = g.sum(dims, false);
        }
        return grads;
    }

    /** The output gradient {@code [N, Cout, *out]} as {@code [G, Cout/G, N*L]}, matching the batch-wide columns of the forward pass. */
    private static Tensor groupedGradient(Tensor g, long groups) {
        long n = g.size(0);
        long outChannels = g.size(1);
        long windows = g.numel() / Math.max(1, n * outChannels);
        return g.reshape(n, outChannels, windows).permute(1, 0, 2).reshape(groups, outChannels / groups, n * windows);
    }

    /** The input gradient from Tensor ops: col2im of {@code W^T g}, differentiable when grad mode is on. */
    private static Tensor composedInputGradient(Tensor gT, Tensor weight, Window window, long[] inputShape, long groups) {
        long n = inputShape[0];
        long channels = inputShape[1];
        long outChannels = weight.size(0);
        long windows = gT.size(2) / Math.max(1, n);
        Tensor kernelT = weight.reshape(groups, outChannels / groups, channels / groups * window.volume()).mT();
        Tensor columnGrad = kernelT.matmul(gT).view(channels * window.volume(), n, windows).permute(1, 0, 2);
        return col2im(columnGrad, Arrays.copyOfRange(inputShape, 2, inputShape.length), window);
    }

    /** The IM2COL row. */
    static Tensor im2colBackward(OpNode node, Tensor g) {
        long[] shape = node.inputShapes[0];
        return col2im(g, Arrays.copyOfRange(shape, 2, shape.length), Window.unpack(node.sizes));
    }

    /** The COL2IM row. */
    static Tensor col2imBackward(OpNode node, Tensor g) { return im2col(g, Window.unpack(node.sizes)); }

    /** The backend takes columns whose rows are unit-stride and disjoint, like a transposed batch of columns. */
    private static boolean hasUnitStrideRows(Tensor columns) {
        long windows = columns.size(2);
        return (columns.stride(2) == 1 || windows <= 1) && columns.stride(1) >= windows && columns.stride(0) >= windows;
    }

    private static boolean needs(OpNode node, int input) { return node.nextEdges().get(input) != null; }

    private static void checkFloating(String op, Tensor t) {
        t.storage.buffer.checkOpen();
        if (t.dtype() != DType.FLOAT32 && t.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("\"" + op + "\" not implemented for '" + t.dtype() + "' (float32 and float64 only)");
        }
    }

    private static void checkRank(String op, Tensor input, int spatial) {
        if (input.dim() != spatial + 2) {
            throw new IllegalArgumentException(op + ": expected a " + (spatial + 2) + "-D input [N, C, *spatial], but got input of size: "
                    + Dimensions.shapeText(input.shape()));
        }
    }
}
