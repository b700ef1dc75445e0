package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Strided;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * im2col and col2im, the two halves of convolution as GEMM: im2col lays every sliding window
 * of an {@code [N, C, *spatial]} input out as a column of {@code [N, C * prod(kernel), windows]},
 * so a convolution is one matrix product per sample; col2im sums columns back into an image,
 * which is the input gradient (and the transposed convolution). Both run over (sample, channel)
 * planes in parallel; each plane writes a disjoint part of its output, so no locking is needed.
 * Rows along the width with unit stride are bulk copies (im2col) or vector adds (col2im).
 * The columns need unit-stride rows only: a {@code [C*K, N, L]} buffer seen as {@code [N, C*K, L]}
 * lets a convolution multiply the whole batch in one GEMM.
 *
 * <pre>{@code
 * ConvolutionKernels.im2col(x, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, columns);
 * }</pre>
 */
final class ConvolutionKernels {

    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private ConvolutionKernels() {}

    static void im2col(Strided input, int[] kernel, int[] stride, int[] padding, int[] dilation, Strided columns) {
        WindowGeometry g = WindowGeometry.of("im2col", input.layout(), kernel, stride, padding, dilation, null);
        checkFloating("im2col", input, columns);
        checkColumns("im2col", g, columns);
        long k = g.kernelVolume();
        long windows = g.windowCount();
        if (columns.numel() == 0) return;
        MemorySegment src = ((CpuBuffer) input.buffer()).segment();
        MemorySegment dst = ((CpuBuffer) columns.buffer()).segment();
        boolean single = input.dtype() == DType.FLOAT32;
        long inOffset = input.layout().offset();
        long colOffset = columns.layout().offset();
        long sampleStride = columns.layout().stride(0);
        long rowStride = columns.layout().stride(1);
        boolean densePlanes = g.in[0] == 1 && g.kernel[0] == 1 && (g.inStride[2] == 1 || g.in[2] == 1)
                && (g.inStride[1] == g.in[2] || g.in[1] == 1) && g.planeSize() < Integer.MAX_VALUE && windows < Integer.MAX_VALUE;
        if (single && densePlanes) {
            Parallel.forRange(g.batch * g.channels, k * windows, (start, end) -> {
                float[] plane = new float[(int) g.planeSize()];
                float[] row = new float[(int) windows];
                for (long p = start; p < end; p++) {
                    long n = p / g.channels;
                    long c = p % g.channels;
                    MemorySegment.copy(src, Elements.F32, (inOffset + n * g.batchStride + c * g.channelStride) * 4, plane, 0,
                            plane.length);
                    long rowBase = colOffset + n * sampleStride + c * k * rowStride;
                    for (int kh = 0; kh < g.kernel[1]; kh++) {
                        for (int kw = 0; kw < g.kernel[2]; kw++) {
                            floatRow2d(g, plane, row, kh, kw);
                            MemorySegment.copy(row, 0, dst, Elements.F32, rowBase * 4, row.length);
                            rowBase += rowStride;
                        }
                    }
                }
            });
            return;
        }
        Parallel.forRange(g.batch * g.channels, k * windows, (start, end) -> {
            for (long plane = start; plane < end; plane++) {
                long n = plane / g.channels;
                long c = plane % g.channels;
                long inBase = inOffset + n * g.batchStride + c * g.channelStride;
                long rowBase = colOffset + n * sampleStride + c * k * rowStride;
                for (int kd = 0; kd < g.kernel[0]; kd++) {
                    for (int kh = 0; kh < g.kernel[1]; kh++) {
                        for (int kw = 0; kw < g.kernel[2]; kw++) {
                            im2colRow(g, single, src, inBase, dst, rowBase, kd, kh, kw);
                            rowBase += rowStride;
                        }
                    }
                }
            }
        });
    }

