package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Strided;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Max pooling with argmax indices over 1 to 3 spatial dims, parallel over (sample, channel)
 * planes. The indices are flat positions within each input plane, as PyTorch returns them, so
 * the backward pass is a scatter-add of the output gradient into the input at those positions.
 *
 * <pre>{@code
 * PoolingKernels.maxPool(x, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, out, indices);
 * }</pre>
 */
final class PoolingKernels {

    private PoolingKernels() {}

    static void maxPool(Strided input, int[] kernel, int[] stride, int[] padding, int[] dilation, Strided output,
                        Strided indices) {
        long[] outShape = output.layout().shape();
        long[] inShape = input.layout().shape();
        if (outShape.length != inShape.length || outShape.length < 3 || outShape[0] != inShape[0] || outShape[1] != inShape[1]) {
            throw new IllegalArgumentException("max_pool: output of shape " + Arrays.toString(outShape)
                    + " does not match input of shape " + Arrays.toString(inShape));
        }
        WindowGeometry g = WindowGeometry.of("max_pool", input.layout(), kernel, stride, padding, dilation,
                Arrays.copyOfRange(outShape, 2, outShape.length));
        ConvolutionKernels.checkFloating("max_pool", input, output);
        OperandChecks.dtype("max_pool", "indices", indices, DType.INT64);
        OperandChecks.sameShape("max_pool", output, indices);
        WindowGeometry.checkContiguous("max_pool", "output", output);
        WindowGeometry.checkContiguous("max_pool", "indices", indices);
        if (output.numel() == 0) return;
        MemorySegment src = ((CpuBuffer) input.buffer()).segment();
        MemorySegment dst = ((CpuBuffer) output.buffer()).segment();
        MemorySegment idx = ((CpuBuffer) indices.buffer()).segment();
        boolean single = input.dtype() == DType.FLOAT32;
        long inOffset = input.layout().offset();
        long outOffset = output.layout().offset();
        long idxOffset = indices.layout().offset();
        long windows = g.windowCount();
        boolean densePlanes = g.inStride[2] == 1 && g.inStride[1] == g.in[2] && (g.in[0] == 1 || g.inStride[0] == g.in[1] * g.in[2]);
        if (single && densePlanes && g.planeSize() <= Integer.MAX_VALUE && windows <= Integer.MAX_VALUE) {
            Parallel.forRange(g.batch * g.channels, windows * g.kernelVolume(),
                    (start, end) -> floatPlanes(g, src, inOffset, dst, outOffset, idx, idxOffset, start, end));
            return;
        }
        Parallel.forRange(g.batch * g.channels, windows * g.kernelVolume(), (start, end) -> {
            for (long plane = start; plane < end; plane++) {
                long inBase = inOffset + (plane / g.channels) * g.batchStride + (plane % g.channels) * g.channelStride;
                long o = plane * windows;
                for (long od = 0; od < g.out[0]; od++) {
                    for (long oh = 0; oh < g.out[1]; oh++) {
                        long rowOut = o + (od * g.out[1] + oh) * g.out[2];
                        if (single) {
                            floatRow(g, src, inBase, od, oh, dst, outOffset + rowOut, idx, idxOffset + rowOut);
                        } else {
                            for (long ow = 0; ow < g.out[2]; ow++) {
                                window(g, false, src, inBase, od, oh, ow, dst, outOffset + rowOut + ow, idx, idxOffset + rowOut + ow);
                            }
                        }
                    }
                }
            }
        });
    }

    /** Planes per block of {@link #pairPlaneBlocks}: enough windows to fill vectors, few enough to stay in L1/L2. */
    private static final int BLOCK_CELLS = 8192;

    /**
     * 2×2 stride-2 pooling of narrow, consecutive planes (contiguous NCHW): blocks of planes are
     * copied in, pooled together by {@link MaxPoolPairs#poolPlanes} and copied out in bulk, so
     * the per-plane costs (three copies and a call) of {@link #floatPlanes} are paid per block.
     */
    private static void pairPlaneBlocks(WindowGeometry g, MemorySegment src, long inOffset, MemorySegment dst, long outOffset,
                                        MemorySegment idx, long idxOffset, long start, long end) {
        int planeSize = (int) g.planeSize();
        int windows = (int) g.windowCount();
        int blockPlanes = (int) Math.max(1, Math.min(end - start, BLOCK_CELLS / planeSize));
        float[] in = new float[blockPlanes * planeSize];
        float[] out = new float[blockPlanes * windows];
        long[] positions = new long[blockPlanes * windows];
        MaxPoolPairs.Corners corners = MaxPoolPairs.Corners.of(blockPlanes, planeSize, (int) g.in[2], (int) g.out[1], (int) g.out[2]);
        for (long plane = start; plane < end; plane += blockPlanes) {
            int count = (int) Math.min(blockPlanes, end - plane);
            MemorySegment.copy(src, Elements.F32, (inOffset + plane * planeSize) * 4, in, 0, count * planeSize);
            MaxPoolPairs.poolPlanes(in, (int) g.in[2], count * windows, corners, out, positions);
            MemorySegment.copy(out, 0, dst, Elements.F32, (outOffset + plane * windows) * 4, count * windows);
            MemorySegment.copy(positions, 0, idx, Elements.I64, (idxOffset + plane * windows) * 8, count * windows);
        }
    }

