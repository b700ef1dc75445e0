package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.ReduceOp;
import dev.ember.devices.Strided;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static dev.ember.devices.cpu.UnaryKernels.DS;
import static dev.ember.devices.cpu.UnaryKernels.FS;
import static dev.ember.devices.cpu.UnaryKernels.ORDER;

/**
 * Reductions over any subset of dims. The input is split into "kept" dims (one output
 * element each) and "reduced" dims (walked in row-major order, which also defines the
 * ARGMAX/ARGMIN index). Floating inputs accumulate in double, integral and bool inputs in
 * long; the result is written in the output's dtype. A full reduction splits the reduced
 * range over threads and combines the partial results in order.
 *
 * <pre>{@code
 * ReduceKernels.apply(ReduceOp.SUM, x, new int[] {0, 2}, out);   // out shape [1, n1, 1]
 * }</pre>
 */
final class ReduceKernels {

    /** Elements per float32 vector partial sum before it is added into the double total. */
    private static final int SUM_BLOCK = 1024;

    private ReduceKernels() {}

    /** The running result of one reduction: a value (double or long) and, for ARG ops, its index. */
    static final class Accumulator {
        double value;
        long longValue;
        long index = -1;
        // Conversion buffers for strided or non-float runs, made on first need: the contiguous
        // float runs of a training step's reductions never need them.
        private double[] doubles;
        private long[] longs;

        double[] doubles() { return doubles != null ? doubles : (doubles = new double[CopyKernels.BLOCK]); }

        long[] longs() { return longs != null ? longs : (longs = new long[CopyKernels.BLOCK]); }
    }

    static void apply(ReduceOp op, Strided input, int[] dims, Strided output) {
        Layout in = input.layout();
        int rank = in.dim();
        boolean[] reduced = new boolean[rank];
        for (int dim : dims) {
            int d = OperandChecks.dim(op, dim, rank);
            if (rank == 0) continue;
            if (reduced[d]) throw new IllegalArgumentException("dim " + d + " appears multiple times in the list of dims " + Arrays.toString(dims));
            reduced[d] = true;
        }
        long[] expected = in.shape();
        for (int d = 0; d < rank; d++) if (reduced[d]) expected[d] = 1;
        if (!Arrays.equals(expected, output.layout().shape())) {
            throw new IllegalArgumentException(OperandChecks.name(op) + ": reducing " + Arrays.toString(in.shape()) + " over dims "
                    + Arrays.toString(dims) + " needs an output of shape " + Arrays.toString(expected) + ", got "
                    + Arrays.toString(output.layout().shape()));
        }
        int keptCount = 0;
        for (boolean r : reduced) if (!r) keptCount++;
        long[] keptShape = new long[keptCount];
        long[] keptIn = new long[keptCount];
        long[] keptOut = new long[keptCount];
        long[] redShape = new long[rank - keptCount];
        long[] redStrides = new long[rank - keptCount];
        for (int d = 0, k = 0, r = 0; d < rank; d++) {
            if (reduced[d]) {
                redShape[r] = in.size(d);
                redStrides[r++] = in.stride(d);
            } else {
                keptShape[k] = in.size(d);
                keptIn[k] = in.stride(d);
                keptOut[k++] = output.layout().stride(d);
            }
        }
        long outCount = output.numel();
        if (outCount == 0) return;
        long reducedCount = numel(redShape);
        if (reducedCount == 0) {
            switch (op) {
                case SUM -> CopyKernels.fill(output, 0);
                case PROD -> CopyKernels.fill(output, 1);
                default -> throw new IllegalArgumentException(op.name().toLowerCase(java.util.Locale.ROOT)
                        + "(): cannot reduce over a zero-size dimension of a tensor of shape " + Arrays.toString(in.shape())
                        + " (dims " + Arrays.toString(dims) + "): the operation has no identity");
            }
            return;
        }
        MemorySegment a = ((CpuBuffer) input.buffer()).segment();
        MemorySegment o = ((CpuBuffer) output.buffer()).segment();
        DType t = input.dtype();
        DType ot = output.dtype();
        StridedIterator inner = new StridedIterator(redShape, new Layout(redShape, redStrides, 0));
        StridedIterator outer = new StridedIterator(keptShape, new Layout(keptShape, keptIn, in.offset()),
                new Layout(keptShape, keptOut, output.layout().offset()));

        if (outCount == 1) {
            long base = outer.offsets[0];
            long oo = outer.offsets[1];
            int chunks = (int) Math.min(64, Math.max(1, reducedCount / Parallel.GRAIN_SIZE));
            Accumulator[] partial = new Accumulator[chunks];
            Parallel.forRange(chunks, reducedCount / chunks, (start, end) -> {
                for (long c = start; c < end; c++) {
                    Accumulator acc = new Accumulator();
                    reduceRange(op, t, a, base, inner, reducedCount * c / chunks, reducedCount * (c + 1) / chunks, acc);
                    partial[(int) c] = acc;
                }
            });
            Accumulator total = partial[0];
            for (int c = 1; c < chunks; c++) combine(op, t, total, partial[c]);
            store(op, t, o, ot, oo, total);
            return;
        }
        boolean arg = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN;
        if (!arg && outer.rank == 1 && outer.innerStride(0) == 1 && inner.innerStride(0) != 1) {
            reduceColumns(op, t, a, o, ot, outer, inner, outCount, reducedCount);
            return;
        }
        Parallel.forRange(outCount, reducedCount, (start, end) -> {
            StridedIterator.Cursor c = outer.cursor(start);
            Accumulator acc = new Accumulator();
            for (long e = start; e < end; e++) {
                acc.index = -1;
                reduceRange(op, t, a, c.offset(0), inner, 0, reducedCount, acc);
                store(op, t, o, ot, c.offset(1), acc);
                c.advance(1);
            }
        });
    }