    /**
     * One column row of a 2-D float32 plane held in a Java array: kernel cell (kh, kw) of every
     * window. Built on the heap and stored with one bulk copy, since a row is made of runs as
     * short as the output width and a segment copy per run would cost more than the data.
     */
    private static void floatRow2d(WindowGeometry g, float[] plane, float[] row, int kh, int kw) {
        int inH = (int) g.in[1], inW = (int) g.in[2];
        int outH = (int) g.out[1], outW = (int) g.out[2];
        int strideH = g.stride[1], strideW = g.stride[2];
        int shiftH = kh * g.dilation[1] - g.padding[1];
        int shiftW = kw * g.dilation[2] - g.padding[2];
        int wStart = (int) g.firstInside(2, shiftW);
        int wEnd = Math.max(wStart, (int) g.endInside(2, shiftW));
        int count = wEnd - wStart;
        for (int oh = 0; oh < outH; oh++) {
            int ih = oh * strideH + shiftH;
            int target = oh * outW;
            if (ih < 0 || ih >= inH) {
                Arrays.fill(row, target, target + outW, 0f);
                continue;
            }
            if (wStart > 0) Arrays.fill(row, target, target + wStart, 0f);
            if (wEnd < outW) Arrays.fill(row, target + wEnd, target + outW, 0f);
            if (count == 0) continue;
            int source = ih * inW + wStart * strideW + shiftW;
            if (strideW == 1) {
                System.arraycopy(plane, source, row, target + wStart, count);
            } else {
                for (int j = 0; j < count; j++) row[target + wStart + j] = plane[source + j * strideW];
            }
        }
    }

    /** The adjoint of {@link #floatRow2d}: adds one column row into a 2-D float32 plane held in a Java array. */
    private static void addRow2d(WindowGeometry g, float[] row, float[] plane, int kh, int kw) {
        int inW = (int) g.in[2];
        int outW = (int) g.out[2];
        int strideH = g.stride[1], strideW = g.stride[2];
        int shiftH = kh * g.dilation[1] - g.padding[1];
        int shiftW = kw * g.dilation[2] - g.padding[2];
        int wStart = (int) g.firstInside(2, shiftW);
        int count = Math.max(wStart, (int) g.endInside(2, shiftW)) - wStart;
        if (count == 0) return;
        int hEnd = (int) g.endInside(1, shiftH);
        for (int oh = (int) g.firstInside(1, shiftH); oh < hEnd; oh++) {
            int source = oh * outW + wStart;
            int target = (oh * strideH + shiftH) * inW + wStart * strideW + shiftW;
            if (strideW == 1) {
                for (int j = 0; j < count; j++) plane[target + j] += row[source + j];
            } else {
                for (int j = 0; j < count; j++) plane[target + j * strideW] += row[source + j];
            }
        }
    }

    /** One column row: kernel cell (kd, kh, kw) of every window. */
    private static void im2colRow(WindowGeometry g, boolean single, MemorySegment src, long inBase, MemorySegment dst,
                                  long rowBase, int kd, int kh, int kw) {
        long shiftD = (long) kd * g.dilation[0] - g.padding[0];
        long shiftH = (long) kh * g.dilation[1] - g.padding[1];
        long shiftW = (long) kw * g.dilation[2] - g.padding[2];
        long outH = g.out[1];
        long outW = g.out[2];
        long wStart = g.firstInside(2, shiftW);
        long wEnd = Math.max(wStart, g.endInside(2, shiftW));
        int size = single ? 4 : 8;
        long strideW = g.inStride[2];
        boolean bulk = g.stride[2] == 1 && strideW == 1;
        for (long od = 0; od < g.out[0]; od++) {
            long id = od * g.stride[0] + shiftD;
            long planeRow = rowBase + od * outH * outW;
            if (id < 0 || id >= g.in[0]) {
                zero(dst, planeRow, outH * outW, size);
                continue;
            }
            for (long oh = 0; oh < outH; oh++) {
                long ih = oh * g.stride[1] + shiftH;
                long target = planeRow + oh * outW;
                if (ih < 0 || ih >= g.in[1]) {
                    zero(dst, target, outW, size);
                    continue;
                }
                zero(dst, target, wStart, size);
                zero(dst, target + wEnd, outW - wEnd, size);
                long source = inBase + id * g.inStride[0] + ih * g.inStride[1] + (wStart * g.stride[2] + shiftW) * strideW;
                long count = wEnd - wStart;
                if (bulk) {
                    MemorySegment.copy(src, source * size, dst, (target + wStart) * size, count * size);
                } else {
                    long step = g.stride[2] * strideW;
                    if (single) {
                        for (long j = 0; j < count; j++) {
                            dst.setAtIndex(Elements.F32, target + wStart + j, src.getAtIndex(Elements.F32, source + j * step));
                        }
                    } else {
                        for (long j = 0; j < count; j++) {
                            dst.setAtIndex(Elements.F64, target + wStart + j, src.getAtIndex(Elements.F64, source + j * step));
                        }
                    }
                }
            }
        }
    }