    /**
     * float32 planes stored densely: each plane is copied into a Java array, pooled there (a
     * tight loop the JIT compiles well) and the results copied out in bulk.
     */
    private static void floatPlanes(WindowGeometry g, MemorySegment src, long inOffset, MemorySegment dst, long outOffset,
                                    MemorySegment idx, long idxOffset, long start, long end) {
        int planeSize = (int) g.planeSize();
        int windows = (int) g.windowCount();
        float[] in = new float[planeSize];
        float[] out = new float[windows];
        long[] positions = new long[windows];
        final int inD = (int) g.in[0], inH = (int) g.in[1], inW = (int) g.in[2];
        final int kD = g.kernel[0], kH = g.kernel[1], kW = g.kernel[2];
        final int dilD = g.dilation[0], dilH = g.dilation[1], dilW = g.dilation[2];
        final int outD = (int) g.out[0], outH = (int) g.out[1], outW = (int) g.out[2];
        // 1-D/2-D pooling whose windows all lie inside the input (no padding or dilation, no
        // ceil-mode overhang): the common case, without a bounds check per cell
        boolean insideOnly = inD == 1 && kD == 1 && outD == 1 && g.padding[1] == 0 && g.padding[2] == 0
                && dilH == 1 && dilW == 1 && (long) (outH - 1) * g.stride[1] + kH <= inH
                && (long) (outW - 1) * g.stride[2] + kW <= inW;
        boolean consecutivePlanes = g.channelStride == planeSize && (g.batch == 1 || g.batchStride == g.channels * planeSize);
        if (insideOnly && kH == 2 && kW == 2 && g.stride[1] == 2 && g.stride[2] == 2 && consecutivePlanes
                && MaxPoolPairs.narrow(outW)) {
            pairPlaneBlocks(g, src, inOffset, dst, outOffset, idx, idxOffset, start, end);
            return;
        }
        for (long plane = start; plane < end; plane++) {
            long inBase = inOffset + (plane / g.channels) * g.batchStride + (plane % g.channels) * g.channelStride;
            MemorySegment.copy(src, Elements.F32, inBase * 4, in, 0, planeSize);
            if (insideOnly && kH == 2 && kW == 2 && g.stride[1] == 2 && g.stride[2] == 2) {
                MaxPoolPairs.pool(in, inW, outH, outW, out, positions);
                MemorySegment.copy(out, 0, dst, Elements.F32, (outOffset + plane * windows) * 4, windows);
                MemorySegment.copy(positions, 0, idx, Elements.I64, (idxOffset + plane * windows) * 8, windows);
                continue;
            }
            if (insideOnly) {
                pool2dInside(in, inW, kH, kW, g.stride[1], g.stride[2], outH, outW, out, positions);
                MemorySegment.copy(out, 0, dst, Elements.F32, (outOffset + plane * windows) * 4, windows);
                MemorySegment.copy(positions, 0, idx, Elements.I64, (idxOffset + plane * windows) * 8, windows);
                continue;
            }
            int o = 0;
            for (int od = 0; od < outD; od++) {
                int d0 = od * g.stride[0] - g.padding[0];
                for (int oh = 0; oh < outH; oh++) {
                    int h0 = oh * g.stride[1] - g.padding[1];
                    for (int ow = 0; ow < outW; ow++, o++) {
                        int w0 = ow * g.stride[2] - g.padding[2];
                        float best = Float.NEGATIVE_INFINITY;
                        int bestIndex = -1;
                        for (int kd = 0; kd < kD; kd++) {
                            int id = d0 + kd * dilD;
                            if (id < 0 || id >= inD) continue;
                            for (int kh = 0; kh < kH; kh++) {
                                int ih = h0 + kh * dilH;
                                if (ih < 0 || ih >= inH) continue;
                                int row = (id * inH + ih) * inW;
                                for (int kw = 0; kw < kW; kw++) {
                                    int iw = w0 + kw * dilW;
                                    if (iw < 0 || iw >= inW) continue;
                                    float value = in[row + iw];
                                    if (value > best || Float.isNaN(value) || bestIndex < 0) {
                                        best = value;
                                        bestIndex = row + iw;
                                    }
                                }
                            }
                        }
                        out[o] = best;
                        positions[o] = Math.max(bestIndex, 0);
                    }
                }
            }
            MemorySegment.copy(out, 0, dst, Elements.F32, (outOffset + plane * windows) * 4, windows);
            MemorySegment.copy(positions, 0, idx, Elements.I64, (idxOffset + plane * windows) * 8, windows);
        }
    }

