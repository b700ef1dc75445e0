package dev.ember.devices;

import java.lang.foreign.MemorySegment;

/**
 * The primitive kernels a device backend provides. Everything else (linear, cross-entropy,
 * softplus, ...) is composed from these in the tensor layer, so a new backend works as soon as
 * it implements this interface; the optional fused kernels ({@code has...} first: softmax,
 * normalization, convolution, pooling, optimizer steps) only make it faster. Backends never see
 * autograd.
 *
 * <p>Contracts shared by every kernel: operands are {@link Strided} views whose shapes the
 * caller has already checked and broadcast (a broadcast dim has stride 0); outputs never
 * overlap inputs except when an op is in place, where the output is exactly the first input.
 * The caller has checked every layout against its buffer ({@link Strided#checkBounds()}).
 *
 * <pre>{@code
 * Backend cpu = BackendRegistry.get(Device.CPU);
 * Buffer b = cpu.allocate(Device.CPU, 16);
 * cpu.fill(new Strided(b, Layout.contiguous(4), DType.FLOAT32), 1.0);
 * }</pre>
 */
public interface Backend {

    DeviceType deviceType();

    /** False when the runtime or device is missing; then {@link #unavailableReason()} says why. */
    boolean isAvailable();

    String unavailableReason();

    int deviceCount();

    /** Allocates {@code byteSize} bytes, zero-filled when {@code zeroed}. */
    Buffer allocate(Device device, long byteSize, boolean zeroed);

    default Buffer allocate(Device device, long byteSize) { return allocate(device, byteSize, true); }

    /** Bytes of this backend's memory held by open buffers. */
    long liveBytes();

    void copyFromHost(MemorySegment host, Buffer destination, long destinationByteOffset, long byteCount);

    void copyToHost(Buffer source, long sourceByteOffset, MemorySegment host, long byteCount);

    /** {@code destination[i] = (destination.dtype) source[i]} over equal shapes, any strides. */
    void copy(Strided source, Strided destination);

    /** Sets every element; the value is converted to the destination dtype like a cast. */
    void fill(Strided destination, double value);

    void unary(UnaryOp op, Strided input, Strided output);

    void binary(BinaryOp op, Strided left, Strided right, Strided output);

    /** WHERE takes a BOOL first operand; LERP and CLAMP take three operands of one dtype. */
    void ternary(TernaryOp op, Strided first, Strided second, Strided third, Strided output);

    /**
     * Reduces {@code input} over {@code dims} into {@code output}, whose shape is the
     * input's with each reduced dim set to 1.
     */
    void reduce(ReduceOp op, Strided input, int[] dims, Strided output);

    /** Inclusive scan along {@code dim}; input and output have the same shape and dtype. */
    void scan(ScanOp op, Strided input, int dim, Strided output);

    /** Stable sort along {@code dim}; {@code indices} is INT64. */
    void sort(Strided input, int dim, boolean descending, Strided values, Strided indices);

    /**
     * Batched matrix product of 3-D operands: {@code [batch, m, k] x [batch, k, n] -> [batch, m, n]}.
     * Any strides (including 0 for a broadcast batch); all three share one floating dtype,
     * or one integral dtype.
     */
    void matmul(Strided left, Strided right, Strided output);

    /** {@code output.select(dim, i) = input.select(dim, index[i])}; index is 1-D INT64, checked in range. */
    void indexSelect(Strided input, int dim, Strided index, Strided output);

    /** {@code target.select(dim, index[i]) += source.select(dim, i)}, in place. */
    void indexAdd(Strided target, int dim, Strided index, Strided source);

    /** {@code output[...i_dim...] = input[...index[...]...]}; index has output's shape, INT64, checked. */
    void gather(Strided input, int dim, Strided index, Strided output);

    /**
     * {@code target[...index[...]...] = source[...]} (or {@code +=} when {@code accumulate}),
     * in place, over the index's shape.
     */
    void scatter(Strided target, int dim, Strided index, Strided source, boolean accumulate);

    /**
     * Fills {@code output} from the counter-based generator at ({@code seed}, {@code offset}),
     * so the same seed and offset give the same numbers on every backend.
     */
    void random(RandomOp op, Strided output, long seed, long offset, double a, double b);

    /** True when this backend fuses {@code kind}'s update ({@link #optimizerStep}) for {@code dtype}. */
    default boolean hasOptimizerStep(OptimizerKind kind, DType dtype) { return false; }