    static void col2im(Strided columns, int[] kernel, int[] stride, int[] padding, int[] dilation, Strided output) {
        WindowGeometry g = WindowGeometry.of("col2im", output.layout(), kernel, stride, padding, dilation, null);
        checkFloating("col2im", columns, output);
        checkColumns("col2im", g, columns);
        WindowGeometry.checkContiguous("col2im", "output", output);
        if (output.numel() == 0) return;
        long k = g.kernelVolume();
        long windows = g.windowCount();
        long planeSize = g.planeSize();
        MemorySegment src = ((CpuBuffer) columns.buffer()).segment();
        MemorySegment dst = ((CpuBuffer) output.buffer()).segment();
        boolean single = output.dtype() == DType.FLOAT32;
        int size = single ? 4 : 8;
        long colOffset = columns.layout().offset();
        long outOffset = output.layout().offset();
        long sampleStride = columns.layout().stride(0);
        long rowStride = columns.layout().stride(1);
        if (single && g.in[0] == 1 && g.kernel[0] == 1 && planeSize < Integer.MAX_VALUE && windows < Integer.MAX_VALUE) {
            Parallel.forRange(g.batch * g.channels, k * windows, (start, end) -> {
                float[] plane = new float[(int) planeSize];
                float[] row = new float[(int) windows];
                for (long p = start; p < end; p++) {
                    Arrays.fill(plane, 0f);
                    long rowBase = colOffset + (p / g.channels) * sampleStride + (p % g.channels) * k * rowStride;
                    for (int kh = 0; kh < g.kernel[1]; kh++) {
                        for (int kw = 0; kw < g.kernel[2]; kw++) {
                            MemorySegment.copy(src, Elements.F32, rowBase * 4, row, 0, row.length);
                            addRow2d(g, row, plane, kh, kw);
                            rowBase += rowStride;
                        }
                    }
                    MemorySegment.copy(plane, 0, dst, Elements.F32, (outOffset + p * planeSize) * 4, plane.length);
                }
            });
            return;
        }
        Parallel.forRange(g.batch * g.channels, k * windows, (start, end) -> {
            for (long plane = start; plane < end; plane++) {
                long outBase = outOffset + plane * planeSize;
                zero(dst, outBase, planeSize, size);
                long rowBase = colOffset + (plane / g.channels) * sampleStride + (plane % g.channels) * k * rowStride;
                for (int kd = 0; kd < g.kernel[0]; kd++) {
                    for (int kh = 0; kh < g.kernel[1]; kh++) {
                        for (int kw = 0; kw < g.kernel[2]; kw++) {
                            col2imRow(g, single, src, rowBase, dst, outBase, kd, kh, kw);
                            rowBase += rowStride;
                        }
                    }
                }
            }
        });
    }

    private static void col2imRow(WindowGeometry g, boolean single, MemorySegment src, long rowBase, MemorySegment dst,
                                  long outBase, int kd, int kh, int kw) {
        long shiftD = (long) kd * g.dilation[0] - g.padding[0];
        long shiftH = (long) kh * g.dilation[1] - g.padding[1];
        long shiftW = (long) kw * g.dilation[2] - g.padding[2];
        long outH = g.out[1];
        long outW = g.out[2];
        long wStart = g.firstInside(2, shiftW);
        long wEnd = Math.max(wStart, g.endInside(2, shiftW));
        long count = wEnd - wStart;
        if (count == 0) return;
        long dStart = g.firstInside(0, shiftD);
        long dEnd = g.endInside(0, shiftD);
        long hStart = g.firstInside(1, shiftH);
        long hEnd = g.endInside(1, shiftH);
        long step = g.stride[2];
        for (long od = dStart; od < dEnd; od++) {
            long id = od * g.stride[0] + shiftD;
            for (long oh = hStart; oh < hEnd; oh++) {
                long ih = oh * g.stride[1] + shiftH;
                long source = rowBase + (od * outH + oh) * outW + wStart;
                long target = outBase + (id * g.in[1] + ih) * g.in[2] + wStart * step + shiftW;
                if (single) addFloats(src, source, dst, target, step, count);
                else addDoubles(src, source, dst, target, step, count);
            }
        }
    }