    /** Max pooling of one plane whose windows lie inside it; NaN wins, the last NaN of a window as in PyTorch. */
    private static void pool2dInside(float[] in, int inW, int kH, int kW, int strideH, int strideW, int outH, int outW,
                                     float[] out, long[] positions) {
        int o = 0;
        for (int oh = 0; oh < outH; oh++) {
            int rowStart = oh * strideH * inW;
            for (int ow = 0; ow < outW; ow++, o++) {
                int first = rowStart + ow * strideW;
                float best = in[first];
                int bestIndex = first;
                for (int kh = 0; kh < kH; kh++) {
                    int row = first + kh * inW;
                    for (int kw = kh == 0 ? 1 : 0; kw < kW; kw++) {
                        float value = in[row + kw];
                        if (value > best || value != value) {
                            best = value;
                            bestIndex = row + kw;
                        }
                    }
                }
                out[o] = best;
                positions[o] = bestIndex;
            }
        }
    }

    /**
     * The gradient of max pooling: each plane of {@code gradInput} is built in a Java array
     * (zeros plus every window's gradient at its saved position) and copied out in bulk. Planes
     * are disjoint, so they run in parallel without locking; an index outside its plane is an
     * error raised before that plane is written.
     */
    static void maxPoolBackward(Strided gradOutput, Strided indices, Strided gradInput) {
        long[] outShape = gradOutput.layout().shape();
        long[] inShape = gradInput.layout().shape();
        if (outShape.length != inShape.length || outShape.length < 3 || outShape[0] != inShape[0] || outShape[1] != inShape[1]) {
            throw new IllegalArgumentException("max_pool_backward: gradient of shape " + Arrays.toString(outShape)
                    + " does not match an input gradient of shape " + Arrays.toString(inShape));
        }
        ConvolutionKernels.checkFloating("max_pool_backward", gradOutput, gradInput);
        OperandChecks.dtype("max_pool_backward", "indices", indices, DType.INT64);
        OperandChecks.sameShape("max_pool_backward", gradOutput, indices);
        WindowGeometry.checkContiguous("max_pool_backward", "gradient", gradOutput);
        WindowGeometry.checkContiguous("max_pool_backward", "indices", indices);
        WindowGeometry.checkContiguous("max_pool_backward", "input gradient", gradInput);
        long planes = inShape[0] * inShape[1];
        if (planes == 0 || gradInput.numel() == 0) return;
        long planeSize = gradInput.numel() / planes;
        long windows = gradOutput.numel() / planes;
        if (planeSize > Integer.MAX_VALUE - 8 || windows > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("max_pool_backward: planes of " + planeSize + " elements are too large");
        }
        MemorySegment g = ((CpuBuffer) gradOutput.buffer()).segment();
        MemorySegment idx = ((CpuBuffer) indices.buffer()).segment();
        MemorySegment dst = ((CpuBuffer) gradInput.buffer()).segment();
        long gOffset = gradOutput.layout().offset();
        long idxOffset = indices.layout().offset();
        long dstOffset = gradInput.layout().offset();
        boolean single = gradInput.dtype() == DType.FLOAT32;
        Parallel.forRange(planes, planeSize + 2 * windows, (start, end) -> {
            int size = (int) planeSize;
            int count = (int) windows;
            long[] positions = new long[count];
            if (single) {
                float[] plane = new float[size];
                float[] grads = new float[count];
                for (long p = start; p < end; p++) {
                    MemorySegment.copy(idx, Elements.I64, (idxOffset + p * windows) * 8, positions, 0, count);
                    MemorySegment.copy(g, Elements.F32, (gOffset + p * windows) * 4, grads, 0, count);
                    checkPositions(positions, size);
                    Arrays.fill(plane, 0f);
                    for (int w = 0; w < count; w++) plane[(int) positions[w]] += grads[w];
                    MemorySegment.copy(plane, 0, dst, Elements.F32, (dstOffset + p * planeSize) * 4, size);
                }
            } else {
                double[] plane = new double[size];
                double[] grads = new double[count];
                for (long p = start; p < end; p++) {
                    MemorySegment.copy(idx, Elements.I64, (idxOffset + p * windows) * 8, positions, 0, count);
                    MemorySegment.copy(g, Elements.F64, (gOffset + p * windows) * 8, grads, 0, count);
                    checkPositions(positions, size);
                    Arrays.fill(plane, 0.0);
                    for (int w = 0; w < count; w++) plane[(int) positions[w]] += grads[w];
                    MemorySegment.copy(plane, 0, dst, Elements.F64, (dstOffset + p * planeSize) * 8, size);
                }
            }
        });
    }