    /** Columns reduced per pass: the accumulators stay in cache while every reduced row streams by. */
    private static final int COLUMN_BLOCK = 2048;

    /**
     * Reduction over outer dims with contiguous kept elements (e.g. summing a [batch, n] tensor
     * over the batch): each reduced row is added into a block of accumulators, so memory is
     * read in order instead of with a large stride per output element.
     */
    private static void reduceColumns(ReduceOp op, DType t, MemorySegment a, MemorySegment o, DType ot,
                                      StridedIterator outer, StridedIterator inner, long outCount, long reducedCount) {
        long inBase = outer.offsets[0];
        long outBase = outer.offsets[1];
        long outStride = outer.innerStride(1);
        boolean floating = Elements.floating(t);
        Parallel.forRange(outCount, reducedCount, (start, end) -> {
            int width = (int) Math.min(COLUMN_BLOCK, end - start);
            double[] acc = new double[width];
            double[] row = new double[width];
            long[] lacc = new long[width];
            long[] lrow = new long[width];
            for (long col = start; col < end; col += width) {
                int w = (int) Math.min(width, end - col);
                double init = op == ReduceOp.SUM ? 0 : op == ReduceOp.PROD ? 1 : op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                long linit = op == ReduceOp.SUM ? 0 : op == ReduceOp.PROD ? 1 : op == ReduceOp.MAX ? Long.MIN_VALUE : Long.MAX_VALUE;
                java.util.Arrays.fill(acc, 0, w, init);
                java.util.Arrays.fill(lacc, 0, w, linit);
                StridedIterator.Cursor c = inner.cursor(0);
                for (long e = 0; e < reducedCount; e++) {
                    long off = inBase + c.offset(0) + col;
                    if (op == ReduceOp.SUM && t == DType.FLOAT32) {
                        addFloatRow(a, off, acc, w);
                    } else if (floating) {
                        Elements.readDoubles(a, t, off, 1, row, w);
                        switch (op) {
                            case SUM -> { for (int j = 0; j < w; j++) acc[j] += row[j]; }
                            case PROD -> { for (int j = 0; j < w; j++) acc[j] *= row[j]; }
                            case MAX -> { for (int j = 0; j < w; j++) acc[j] = Math.max(acc[j], row[j]); }
                            default -> { for (int j = 0; j < w; j++) acc[j] = Math.min(acc[j], row[j]); }
                        }
                    } else {
                        Elements.readLongs(a, t, off, 1, lrow, w);
                        switch (op) {
                            case SUM -> { for (int j = 0; j < w; j++) lacc[j] += lrow[j]; }
                            case PROD -> { for (int j = 0; j < w; j++) lacc[j] *= lrow[j]; }
                            case MAX -> { for (int j = 0; j < w; j++) lacc[j] = Math.max(lacc[j], lrow[j]); }
                            default -> { for (int j = 0; j < w; j++) lacc[j] = Math.min(lacc[j], lrow[j]); }
                        }
                    }
                    c.advance(1);
                }
                if (floating) Elements.writeDoubles(o, ot, outBase + col * outStride, outStride, acc, w);
                else Elements.writeLongs(o, ot, outBase + col * outStride, outStride, lacc, w);
            }
        });
    }

