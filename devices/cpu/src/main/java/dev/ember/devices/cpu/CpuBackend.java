package dev.ember.devices.cpu;

import dev.ember.devices.Backend;
import dev.ember.devices.BinaryOp;
import dev.ember.devices.Buffer;
import dev.ember.devices.DType;
import dev.ember.devices.Device;
import dev.ember.devices.DeviceType;
import dev.ember.devices.RandomOp;
import dev.ember.devices.ReduceOp;
import dev.ember.devices.ScanOp;
import dev.ember.devices.Strided;
import dev.ember.devices.TernaryOp;
import dev.ember.devices.UnaryOp;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

import static dev.ember.devices.cpu.OperandChecks.dtype;
import static dev.ember.devices.cpu.OperandChecks.floating;
import static dev.ember.devices.cpu.OperandChecks.notFloating;
import static dev.ember.devices.cpu.OperandChecks.operand;
import static dev.ember.devices.cpu.OperandChecks.sameDtype;
import static dev.ember.devices.cpu.OperandChecks.sameShape;

/**
 * The CPU backend: off-heap buffers ({@link CpuBuffer}), Vector API elementwise kernels and
 * reductions, OpenBLAS matmul, multithreaded above {@link Parallel#GRAIN_SIZE} elements.
 * Found by {@code ServiceLoader}; every kernel checks its operands first.
 *
 * <pre>{@code
 * Backend cpu = BackendRegistry.get(Device.CPU);
 * Buffer b = cpu.allocate(Device.CPU, 16);
 * cpu.fill(new Strided(b, Layout.contiguous(4), DType.FLOAT32), 1.0);
 * }</pre>
 */
public final class CpuBackend implements Backend {

    @Override
    public DeviceType deviceType() { return DeviceType.CPU; }

    @Override
    public boolean isAvailable() { return true; }

    @Override
    public String unavailableReason() { return ""; }

    @Override
    public int deviceCount() { return 1; }

    @Override
    public Buffer allocate(Device device, long byteSize, boolean zeroed) {
        if (device.type() != DeviceType.CPU || device.index() != 0) {
            throw new IllegalArgumentException("the cpu backend cannot allocate on " + device);
        }
        return CpuBuffer.allocate(byteSize, zeroed);
    }

    @Override
    public long liveBytes() { return CpuAllocator.liveBytes(); }

    @Override
    public void copyFromHost(MemorySegment host, Buffer destination, long destinationByteOffset, long byteCount) {
        MemorySegment dst = cpu("copyFromHost", destination).segment();
        checkRange("copyFromHost", destinationByteOffset, byteCount, destination.byteSize(), host.byteSize());
        MemorySegment.copy(host, 0, dst, destinationByteOffset, byteCount);
        Reference.reachabilityFence(destination);
    }

    @Override
    public void copyToHost(Buffer source, long sourceByteOffset, MemorySegment host, long byteCount) {
        MemorySegment src = cpu("copyToHost", source).segment();
        checkRange("copyToHost", sourceByteOffset, byteCount, source.byteSize(), host.byteSize());
        MemorySegment.copy(src, sourceByteOffset, host, 0, byteCount);
        Reference.reachabilityFence(source);
    }

    private static CpuBuffer cpu(String op, Buffer buffer) {
        if (!(buffer instanceof CpuBuffer b)) {
            throw new IllegalArgumentException(op + ": expected a cpu buffer, got one on " + buffer.device());
        }
        return b;
    }

    private static void checkRange(String op, long offset, long count, long bufferSize, long hostSize) {
        if (offset < 0 || count < 0 || offset + count > bufferSize || count > hostSize) {
            throw new IndexOutOfBoundsException(op + ": " + count + " bytes at offset " + offset
                    + " do not fit a buffer of " + bufferSize + " bytes and a host segment of " + hostSize + " bytes");
        }
    }

    @Override
    public void copy(Strided source, Strided destination) {
        operand("copy", source);
        operand("copy", destination);
        sameShape("copy", source, destination);
        CopyKernels.copy(source, destination);
        Reference.reachabilityFence(source);
        Reference.reachabilityFence(destination);
    }

    @Override
    public void fill(Strided destination, double value) {
        operand("fill", destination);
        CopyKernels.fill(destination, value);
        Reference.reachabilityFence(destination);
    }

    @Override
    public void unary(UnaryOp op, Strided input, Strided output) {
        Object name = op;
        operand(name, input);
        operand(name, output);
        sameShape(name, input, output);
        if (op.isPredicate()) dtype(name, "output", output, DType.BOOL);
        else sameDtype(name, input, output);
        if (op == UnaryOp.BITWISE_NOT) notFloating(name, input);
        if (op == UnaryOp.GELU || op == UnaryOp.GELU_TANH || op == UnaryOp.SILU) floating(name, input);
        UnaryKernels.apply(op, input, output);
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(output);
    }