    /**
     * Optional fused kernel: one optimizer update of {@code param} (and its {@code state}) from
     * {@code grad}, in place and in one pass over memory. Operands are contiguous, of one shape
     * and one floating dtype; {@link OptimizerKind} gives the order of state and hyperparameters.
     * Callers check {@link #hasOptimizerStep} first and otherwise compose the update from tensor ops.
     */
    default void optimizerStep(OptimizerKind kind, Strided param, Strided grad, Strided[] state, double[] hyperparameters) {
        throw new UnsupportedOperationException("the " + deviceType() + " backend " + getClass().getSimpleName()
                + " has no fused optimizer step for " + kind);
    }

    /**
     * im2col: copies every sliding window of {@code input} {@code [N, C, *spatial]} (1 to 3
     * spatial dims, floating) into {@code columns} {@code [N, C * prod(kernel), prod(windows)]}
     * (same dtype; rows of unit stride that do not overlap, so a {@code [C*K, N, L]} buffer viewed
     * as {@code [N, C*K, L]} works), with zeros where a window reaches into the padding. Along each
     * dim there are {@code (in + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1} windows.
     */
    default void im2col(Strided input, int[] kernel, int[] stride, int[] padding, int[] dilation, Strided columns) {
        throw new UnsupportedOperationException("im2col is not implemented by the " + deviceType() + " backend");
    }

    /**
     * col2im, the adjoint of {@link #im2col}: overwrites {@code output} {@code [N, C, *spatial]}
     * (contiguous) with the sum, over every window, of the column values that window took;
     * {@code columns} may be laid out as for {@link #im2col}.
     */
    default void col2im(Strided columns, int[] kernel, int[] stride, int[] padding, int[] dilation, Strided output) {
        throw new UnsupportedOperationException("col2im is not implemented by the " + deviceType() + " backend");
    }

    /**
     * True when this backend has native convolution kernels ({@link #convolution},
     * {@link #convolutionBackwardInput}, {@link #convolutionBackwardWeight}) for {@code dtype}
     * with {@code spatialDims} spatial dimensions. Callers check it first and otherwise compose
     * the convolution from {@link #im2col}, matrix products and {@link #col2im}.
     */
    default boolean hasConvolution(DType dtype, int spatialDims) { return false; }

    /**
     * Optional native convolution (cross-correlation, as in PyTorch): {@code output}
     * {@code [N, Cout, *outSpatial]} from {@code input} {@code [N, C, *spatial]}, {@code weight}
     * {@code [Cout, C / groups, *kernel]} and {@code bias} {@code [Cout]} (may be null), with
     * symmetric {@code padding}. All operands are contiguous and of one dtype; the output's
     * shape gives the number of windows.
     */
    default void convolution(Strided input, Strided weight, Strided bias, int[] stride, int[] padding, int[] dilation,
                             int groups, Strided output) {
        throw new UnsupportedOperationException("the " + deviceType() + " backend " + getClass().getSimpleName()
                + " has no native convolution");
    }

    /** The gradient of {@link #convolution} in its input: overwrites {@code gradInput} {@code [N, C, *spatial]}. */
    default void convolutionBackwardInput(Strided gradOutput, Strided weight, int[] stride, int[] padding, int[] dilation,
                                          int groups, Strided gradInput) {
        throw new UnsupportedOperationException("the " + deviceType() + " backend " + getClass().getSimpleName()
                + " has no native convolution");
    }

    /** The gradient of {@link #convolution} in its weight: overwrites {@code gradWeight} {@code [Cout, C / groups, *kernel]}. */
    default void convolutionBackwardWeight(Strided input, Strided gradOutput, int[] stride, int[] padding, int[] dilation,
                                           int groups, Strided gradWeight) {
        throw new UnsupportedOperationException("the " + deviceType() + " backend " + getClass().getSimpleName()
                + " has no native convolution");
    }

    /**
     * The wanted gradients of {@link #convolution} in one call: {@code gradInput},
     * {@code gradWeight} and {@code gradBias} ({@code [Cout]}) are each null when not wanted, and
     * {@code gradBias} comes only with {@code gradWeight}. A backend can share work between them:
     * the CPU backend reorders the output gradient into its kernels' layout once for both, and
     * sums the bias gradient inside the weight-gradient kernel. By default the two single-gradient
     * kernels run, and {@code gradBias} is passed only when {@link #hasConvolutionBiasGradient}
     * says so.
     */
    default void convolutionBackward(Strided gradOutput, Strided input, Strided weight, int[] stride, int[] padding,
                                     int[] dilation, int groups, Strided gradInput, Strided gradWeight, Strided gradBias) {
        if (gradBias != null) {
            throw new UnsupportedOperationException("the " + deviceType() + " backend " + getClass().getSimpleName()
                    + " computes no convolution bias gradient");
        }
        if (gradInput != null) convolutionBackwardInput(gradOutput, weight, stride, padding, dilation, groups, gradInput);
        if (gradWeight != null) convolutionBackwardWeight(input, gradOutput, stride, padding, dilation, groups, gradWeight);
    }