    private static void checkPositions(long[] positions, int planeSize) {
        for (long position : positions) {
            if (position < 0 || position >= planeSize) {
                throw new IndexOutOfBoundsException("max_pool_backward: index " + position
                        + " is out of bounds for an input plane of " + planeSize + " elements");
            }
        }
    }

    /** One output row of float32 windows, with every geometry value in a local so the loop stays tight. */
    private static void floatRow(WindowGeometry g, MemorySegment src, long inBase, long od, long oh, MemorySegment dst,
                                 long outIndex, MemorySegment idx, long idxIndex) {
        final long inD = g.in[0], inH = g.in[1], inW = g.in[2];
        final long strideD = g.inStride[0], strideH = g.inStride[1], strideW = g.inStride[2];
        final int kD = g.kernel[0], kH = g.kernel[1], kW = g.kernel[2];
        final long dilD = g.dilation[0], dilH = g.dilation[1], dilW = g.dilation[2];
        final long stepW = g.stride[2];
        final long outW = g.out[2];
        final long d0 = od * g.stride[0] - g.padding[0];
        final long h0 = oh * g.stride[1] - g.padding[1];
        long w0 = -g.padding[2];
        for (long ow = 0; ow < outW; ow++, w0 += stepW) {
            float best = Float.NEGATIVE_INFINITY;
            long bestIndex = -1;
            for (int kd = 0; kd < kD; kd++) {
                long id = d0 + kd * dilD;
                if (id < 0 || id >= inD) continue;
                for (int kh = 0; kh < kH; kh++) {
                    long ih = h0 + kh * dilH;
                    if (ih < 0 || ih >= inH) continue;
                    long rowBase = inBase + id * strideD + ih * strideH;
                    long flatRow = (id * inH + ih) * inW;
                    for (int kw = 0; kw < kW; kw++) {
                        long iw = w0 + kw * dilW;
                        if (iw < 0 || iw >= inW) continue;
                        float value = src.getAtIndex(Elements.F32, rowBase + iw * strideW);
                        // NaN propagates, as in PyTorch: a NaN cell always takes the window
                        if (value > best || Float.isNaN(value) || bestIndex < 0) {
                            best = value;
                            bestIndex = flatRow + iw;
                        }
                    }
                }
            }
            dst.setAtIndex(Elements.F32, outIndex + ow, best);
            idx.setAtIndex(Elements.I64, idxIndex + ow, Math.max(bestIndex, 0));
        }
    }

    private static void window(WindowGeometry g, boolean single, MemorySegment src, long inBase, long od, long oh, long ow,
                               MemorySegment dst, long outIndex, MemorySegment idx, long idxIndex) {
        long d0 = od * g.stride[0] - g.padding[0];
        long h0 = oh * g.stride[1] - g.padding[1];
        long w0 = ow * g.stride[2] - g.padding[2];
        double best = Double.NEGATIVE_INFINITY;
        long bestIndex = -1;
        for (int kd = 0; kd < g.kernel[0]; kd++) {
            long id = d0 + (long) kd * g.dilation[0];
            if (id < 0 || id >= g.in[0]) continue;
            for (int kh = 0; kh < g.kernel[1]; kh++) {
                long ih = h0 + (long) kh * g.dilation[1];
                if (ih < 0 || ih >= g.in[1]) continue;
                long rowBase = inBase + id * g.inStride[0] + ih * g.inStride[1];
                long flatRow = (id * g.in[1] + ih) * g.in[2];
                for (int kw = 0; kw < g.kernel[2]; kw++) {
                    long iw = w0 + (long) kw * g.dilation[2];
                    if (iw < 0 || iw >= g.in[2]) continue;
                    long at = rowBase + iw * g.inStride[2];
                    double value = single ? src.getAtIndex(Elements.F32, at) : src.getAtIndex(Elements.F64, at);
                    // NaN propagates, as in PyTorch: a NaN cell always takes the window
                    if (value > best || Double.isNaN(value) || bestIndex < 0) {
                        best = value;
                        bestIndex = flatRow + iw;
                    }
                }
            }
        }
        if (single) dst.setAtIndex(Elements.F32, outIndex, (float) best);
        else dst.setAtIndex(Elements.F64, outIndex, best);
        idx.setAtIndex(Elements.I64, idxIndex, Math.max(bestIndex, 0));
    }
}