    @Override
    public void binary(BinaryOp op, Strided left, Strided right, Strided output) {
        Object name = op;
        operand(name, left);
        operand(name, right);
        operand(name, output);
        sameDtype(name, left, right);
        sameShape(name, left, output);
        sameShape(name, right, output);
        if (op.isPredicate()) dtype(name, "output", output, DType.BOOL);
        else sameDtype(name, left, output);
        if (op == BinaryOp.BITWISE_AND || op == BinaryOp.BITWISE_OR || op == BinaryOp.BITWISE_XOR) notFloating(name, left);
        if (op == BinaryOp.GELU_BACKWARD || op == BinaryOp.GELU_TANH_BACKWARD || op == BinaryOp.SILU_BACKWARD
                || op == BinaryOp.TANH_BACKWARD || op == BinaryOp.SIGMOID_BACKWARD) {
            floating(name, left);
        }
        BinaryKernels.apply(op, left, right, output);
        Reference.reachabilityFence(left);
        Reference.reachabilityFence(right);
        Reference.reachabilityFence(output);
    }

    @Override
    public void ternary(TernaryOp op, Strided first, Strided second, Strided third, Strided output) {
        Object name = op;
        operand(name, first);
        operand(name, second);
        operand(name, third);
        operand(name, output);
        sameShape(name, first, output);
        sameShape(name, second, output);
        sameShape(name, third, output);
        if (op == TernaryOp.WHERE) dtype(name, "condition", first, DType.BOOL);
        else sameDtype(name, first, second);
        sameDtype(name, second, third);
        sameDtype(name, second, output);
        TernaryKernels.apply(op, first, second, third, output);
        Reference.reachabilityFence(first);
        Reference.reachabilityFence(second);
        Reference.reachabilityFence(third);
        Reference.reachabilityFence(output);
    }

    @Override
    public void reduce(ReduceOp op, Strided input, int[] dims, Strided output) {
        Object name = op;
        operand(name, input);
        operand(name, output);
        switch (op) {
            case ARGMAX, ARGMIN -> dtype(name, "output", output, DType.INT64);
            case MAX, MIN -> sameDtype(name, input, output);
            case SUM, PROD -> { }
        }
        ReduceKernels.apply(op, input, dims, output);
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(output);
    }

    @Override
    public void scan(ScanOp op, Strided input, int dim, Strided output) {
        Object name = op;
        operand(name, input);
        operand(name, output);
        sameShape(name, input, output);
        ScanKernels.apply(op, input, OperandChecks.dim(name, dim, input.layout().dim()), output);
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(output);
    }

    @Override
    public void sort(Strided input, int dim, boolean descending, Strided values, Strided indices) {
        operand("sort", input);
        operand("sort", values);
        operand("sort", indices);
        sameShape("sort", input, values);
        sameShape("sort", input, indices);
        sameDtype("sort", input, values);
        dtype("sort", "indices", indices, DType.INT64);
        SortKernel.sort(input, OperandChecks.dim("sort", dim, input.layout().dim()), descending, values, indices);
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(values);
        Reference.reachabilityFence(indices);
    }

    @Override
    public void matmul(Strided left, Strided right, Strided output) {
        operand("matmul", left);
        operand("matmul", right);
        operand("matmul", output);
        MatmulKernel.matmul(left, right, output);
        Reference.reachabilityFence(left);
        Reference.reachabilityFence(right);
        Reference.reachabilityFence(output);
    }

    @Override
    public void indexSelect(Strided input, int dim, Strided index, Strided output) {
        operand("index_select", input);
        operand("index_select", index);
        operand("index_select", output);
        IndexKernels.indexSelect(input, dim, index, output);
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(index);
        Reference.reachabilityFence(output);
    }

    @Override
    public void indexAdd(Strided target, int dim, Strided index, Strided source) {
        operand("index_add", target);
        operand("index_add", index);
        operand("index_add", source);
        IndexKernels.indexAdd(target, dim, index, source);
        Reference.reachabilityFence(target);
        Reference.reachabilityFence(index);
        Reference.reachabilityFence(source);
    }

    @Override
    public void gather(Strided input, int dim, Strided index, Strided output) {
        operand("gather", input);
        operand("gather", index);
        operand("gather", output);
        IndexKernels.gather(input, dim, index, output);
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(index);
        Reference.reachabilityFence(output);
    }