    /** True when {@link #convolutionBackward} also computes the bias gradient for {@code dtype}. */
    default boolean hasConvolutionBiasGradient(DType dtype) { return false; }

    /** True when this backend has the fused {@link #normalization} kernels for {@code dtype}. */
    default boolean hasNormalization(DType dtype) { return false; }

    /**
     * Optional fused normalization (batch, layer, group, instance norm): the contiguous
     * {@code input} of {@code outer * groups * inner} elements is read as {@code [outer, groups, inner]}
     * and each group {@code g} is standardised over its {@code outer * inner} elements,
     * {@code output = (input - mean[g]) * inverseStd[g] * weight + bias}. Batch norm of
     * {@code [N, C, *]} is {@code (N, C, prod(spatial))}, layer norm {@code (1, prod(leading), prod(normalized))},
     * group norm {@code (1, N * G, C / G * prod(spatial))}.
     *
     * <p>{@code weight} and {@code bias} (each may be null) hold {@code groups} elements when
     * {@code affinePerGroup}, else {@code inner} elements (one per position within a group's row).
     * {@code mean} and {@code inverseStd} hold {@code groups} elements of the input's dtype or
     * FLOAT64. With {@code computeStatistics} the kernel writes them: the mean and
     * {@code 1 / sqrt(biasedVariance + eps)}, accumulated in double; otherwise it reads them
     * (evaluation with running statistics: the caller passes the running mean and
     * {@code 1 / sqrt(runningVar + eps)}, and {@code eps} is unused). Operands are contiguous;
     * {@code input}, {@code output}, {@code weight} and {@code bias} share one floating dtype.
     */
    default void normalization(Strided input, long outer, long groups, long inner, Strided weight, Strided bias,
                               boolean affinePerGroup, double eps, boolean computeStatistics, Strided mean,
                               Strided inverseStd, Strided output) {
        throw new UnsupportedOperationException("the " + deviceType() + " backend " + getClass().getSimpleName()
                + " has no fused normalization");
    }

    /**
     * The gradients of {@link #normalization} with statistics from the input (training mode),
     * from {@code mean} and {@code inverseStd} as that kernel wrote them: {@code gradInput} (like
     * the input), {@code gradWeight} and {@code gradBias} (shaped like the weight), each
     * overwritten, or skipped when null. With {@code h = gradOutput * weight} and sums over a
     * group's {@code M} elements, {@code gradInput = s * (h - sum(h) / M - xhat * sum(h * xhat) / M)}.
     * Operands are contiguous, except that {@code gradOutput} may also be one value broadcast
     * over the input's shape (every stride 0), as the gradient of {@code sum()} or {@code mean()}
     * arrives; the kernel then need not read a materialised copy.
     */
    default void normalizationBackward(Strided gradOutput, Strided input, long outer, long groups, long inner,
                                       Strided mean, Strided inverseStd, Strided weight, boolean affinePerGroup,
                                       Strided gradInput, Strided gradWeight, Strided gradBias) {
        throw new UnsupportedOperationException("the " + deviceType() + " backend " + getClass().getSimpleName()
                + " has no fused normalization");
    }

    /** True when this backend has the fused {@link #lstmCell} kernels for {@code dtype}. */
    default boolean hasLstmCell(DType dtype) { return false; }

    /**
     * Optional pointwise part of one LSTM step, PyTorch's gate order {@code i, f, g, o}: with
     * {@code z = inputGates + hiddenGates} ({@code [N, 4H]} each), writes the activated gates
     * {@code sigmoid(z_i), sigmoid(z_f), tanh(z_g), sigmoid(z_o)} to {@code gates [N, 4H]},
     * {@code cell = f * cellPrevious + i * g} and {@code hidden = o * tanh(cell)} ({@code [N, H]}).
     * Operands are contiguous and share one floating dtype; outputs do not overlap inputs.
     */
    default void lstmCell(Strided inputGates, Strided hiddenGates, Strided cellPrevious, Strided gates, Strided cell,
                          Strided hidden) {
        throw new UnsupportedOperationException("the " + deviceType() + " backend " + getClass().getSimpleName()
                + " has no fused LSTM cell");
    }