    /** {@code dst[target + j * step] += src[source + j]} for {@code j < count}. */
    private static void addFloats(MemorySegment src, long source, MemorySegment dst, long target, long step, long count) {
        long j = 0;
        if (step == 1) {
            long bound = FS.loopBound(count);
            for (; j < bound; j += FS.length()) {
                FloatVector a = FloatVector.fromMemorySegment(FS, src, (source + j) * 4, ORDER);
                FloatVector b = FloatVector.fromMemorySegment(FS, dst, (target + j) * 4, ORDER);
                b.add(a).intoMemorySegment(dst, (target + j) * 4, ORDER);
            }
            if (j < count && src.isNative() && dst.isNative()) {
                // rows are as short as an output width, so the tail is a masked step, not a scalar loop
                VectorMask<Float> mask = FS.indexInRange(j, count);
                FloatVector a = FloatVector.fromMemorySegment(FS, src, (source + j) * 4, ORDER, mask);
                FloatVector b = FloatVector.fromMemorySegment(FS, dst, (target + j) * 4, ORDER, mask);
                b.add(a).intoMemorySegment(dst, (target + j) * 4, ORDER, mask);
                return;
            }
        }
        for (; j < count; j++) {
            long t = target + j * step;
            dst.setAtIndex(Elements.F32, t, dst.getAtIndex(Elements.F32, t) + src.getAtIndex(Elements.F32, source + j));
        }
    }

    private static void addDoubles(MemorySegment src, long source, MemorySegment dst, long target, long step, long count) {
        long j = 0;
        if (step == 1) {
            long bound = DS.loopBound(count);
            for (; j < bound; j += DS.length()) {
                DoubleVector a = DoubleVector.fromMemorySegment(DS, src, (source + j) * 8, ORDER);
                DoubleVector b = DoubleVector.fromMemorySegment(DS, dst, (target + j) * 8, ORDER);
                b.add(a).intoMemorySegment(dst, (target + j) * 8, ORDER);
            }
        }
        for (; j < count; j++) {
            long t = target + j * step;
            dst.setAtIndex(Elements.F64, t, dst.getAtIndex(Elements.F64, t) + src.getAtIndex(Elements.F64, source + j));
        }
    }

    private static void zero(MemorySegment segment, long index, long count, int size) {
        if (count > 0) segment.asSlice(index * size, count * size).fill((byte) 0);
    }

    static void checkFloating(String op, Strided a, Strided b) {
        if (a.dtype() != DType.FLOAT32 && a.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException(op + " is not implemented for " + a.dtype() + " (float32 and float64 only)");
        }
        OperandChecks.sameDtype(op, a, b);
    }

    private static void checkColumns(String op, WindowGeometry g, Strided columns) {
        long[] expected = {g.batch, g.channels * g.kernelVolume(), g.windowCount()};
        if (!Arrays.equals(expected, columns.layout().shape())) {
            throw new IllegalArgumentException(op + ": expected columns of shape " + Arrays.toString(expected) + ", got "
                    + OperandChecks.shape(columns));
        }
        // Rows must be unit-stride and disjoint; samples may sit anywhere, so a convolution can
        // lay the columns of the whole batch side by side ([C*K, N, L]) and use one GEMM.
        long windows = expected[2];
        long rowStride = columns.layout().stride(1);
        long sampleStride = columns.layout().stride(0);
        boolean rowsDisjoint = rowStride >= windows || expected[1] == 1;
        boolean samplesDisjoint = Math.abs(sampleStride) >= windows || expected[0] == 1;
        if ((columns.layout().stride(2) != 1 && windows > 1) || !rowsDisjoint || !samplesDisjoint || rowStride < 0) {
            throw new IllegalArgumentException(op + ": expected columns with unit-stride, non-overlapping rows, got strides "
                    + Arrays.toString(columns.layout().strides()) + " for shape " + OperandChecks.shape(columns));
        }
    }
}