    @Override
    public void scatter(Strided target, int dim, Strided index, Strided source, boolean accumulate) {
        String name = accumulate ? "scatter_add" : "scatter";
        operand(name, target);
        operand(name, index);
        operand(name, source);
        IndexKernels.scatter(target, dim, index, source, accumulate);
        Reference.reachabilityFence(target);
        Reference.reachabilityFence(index);
        Reference.reachabilityFence(source);
    }

    @Override
    public void random(RandomOp op, Strided output, long seed, long offset, double a, double b) {
        operand(op, output);
        RandomKernels.fill(op, output, seed, offset, a, b);
        Reference.reachabilityFence(output);
    }

    @Override
    public boolean hasOptimizerStep(dev.ember.devices.OptimizerKind kind, DType dtype) { return OptimizerKernels.supports(dtype); }

    @Override
    public void optimizerStep(dev.ember.devices.OptimizerKind kind, Strided param, Strided grad, Strided[] state,
                              double[] hyperparameters) {
        OptimizerKernels.check(kind, param, grad, state, hyperparameters);
        OptimizerKernels.step(kind, param, grad, state, hyperparameters);
        Reference.reachabilityFence(param);
        Reference.reachabilityFence(grad);
        Reference.reachabilityFence(state);
    }

    @Override
    public void im2col(Strided input, int[] kernel, int[] stride, int[] padding, int[] dilation, Strided columns) {
        operand("im2col", input);
        operand("im2col", columns);
        ConvolutionKernels.im2col(input, kernel, stride, padding, dilation, columns);
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(columns);
    }

    @Override
    public void col2im(Strided columns, int[] kernel, int[] stride, int[] padding, int[] dilation, Strided output) {
        operand("col2im", columns);
        operand("col2im", output);
        ConvolutionKernels.col2im(columns, kernel, stride, padding, dilation, output);
        Reference.reachabilityFence(columns);
        Reference.reachabilityFence(output);
    }

    @Override
    public boolean hasConvolution(DType dtype, int spatialDims) {
        return dtype == DType.FLOAT32 && spatialDims >= 1 && spatialDims <= 3 && Dnnl.available();
    }

    @Override
    public void convolution(Strided input, Strided weight, Strided bias, int[] stride, int[] padding, int[] dilation,
                            int groups, Strided output) {
        checkConvolution("convolution", input, weight, output, stride, padding, dilation, groups);
        if (bias != null) checkChannelVector("convolution", "bias", bias, output.layout().shape()[1]);
        DnnlConvolution.forward(input, weight, bias, stride, padding, dilation, groups, output);
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(weight);
        Reference.reachabilityFence(bias);
        Reference.reachabilityFence(output);
    }

    @Override
    public void convolutionBackwardInput(Strided gradOutput, Strided weight, int[] stride, int[] padding, int[] dilation,
                                         int groups, Strided gradInput) {
        checkConvolution("convolution_backward_input", gradInput, weight, gradOutput, stride, padding, dilation, groups);
        DnnlConvolution.backwardInput(gradOutput, weight, stride, padding, dilation, groups, gradInput);
        Reference.reachabilityFence(gradOutput);
        Reference.reachabilityFence(weight);
        Reference.reachabilityFence(gradInput);
    }

    @Override
    public void convolutionBackwardWeight(Strided input, Strided gradOutput, int[] stride, int[] padding, int[] dilation,
                                          int groups, Strided gradWeight) {
        checkConvolution("convolution_backward_weight", input, gradWeight, gradOutput, stride, padding, dilation, groups);
        if (NarrowConvolutionWeightGradient.applies(input, groups)) {
            NarrowConvolutionWeightGradient.compute(input, gradOutput, kernelOf(gradWeight), stride, padding, dilation, gradWeight, null);
        } else {
            DnnlConvolution.backwardWeight(input, gradOutput, stride, padding, dilation, groups, gradWeight);
        }
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(gradOutput);
        Reference.reachabilityFence(gradWeight);
    }

    @Override
    public boolean hasConvolutionBiasGradient(DType dtype) { return dtype == DType.FLOAT32 && Dnnl.available(); }