    /**
     * The backward of {@link #lstmCell}, from the activated {@code gates}, {@code cellPrevious} and
     * {@code cell} it read and wrote: with {@code dh = gradHidden + gradHiddenExtra} (the extra one
     * may be null) and {@code gradCell} the gradient already reaching {@code cell}, writes the
     * gradient of the pre-activation gates {@code z} to {@code gradGates [N, 4H]} and overwrites
     * {@code gradCell} with the gradient of {@code cellPrevious}. Operands are contiguous and share
     * one floating dtype.
     */
    default void lstmCellBackward(Strided gates, Strided cellPrevious, Strided cell, Strided gradHidden,
                                  Strided gradHiddenExtra, Strided gradCell, Strided gradGates) {
        throw new UnsupportedOperationException("the " + deviceType() + " backend " + getClass().getSimpleName()
                + " has no fused LSTM cell");
    }

    /**
     * True when this backend has fused softmax kernels ({@link #softmax}, {@link #softmaxBackward})
     * for {@code dtype}. Callers check it first and otherwise compose softmax from max, exp, sum
     * and division.
     */
    default boolean hasSoftmax(DType dtype) { return false; }

    /**
     * Optional fused kernel: {@code output = softmax(input)} along {@code dim}, or its logarithm
     * when {@code log}, shifted by each slice's maximum so large values do not overflow. Like
     * PyTorch, a slice holding a NaN or +inf, or only -inf, gives NaN throughout; log-softmax
     * gives -inf where the input is -inf. {@code input} and {@code output} are contiguous, of one
     * shape and one dtype for which {@link #hasSoftmax} is true, and do not overlap; {@code dim}
     * is in {@code [0, rank)} (0 for a rank-0 operand).
     */
    default void softmax(Strided input, int dim, boolean log, Strided output) {
        throw new UnsupportedOperationException("the " + deviceType() + " backend " + getClass().getSimpleName()
                + " has no fused softmax");
    }

    /**
     * The gradient of {@link #softmax} from its {@code output} {@code y} and the gradient
     * {@code g} of that output, along {@code dim}: {@code gradInput = y * (g - sum(g * y))}, or
     * for log-softmax {@code gradInput = g - exp(y) * sum(g)}. The three operands are contiguous,
     * of one shape and one dtype, and {@code gradInput} overlaps neither of the others.
     */
    default void softmaxBackward(Strided output, Strided gradOutput, int dim, boolean log, Strided gradInput) {
        throw new UnsupportedOperationException("the " + deviceType() + " backend " + getClass().getSimpleName()
                + " has no fused softmax");
    }

    /**
     * Max pooling over 1 to 3 spatial dims: {@code output} {@code [N, C, *outSpatial]} (contiguous;
     * its shape gives the number of windows, so ceil mode is the caller's choice) gets each
     * window's maximum (NaN wins) and {@code indices} (INT64, same shape) the flat position of
     * that maximum within its input plane, as in PyTorch. Window cells outside the input are skipped.
     */
    default void maxPool(Strided input, int[] kernel, int[] stride, int[] padding, int[] dilation,
                         Strided output, Strided indices) {
        throw new UnsupportedOperationException("maxPool is not implemented by the " + deviceType() + " backend");
    }

    /**
     * The gradient of {@link #maxPool}: overwrites {@code gradInput} {@code [N, C, *inSpatial]}
     * (contiguous) with zeros plus, for every window, {@code gradOutput} added at the window's
     * saved flat position {@code indices} within its plane. {@code gradOutput} {@code [N, C, *outSpatial]}
     * and {@code indices} (INT64) are contiguous and of one shape. This default zeroes and then
     * scatter-adds plane by plane; backends may provide a faster kernel.
     */
    default void maxPoolBackward(Strided gradOutput, Strided indices, Strided gradInput) {
        long[] in = gradInput.layout().shape();
        long[] out = gradOutput.layout().shape();
        long planes = in.length < 2 ? 1 : in[0] * in[1];
        long planeSize = gradInput.numel() / Math.max(1, planes);
        long windows = gradOutput.numel() / Math.max(1, planes);
        fill(gradInput, 0);
        if (planes == 0 || windows == 0) return;
        Strided target = new Strided(gradInput.buffer(),
                new Layout(new long[] {planes, planeSize}, new long[] {planeSize, 1}, gradInput.layout().offset()), gradInput.dtype());
        Strided index = new Strided(indices.buffer(),
                new Layout(new long[] {planes, windows}, new long[] {windows, 1}, indices.layout().offset()), indices.dtype());
        Strided source = new Strided(gradOutput.buffer(),
                new Layout(new long[] {planes, windows}, new long[] {windows, 1}, gradOutput.layout().offset()), gradOutput.dtype());
        scatter(target, 1, index, source, true);
    }
}