    /**
     * The machine's widest double vector and the float vector with as many lanes (half its bits).
     * Not fixed shapes: a 512-bit species on a machine without AVX-512 (this project's AMD VM
     * exposes AVX2 only) is not compiled to vector instructions at all; the Vector API then runs
     * its Java fallback, boxing every vector, and column sums took a third of the transformer's
     * backward time.
     */
    private static final VectorSpecies<Double> WIDE_DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> NARROW_FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(WIDE_DOUBLES.vectorBitSize() / 2));

    /**
     * {@code acc[j] += row[j]} for float32 {@code row} at element offset {@code off}, widened to
     * double as the generic path does, so the sums are the same to the bit; a float vector of the
     * double vector's lane count converts lane for lane.
     */
    private static void addFloatRow(MemorySegment a, long off, double[] acc, int w) {
        int j = 0;
        for (int bound = NARROW_FLOATS.loopBound(w); j < bound; j += NARROW_FLOATS.length()) {
            DoubleVector row = (DoubleVector) FloatVector.fromMemorySegment(NARROW_FLOATS, a, (off + j) * Float.BYTES, ORDER)
                    .convertShape(VectorOperators.F2D, WIDE_DOUBLES, 0);
            DoubleVector.fromArray(WIDE_DOUBLES, acc, j).add(row).intoArray(acc, j);
        }
        for (; j < w; j++) acc[j] += a.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, off + j);
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }

    private static void store(ReduceOp op, DType t, MemorySegment o, DType ot, long oo, Accumulator acc) {
        if (op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN) Elements.setLong(o, ot, oo, acc.index);
        else if (Elements.floating(t)) Elements.setDouble(o, ot, oo, acc.value);
        else Elements.setLong(o, ot, oo, acc.longValue);
    }

    /** Folds a later partial result into an earlier one (order matters for ARG ties). */
    private static void combine(ReduceOp op, DType t, Accumulator into, Accumulator later) {
        boolean floating = Elements.floating(t);
        switch (op) {
            case SUM -> { into.value += later.value; into.longValue += later.longValue; }
            case PROD -> { into.value *= later.value; into.longValue *= later.longValue; }
            case MAX -> { into.value = Math.max(into.value, later.value); into.longValue = Math.max(into.longValue, later.longValue); }
            case MIN -> { into.value = Math.min(into.value, later.value); into.longValue = Math.min(into.longValue, later.longValue); }
            case ARGMAX, ARGMIN -> {
                boolean max = op == ReduceOp.ARGMAX;
                boolean better = floating ? betterDouble(max, later.value, into.value)
                        : max ? later.longValue > into.longValue : later.longValue < into.longValue;
                if (better) {
                    into.value = later.value;
                    into.longValue = later.longValue;
                    into.index = later.index;
                }
            }
        }
    }

    /** True when candidate strictly beats best; NaN beats everything except an earlier NaN. */
    private static boolean betterDouble(boolean max, double candidate, double best) {
        if (Double.isNaN(best)) return false;
        if (Double.isNaN(candidate)) return true;
        return max ? candidate > best : candidate < best;
    }

    /** Reduces elements [from, to) of the reduced sub-layout, starting at input offset base, into acc. */
    private static void reduceRange(ReduceOp op, DType t, MemorySegment a, long base, StridedIterator inner,
                                    long from, long to, Accumulator acc) {
        boolean floating = Elements.floating(t);
        initialise(op, floating, acc);
        long stride = inner.innerStride(0);
        if (inner.rank == 1) {
            run(op, t, a, base + from * stride, stride, to - from, from, acc);
            return;
        }
        StridedIterator.Cursor c = inner.cursor(from);
        for (long e = from; e < to; ) {
            long n = c.run(to - e);
            run(op, t, a, base + c.offset(0), stride, n, e, acc);
            c.advance(n);
            e += n;
        }
    }

    private static void initialise(ReduceOp op, boolean floating, Accumulator acc) {
        acc.index = -1;
        switch (op) {
            case SUM -> { acc.value = 0; acc.longValue = 0; }
            case PROD -> { acc.value = 1; acc.longValue = 1; }
            case MAX, ARGMAX -> { acc.value = Double.NEGATIVE_INFINITY; acc.longValue = Long.MIN_VALUE; }
            case MIN, ARGMIN -> { acc.value = Double.POSITIVE_INFINITY; acc.longValue = Long.MAX_VALUE; }
        }
    }

    /** Folds one strided run of n elements (logical indices first..first+n) into acc. */
    private static void run(ReduceOp op, DType t, MemorySegment a, long off, long stride, long n, long first,
                            Accumulator acc) {
        if (stride == 1 && (op == ReduceOp.SUM || op == ReduceOp.MAX || op == ReduceOp.MIN)) {
            if (t == DType.FLOAT32) {
                acc.value = floatRun(op, a, off, n, acc.value);
                return;
            }
            if (t == DType.FLOAT64) {
                acc.value = doubleRun(op, a, off, n, acc.value);
                return;
            }
        }
        int block = CopyKernels.BLOCK;
        boolean floating = Elements.floating(t);
        for (long done = 0; done < n; ) {
            int m = (int) Math.min(block, n - done);
            if (floating) {
                double[] values = acc.doubles();
                Elements.readDoubles(a, t, off + done * stride, stride, values, m);
                foldDoubles(op, values, m, first + done, acc);
            } else {
                long[] values = acc.longs();
                Elements.readLongs(a, t, off + done * stride, stride, values, m);
                foldLongs(op, values, m, first + done, acc);
            }
            done += m;
        }
    }

    private static void foldDoubles(ReduceOp op, double[] x, int m, long first, Accumulator acc) {
        double v = acc.value;
        switch (op) {
            case SUM -> { for (int j = 0; j < m; j++) v += x[j]; }
            case PROD -> { for (int j = 0; j < m; j++) v *= x[j]; }
            case MAX -> { for (int j = 0; j < m; j++) v = Math.max(v, x[j]); }
            case MIN -> { for (int j = 0; j < m; j++) v = Math.min(v, x[j]); }
            case ARGMAX, ARGMIN -> {
                boolean max = op == ReduceOp.ARGMAX;
                long index = acc.index;
                for (int j = 0; j < m; j++) {
                    if (index < 0 || betterDouble(max, x[j], v)) {
                        v = x[j];
                        index = first + j;
                    }
                }
                acc.index = index;
            }
        }
        acc.value = v;
    }

    private static void foldLongs(ReduceOp op, long[] x, int m, long first, Accumulator acc) {
        long v = acc.longValue;
        switch (op) {
            case SUM -> { for (int j = 0; j < m; j++) v += x[j]; }
            case PROD -> { for (int j = 0; j < m; j++) v *= x[j]; }
            case MAX -> { for (int j = 0; j < m; j++) v = Math.max(v, x[j]); }
            case MIN -> { for (int j = 0; j < m; j++) v = Math.min(v, x[j]); }
            case ARGMAX -> {
                long index = acc.index;
                for (int j = 0; j < m; j++) if (index < 0 || x[j] > v) { v = x[j]; index = first + j; }
                acc.index = index;
            }
            case ARGMIN -> {
                long index = acc.index;
                for (int j = 0; j < m; j++) if (index < 0 || x[j] < v) { v = x[j]; index = first + j; }
                acc.index = index;
            }
        }
        acc.longValue = v;
    }

    /** Vector SUM/MAX/MIN of a unit-stride float32 run; sums are added into a double every SUM_BLOCK elements. */
    private static double floatRun(ReduceOp op, MemorySegment a, long off, long n, double init) {
        int step = FS.length();
        long bound = Elements.vectorFriendly(a) ? n - n % step : 0;
        long i = 0;
        double result = init;
        switch (op) {
            case SUM -> {
                while (i < bound) {
                    long blockEnd = Math.min(bound, i + SUM_BLOCK);
                    // Four independent partial sums: one chain would wait on every add's latency.
                    FloatVector acc0 = FloatVector.zero(FS), acc1 = acc0, acc2 = acc0, acc3 = acc0;
                    for (; i + 4 * step <= blockEnd; i += 4 * step) {
                        long at = (off + i) * 4;
                        acc0 = acc0.add(FloatVector.fromMemorySegment(FS, a, at, ORDER));
                        acc1 = acc1.add(FloatVector.fromMemorySegment(FS, a, at + 4L * step, ORDER));
                        acc2 = acc2.add(FloatVector.fromMemorySegment(FS, a, at + 8L * step, ORDER));
                        acc3 = acc3.add(FloatVector.fromMemorySegment(FS, a, at + 12L * step, ORDER));
                    }
                    for (; i < blockEnd; i += step) acc0 = acc0.add(FloatVector.fromMemorySegment(FS, a, (off + i) * 4, ORDER));
                    result += LaneSums.sum(acc0.add(acc1).add(acc2.add(acc3)));
                }
                for (; i < n; i++) result += a.getAtIndex(Elements.F32, off + i);
            }
            case MAX -> {
                FloatVector acc0 = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
                for (; i < bound; i += step) acc0 = acc0.max(FloatVector.fromMemorySegment(FS, a, (off + i) * 4, ORDER));
                if (bound > 0) result = Math.max(result, lanes(acc0.toArray(), true));
                for (; i < n; i++) result = Math.max(result, a.getAtIndex(Elements.F32, off + i));
            }
            case MIN -> {
                FloatVector acc0 = FloatVector.broadcast(FS, Float.POSITIVE_INFINITY);
                for (; i < bound; i += step) acc0 = acc0.min(FloatVector.fromMemorySegment(FS, a, (off + i) * 4, ORDER));
                if (bound > 0) result = Math.min(result, lanes(acc0.toArray(), false));
                for (; i < n; i++) result = Math.min(result, a.getAtIndex(Elements.F32, off + i));
            }
            default -> throw new IllegalStateException(op + " is not vectorised");
        }
        return result;
    }

    private static double doubleRun(ReduceOp op, MemorySegment a, long off, long n, double init) {
        int step = DS.length();
        long bound = Elements.vectorFriendly(a) ? n - n % step : 0;
        long i = 0;
        double result = init;
        switch (op) {
            case SUM -> {
                DoubleVector acc0 = DoubleVector.zero(DS);
                for (; i < bound; i += step) acc0 = acc0.add(DoubleVector.fromMemorySegment(DS, a, (off + i) * 8, ORDER));
                result += LaneSums.sum(acc0);
                for (; i < n; i++) result += a.getAtIndex(Elements.F64, off + i);
            }
            case MAX -> {
                DoubleVector acc0 = DoubleVector.broadcast(DS, Double.NEGATIVE_INFINITY);
                for (; i < bound; i += step) acc0 = acc0.max(DoubleVector.fromMemorySegment(DS, a, (off + i) * 8, ORDER));
                if (bound > 0) result = Math.max(result, lanes(acc0.toArray(), true));
                for (; i < n; i++) result = Math.max(result, a.getAtIndex(Elements.F64, off + i));
            }
            case MIN -> {
                DoubleVector acc0 = DoubleVector.broadcast(DS, Double.POSITIVE_INFINITY);
                for (; i < bound; i += step) acc0 = acc0.min(DoubleVector.fromMemorySegment(DS, a, (off + i) * 8, ORDER));
                if (bound > 0) result = Math.min(result, lanes(acc0.toArray(), false));
                for (; i < n; i++) result = Math.min(result, a.getAtIndex(Elements.F64, off + i));
            }
            default -> throw new IllegalStateException(op + " is not vectorised");
        }
        return result;
    }

    // Lane-wise reduction done by hand so that NaN propagation follows Math.max/min exactly.
    private static double lanes(float[] values, boolean max) {
        double r = values[0];
        for (int j = 1; j < values.length; j++) r = max ? Math.max(r, values[j]) : Math.min(r, values[j]);
        return r;
    }

    private static double lanes(double[] values, boolean max) {
        double r = values[0];
        for (int j = 1; j < values.length; j++) r = max ? Math.max(r, values[j]) : Math.min(r, values[j]);
        return r;
    }
}