    @Override
    public void convolutionBackward(Strided gradOutput, Strided input, Strided weight, int[] stride, int[] padding,
                                    int[] dilation, int groups, Strided gradInput, Strided gradWeight, Strided gradBias) {
        String name = "convolution_backward";
        if (gradBias != null && gradWeight == null) {
            throw new IllegalArgumentException(name + ": a bias gradient is computed only with the weight gradient");
        }
        if (gradInput == null && gradWeight == null) return;
        if (gradInput != null) checkConvolution(name, gradInput, weight, gradOutput, stride, padding, dilation, groups);
        if (gradWeight != null) checkConvolution(name, input, gradWeight, gradOutput, stride, padding, dilation, groups);
        if (gradInput != null && gradWeight != null && !java.util.Arrays.equals(gradInput.layout().shape(), input.layout().shape())) {
            throw new IllegalArgumentException(name + ": input gradient of shape " + java.util.Arrays.toString(gradInput.layout().shape())
                    + " does not match the input's " + java.util.Arrays.toString(input.layout().shape()));
        }
        if (gradBias != null) checkChannelVector(name, "bias gradient", gradBias, gradOutput.layout().shape()[1]);
        if (gradWeight != null && NarrowConvolutionWeightGradient.applies(input, groups)) {
            NarrowConvolutionWeightGradient.compute(input, gradOutput, kernelOf(gradWeight), stride, padding, dilation, gradWeight, gradBias);
            if (gradInput != null) DnnlConvolution.backwardInput(gradOutput, weight, stride, padding, dilation, groups, gradInput);
        } else {
            DnnlConvolution.backward(gradOutput, input, weight, stride, padding, dilation, groups, gradInput, gradWeight, gradBias);
        }
        Reference.reachabilityFence(gradOutput);
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(weight);
        Reference.reachabilityFence(gradInput);
        Reference.reachabilityFence(gradWeight);
        Reference.reachabilityFence(gradBias);
    }

    /** A convolution's float32 bias (or bias gradient): contiguous, of shape {@code [channels]}. */
    private void checkChannelVector(String name, String what, Strided vector, long channels) {
        operand(name, vector);
        WindowGeometry.checkContiguous(name, what, vector);
        OperandChecks.dtype(name, what, vector, DType.FLOAT32);
        if (vector.layout().shape().length != 1 || vector.numel() != channels) {
            throw new IllegalArgumentException(name + ": " + what + " of shape " + java.util.Arrays.toString(vector.layout().shape())
                    + " does not match " + channels + " output channels");
        }
    }

    /** The spatial kernel size of a weight {@code [Cout, C/groups, *kernel]}. */
    private static int[] kernelOf(Strided weight) {
        long[] shape = weight.layout().shape();
        int[] kernel = new int[shape.length - 2];
        for (int d = 0; d < kernel.length; d++) kernel[d] = Math.toIntExact(shape[2 + d]);
        return kernel;
    }

    /**
     * Shapes, dtypes and layouts of a native convolution, checked before any native call:
     * {@code input [N, C, *in]}, {@code weight [Cout, C/groups, *kernel]}, {@code output [N, Cout, *out]}
     * with {@code out} the number of windows along each dim.
     */
    private void checkConvolution(String name, Strided input, Strided weight, Strided output, int[] stride, int[] padding,
                                  int[] dilation, int groups) {
        operand(name, input);
        operand(name, weight);
        operand(name, output);
        for (Strided s : new Strided[] {input, weight, output}) OperandChecks.dtype(name, "operand", s, DType.FLOAT32);
        WindowGeometry.checkContiguous(name, "input", input);
        WindowGeometry.checkContiguous(name, "weight", weight);
        WindowGeometry.checkContiguous(name, "output", output);
        long[] in = input.layout().shape();
        long[] w = weight.layout().shape();
        long[] out = output.layout().shape();
        int spatial = in.length - 2;
        boolean valid = spatial >= 1 && spatial <= 3 && w.length == in.length && out.length == in.length
                && stride.length == spatial && padding.length == spatial && dilation.length == spatial && groups >= 1
                && in[1] % groups == 0 && w[0] % groups == 0 && w[1] * groups == in[1] && out[0] == in[0] && out[1] == w[0];
        for (int d = 0; valid && d < spatial; d++) {
            long extent = (long) dilation[d] * (w[2 + d] - 1) + 1;
            valid = stride[d] >= 1 && dilation[d] >= 1 && padding[d] >= 0
                    && out[2 + d] == (in[2 + d] + 2L * padding[d] - extent) / stride[d] + 1 && out[2 + d] >= 1;
        }
        if (!valid) {
            throw new IllegalArgumentException(name + ": input " + java.util.Arrays.toString(in) + ", weight "
                    + java.util.Arrays.toString(w) + " and output " + java.util.Arrays.toString(out)
                    + " do not match stride " + java.util.Arrays.toString(stride) + ", padding " + java.util.Arrays.toString(padding)
                    + ", dilation " + java.util.Arrays.toString(dilation) + " and groups " + groups);
        }
    }

