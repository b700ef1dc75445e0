package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.Strided;

import java.lang.foreign.MemorySegment;

/**
 * The weight and bias gradients of a float32 convolution with fewer input channels than a
 * vector block (the first layer of a grayscale or RGB network), as im2col and one GEMM per
 * sample: {@code gradWeight += gradOutput[n] (Cout x L) times columns[n]^T (L x C*K)}, and the
 * bias gradient as the same product with a column of ones. Why not oneDNN: its weight-gradient
 * kernels pad the input channels to a block of 8, so a single-channel input costs eight times its
 * work (measured: a [64, 1, 28, 28] to 32-channel 3×3 layer took 6.5 ms of single-thread time,
 * this about 1).
 *
 * <p>Samples are split over the pool; each part sums its samples into a buffer of its own, and
 * the parts are then added in part order, so a given batch always gives the same sums.
 *
 * <pre>{@code
 * if (NarrowConvolutionWeightGradient.applies(input, groups)) {
 *     NarrowConvolutionWeightGradient.compute(input, gradOutput, kernel, stride, padding, dilation, gradWeight, gradBias);
 * }
 * }</pre>
 */
final class NarrowConvolutionWeightGradient {

    /** Input channels below this take this path: oneDNN's AVX2 kernels work on blocks of 8. */
    static final long NARROW_CHANNELS = 8;

    /**
     * The columns of at most this many bytes are made at a time, a block of samples each, so a
     * large input (a [16, 3, 224, 224] batch with a 7×7 kernel would need 118 MB) costs a bounded
     * buffer. The last block may be partial; every part must get a sample of the first block.
     */
    private static final long COLUMN_BYTES = 16L << 20;

    private NarrowConvolutionWeightGradient() {}

    static boolean applies(Strided input, int groups) {
        return groups == 1 && input.dtype() == DType.FLOAT32 && input.layout().size(1) < NARROW_CHANNELS
                && input.layout().size(0) > 0;
    }

    /**
     * Writes the weight gradient (and the bias gradient, when {@code gradBias} is not null) of a
     * convolution whose shapes the caller has checked: input {@code [N, C, *spatial]}, output
     * gradient {@code [N, Cout, *outSpatial]}, all contiguous.
     */
    static void compute(Strided input, Strided gradOutput, int[] kernel, int[] stride, int[] padding, int[] dilation,
                        Strided gradWeight, Strided gradBias) {
        long samples = input.layout().size(0);
        long outChannels = gradOutput.layout().size(1);
        long cells = gradWeight.numel() / outChannels;
        long windows = gradOutput.numel() / (samples * outChannels);
        long blockSamples = Math.clamp(COLUMN_BYTES / Math.max(1, cells * windows * 4), 1, samples);
        Strided columns = nativeBuffer(blockSamples, cells, windows);
        Strided gradient = gradOutput;
        Strided ones = null;
        int parts = (int) Math.min(Parallel.threads(), blockSamples);
        Strided partials = nativeBuffer(parts, outChannels, cells + 1);
        try {
            if (!((CpuBuffer) gradient.buffer()).isNative()) {
                gradient = nativeBuffer(samples, outChannels, windows);
                CopyKernels.copy(gradOutput, gradient);
            }
            boolean bias = gradBias != null;
            if (bias) {
                ones = nativeBuffer(1, 1, windows);
                CopyKernels.fill(ones, 1);
            }
            long columnsAddress = address(columns);
            long gradientAddress = address(gradient);
            long onesAddress = bias ? address(ones) : 0;
            long partialsAddress = address(partials);
            for (long block = 0; block < samples; block += blockSamples) {
                long first = block;
                long count = Math.min(blockSamples, samples - block);
                Strided blockInput = new Strided(input.buffer(), input.layout().narrow(0, first, count), input.dtype());
                Strided blockColumns = new Strided(columns.buffer(), columns.layout().narrow(0, 0, count), DType.FLOAT32);
                ConvolutionKernels.im2col(blockInput, kernel, stride, padding, dilation, blockColumns);
                Parallel.forRange(parts, count / parts * outChannels * (cells + 1) * windows, (start, end) -> {
                    for (long part = start; part < end; part++) {
                        long weightPartial = partialsAddress + part * outChannels * (cells + 1) * 4;
                        long biasPartial = weightPartial + outChannels * cells * 4;
                        for (long n = count * part / parts; n < count * (part + 1) / parts; n++) {
                            // each part's first sample of the first block starts its sums
                            float beta = first == 0 && n == count * part / parts ? 0f : 1f;
                            long sampleGradient = gradientAddress + (first + n) * outChannels * windows * 4;
                            MatmulKernel.sgemmOnThisThread(false, true, outChannels, cells, windows, sampleGradient, windows,
                                    columnsAddress + n * cells * windows * 4, windows, beta, weightPartial, cells);
                            if (bias) {
                                MatmulKernel.sgemmOnThisThread(false, false, outChannels, 1, windows, sampleGradient, windows,
                                        onesAddress, 1, beta, biasPartial, 1);
                            }
                        }
                    }
                });
            }
            MemorySegment sums = ((CpuBuffer) partials.buffer()).segment();
            addParts(sums, parts, outChannels * (cells + 1), 0, outChannels * cells, gradWeight);
            if (bias) addParts(sums, parts, outChannels * (cells + 1), outChannels * cells, outChannels, gradBias);
        } finally {
            columns.buffer().close();
            partials.buffer().close();
            if (ones != null) ones.buffer().close();
            if (gradient != gradOutput) gradient.buffer().close();
        }
    }

    /** {@code target[i] = sum over parts of sums[part * partStride + first + i]}, in part order. */
    private static void addParts(MemorySegment sums, int parts, long partStride, long first, long count, Strided target) {
        MemorySegment out = ((CpuBuffer) target.buffer()).segment();
        long base = target.layout().offset();
        for (long i = 0; i < count; i++) {
            float sum = sums.getAtIndex(Elements.F32, first + i);
            for (int part = 1; part < parts; part++) sum += sums.getAtIndex(Elements.F32, part * partStride + first + i);
            out.setAtIndex(Elements.F32, base + i, sum);
        }
    }

    private static Strided nativeBuffer(long... shape) {
        long count = 1;
        for (long dim : shape) count *= dim;
        return new Strided(CpuBuffer.allocateNative(count * 4, false), Layout.contiguous(shape), DType.FLOAT32);
    }

    private static long address(Strided s) {
        return ((CpuBuffer) s.buffer()).address() + s.layout().offset() * 4;
    }
}