    @Override
    public boolean hasSoftmax(DType dtype) { return SoftmaxKernels.supports(dtype); }

    @Override
    public void softmax(Strided input, int dim, boolean log, Strided output) {
        int d = SoftmaxKernels.check(log ? "log_softmax" : "softmax", dim, input, output);
        SoftmaxKernels.forward(input, d, log, output);
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(output);
    }

    @Override
    public void softmaxBackward(Strided output, Strided gradOutput, int dim, boolean log, Strided gradInput) {
        int d = SoftmaxKernels.check(log ? "log_softmax_backward" : "softmax_backward", dim, output, gradOutput, gradInput);
        SoftmaxKernels.backward(output, gradOutput, d, log, gradInput);
        Reference.reachabilityFence(output);
        Reference.reachabilityFence(gradOutput);
        Reference.reachabilityFence(gradInput);
    }

    @Override
    public boolean hasLstmCell(DType dtype) { return LstmKernels.supports(dtype); }

    @Override
    public void lstmCell(Strided inputGates, Strided hiddenGates, Strided cellPrevious, Strided gates, Strided cell,
                         Strided hidden) {
        LstmKernels.checkForward(inputGates, hiddenGates, cellPrevious, gates, cell, hidden);
        LstmKernels.forward(inputGates, hiddenGates, cellPrevious, gates, cell, hidden);
        for (Strided s : new Strided[] {inputGates, hiddenGates, cellPrevious, gates, cell, hidden}) Reference.reachabilityFence(s);
    }

    @Override
    public void lstmCellBackward(Strided gates, Strided cellPrevious, Strided cell, Strided gradHidden,
                                 Strided gradHiddenExtra, Strided gradCell, Strided gradGates) {
        LstmKernels.checkBackward(gates, cellPrevious, cell, gradHidden, gradHiddenExtra, gradCell, gradGates);
        LstmKernels.backward(gates, cellPrevious, cell, gradHidden, gradHiddenExtra, gradCell, gradGates);
        for (Strided s : new Strided[] {gates, cellPrevious, cell, gradHidden, gradHiddenExtra, gradCell, gradGates}) {
            Reference.reachabilityFence(s);
        }
    }

    @Override
    public boolean hasNormalization(DType dtype) { return NormalizationKernels.supports(dtype); }

    @Override
    public void normalization(Strided input, long outer, long groups, long inner, Strided weight, Strided bias,
                              boolean affinePerGroup, double eps, boolean computeStatistics, Strided mean,
                              Strided inverseStd, Strided output) {
        NormalizationKernels.checkForward(input, outer, groups, inner, weight, bias, affinePerGroup, mean, inverseStd, output);
        NormalizationKernels.forward(input, outer, groups, inner, weight, bias, affinePerGroup, eps, computeStatistics, mean,
                inverseStd, output);
        for (Strided s : new Strided[] {input, weight, bias, mean, inverseStd, output}) Reference.reachabilityFence(s);
    }

    @Override
    public void normalizationBackward(Strided gradOutput, Strided input, long outer, long groups, long inner, Strided mean,
                                      Strided inverseStd, Strided weight, boolean affinePerGroup, Strided gradInput,
                                      Strided gradWeight, Strided gradBias) {
        NormalizationKernels.checkBackward(gradOutput, input, outer, groups, inner, mean, inverseStd, weight, affinePerGroup,
                gradInput, gradWeight, gradBias);
        NormalizationKernels.backward(gradOutput, input, outer, groups, inner, mean, inverseStd, weight, affinePerGroup,
                gradInput, gradWeight, gradBias);
        for (Strided s : new Strided[] {gradOutput, input, mean, inverseStd, weight, gradInput, gradWeight, gradBias}) {
            Reference.reachabilityFence(s);
        }
    }

    @Override
    public void maxPool(Strided input, int[] kernel, int[] stride, int[] padding, int[] dilation, Strided output,
                        Strided indices) {
        operand("max_pool", input);
        operand("max_pool", output);
        operand("max_pool", indices);
        PoolingKernels.maxPool(input, kernel, stride, padding, dilation, output, indices);
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(output);
        Reference.reachabilityFence(indices);
    }

    @Override
    public void maxPoolBackward(Strided gradOutput, Strided indices, Strided gradInput) {
        operand("max_pool_backward", gradOutput);
        operand("max_pool_backward", indices);
        operand("max_pool_backward", gradInput);
        PoolingKernels.maxPoolBackward(gradOutput, indices, gradInput);
        Reference.reachabilityFence(gradOutput);
        Reference.reachabilityFence(indices);
        Reference.reachabilityFence(gradInput);
    }
}
