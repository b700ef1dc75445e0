package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Strided;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.ember.devices.cpu.UnaryKernels.DS;
import static dev.ember.devices.cpu.UnaryKernels.FS;
import static dev.ember.devices.cpu.UnaryKernels.ORDER;

/**
 * Fused softmax and log-softmax along one dim, forward and backward, for contiguous float32 and
 * float64 operands seen as {@code [outer, size, inner]} with {@code size} the softmax dim.
 *
 * <p>When the dim is innermost each slice is a row: one pass finds its maximum, one writes
 * {@code exp(x - max)} and sums it, one scales (softmax) or one writes
 * {@code (x - max) - log(sum)} (log-softmax), each a Vector API loop with a scalar tail. Otherwise
 * a vector's lanes are neighbouring slices (consecutive {@code inner} positions), and the same
 * three passes walk the dim with stride {@code inner}. Rows or lane blocks run in parallel.
 *
 * <pre>{@code
 * SoftmaxKernels.forward(logits, 1, true, logProbabilities);   // log_softmax over dim 1
 * }</pre>
 */
final class SoftmaxKernels {

    /** Element-operations per element of a slice (three passes, one exp), for the parallel split. */
    private static final long COST = 10;

    /** Float32 vector sums are added into a double every this many elements. */
    private static final int SUM_BLOCK = 1024;

    private SoftmaxKernels() {}

    static boolean supports(DType dtype) { return dtype == DType.FLOAT32 || dtype == DType.FLOAT64; }

    /** Checks operands of one shape, one supported dtype, all contiguous; returns the wrapped dim. */
    static int check(String name, int dim, Strided... operands) {
        Strided first = operands[0];
        for (Strided s : operands) {
            OperandChecks.operand(name, s);
            OperandChecks.sameShape(name, first, s);
            OperandChecks.sameDtype(name, first, s);
            WindowGeometry.checkContiguous(name, "operand", s);
        }
        if (!supports(first.dtype())) {
            throw new IllegalArgumentException(name + ": the fused kernel supports float32 and float64, got " + first.dtype());
        }
        return OperandChecks.dim(name, dim, first.layout().dim());
    }

    /** The operand's shape as {@code [outer, size, inner]} around {@code dim}. */
    private record Slices(long outer, long size, long inner) {
        static Slices of(Strided s, int dim) {
            long[] shape = s.shape();
            if (shape.length == 0) return new Slices(1, 1, 1);
            long outer = 1;
            long inner = 1;
            for (int d = 0; d < dim; d++) outer *= shape[d];
            for (int d = dim + 1; d < shape.length; d++) inner *= shape[d];
            return new Slices(outer, shape[dim], inner);
        }
    }

    static void forward(Strided input, int dim, boolean log, Strided output) {
        if (output.numel() == 0) return;
        Slices s = Slices.of(input, dim);
        DType t = input.dtype();
        MemorySegment a = ((CpuBuffer) input.buffer()).segment();
        MemorySegment o = ((CpuBuffer) output.buffer()).segment();
        long ao = input.layout().offset();
        long oo = output.layout().offset();
        boolean vector = Elements.vectorFriendly(a, o);
        long size = s.size();
        long inner = s.inner();
        if (inner == 1) {
            Parallel.forRange(s.outer(), size * COST, (start, end) -> {
                for (long r = start; r < end; r++) forwardRow(t, a, ao + r * size, o, oo + r * size, size, log, vector);
            });
            return;
        }
        int lanes = t == DType.FLOAT32 ? FS.length() : DS.length();
        long blocks = (inner + lanes - 1) / lanes;
        Parallel.forRange(s.outer() * blocks, size * lanes * COST, (start, end) -> {
            for (long b = start; b < end; b++) {
                long column = b % blocks * lanes;
                long base = b / blocks * size * inner + column;
                long width = Math.min(lanes, inner - column);
                if (vector && width == lanes) {
                    forwardColumns(t, a, ao + base, o, oo + base, size, inner, log);
                } else {
                    for (long j = 0; j < width; j++) scalarForward(t, a, ao + base + j, o, oo + base + j, inner, size, log);
                }
            }
        });
    }

    static void backward(Strided output, Strided gradOutput, int dim, boolean log, Strided gradInput) {
        if (gradInput.numel() == 0) return;
        Slices s = Slices.of(output, dim);
        DType t = output.dtype();
        MemorySegment y = ((CpuBuffer) output.buffer()).segment();
        MemorySegment g = ((CpuBuffer) gradOutput.buffer()).segment();
        MemorySegment r = ((CpuBuffer) gradInput.buffer()).segment();
        long yo = output.layout().offset();
        long go = gradOutput.layout().offset();
        long ro = gradInput.layout().offset();
        boolean vector = Elements.vectorFriendly(y, g, r);
        long size = s.size();
        long inner = s.inner();
        if (inner == 1) {
            Parallel.forRange(s.outer(), size * COST, (start, end) -> {
                for (long i = start; i < end; i++) {
                    long k = i * size;
                    backwardRow(t, y, yo + k, g, go + k, r, ro + k, size, log, vector);
                }
            });
            return;
        }
        int lanes = t == DType.FLOAT32 ? FS.length() : DS.length();
        long blocks = (inner + lanes - 1) / lanes;
        Parallel.forRange(s.outer() * blocks, size * lanes * COST, (start, end) -> {
            for (long b = start; b < end; b++) {
                long column = b % blocks * lanes;
                long k = b / blocks * size * inner + column;
                long width = Math.min(lanes, inner - column);
                if (vector && width == lanes) {
                    backwardColumns(t, y, yo + k, g, go + k, r, ro + k, size, inner, log);
                } else {
                    for (long j = 0; j < width; j++) {
                        scalarBackward(t, y, yo + k + j, g, go + k + j, r, ro + k + j, inner, size, log);
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------- dispatch to the vector loops

    private static void forwardRow(DType t, MemorySegment a, long ai, MemorySegment o, long oi, long n, boolean log,
                                   boolean vector) {
        if (!vector) {
            scalarForward(t, a, ai, o, oi, 1, n, log);
        } else if (t == DType.FLOAT32) {
            long bound = n - n % FS.length();
            double max = scalarMax(t, a, ai, 1, bound, n, floatMax(a, ai, bound));
            if (log) {
                double logSum = Math.log(scalarExpSum(t, a, ai, null, 0, 1, bound, n, max, floatExpSum(a, ai, bound, (float) max)));
                floatLogShift(a, ai, o, oi, bound, (float) max, (float) logSum);
                scalarLogShift(t, a, ai, o, oi, 1, bound, n, max, logSum);
            } else {
                double sum = scalarExpSum(t, a, ai, o, oi, 1, bound, n, max, floatExpSumInto(a, ai, o, oi, bound, (float) max));
                floatScale(o, oi, bound, (float) (1 / sum));
                scalarScale(t, o, oi, 1, bound, n, 1 / sum);
            }
        } else {
            long bound = n - n % DS.length();
            double max = scalarMax(t, a, ai, 1, bound, n, doubleMax(a, ai, bound));
            if (log) {
                double logSum = Math.log(scalarExpSum(t, a, ai, null, 0, 1, bound, n, max, doubleExpSum(a, ai, bound, max)));
                doubleLogShift(a, ai, o, oi, bound, max, logSum);
                scalarLogShift(t, a, ai, o, oi, 1, bound, n, max, logSum);
            } else {
                double sum = scalarExpSum(t, a, ai, o, oi, 1, bound, n, max, doubleExpSumInto(a, ai, o, oi, bound, max));
                doubleScale(o, oi, bound, 1 / sum);
                scalarScale(t, o, oi, 1, bound, n, 1 / sum);
            }
        }
    }

    private static void backwardRow(DType t, MemorySegment y, long yi, MemorySegment g, long gi, MemorySegment r, long ri,
                                    long n, boolean log, boolean vector) {
        if (!vector) {
            scalarBackward(t, y, yi, g, gi, r, ri, 1, n, log);
        } else if (t == DType.FLOAT32) {
            long bound = n - n % FS.length();
            if (log) {
                double sum = scalarSum(t, g, gi, 1, bound, n, floatSum(g, gi, bound));
                floatLogSoftmaxGrad(y, yi, g, gi, r, ri, bound, (float) sum);
                scalarLogSoftmaxGrad(t, y, yi, g, gi, r, ri, 1, bound, n, sum);
            } else {
                double dot = scalarDot(t, y, yi, g, gi, 1, bound, n, floatDot(y, yi, g, gi, bound));
                floatSoftmaxGrad(y, yi, g, gi, r, ri, bound, (float) dot);
                scalarSoftmaxGrad(t, y, yi, g, gi, r, ri, 1, bound, n, dot);
            }
        } else {
            long bound = n - n % DS.length();
            if (log) {
                double sum = scalarSum(t, g, gi, 1, bound, n, doubleSum(g, gi, bound));
                doubleLogSoftmaxGrad(y, yi, g, gi, r, ri, bound, sum);
                scalarLogSoftmaxGrad(t, y, yi, g, gi, r, ri, 1, bound, n, sum);
            } else {
                double dot = scalarDot(t, y, yi, g, gi, 1, bound, n, doubleDot(y, yi, g, gi, bound));
                doubleSoftmaxGrad(y, yi, g, gi, r, ri, bound, dot);
                scalarSoftmaxGrad(t, y, yi, g, gi, r, ri, 1, bound, n, dot);
            }
        }
    }

    private static void forwardColumns(DType t, MemorySegment a, long ai, MemorySegment o, long oi, long size, long inner,
                                       boolean log) {
        if (t == DType.FLOAT32) {
            if (log) floatLogSoftmaxColumns(a, ai, o, oi, size, inner);
            else floatSoftmaxColumns(a, ai, o, oi, size, inner);
        } else {
            if (log) doubleLogSoftmaxColumns(a, ai, o, oi, size, inner);
            else doubleSoftmaxColumns(a, ai, o, oi, size, inner);
        }
    }

    private static void backwardColumns(DType t, MemorySegment y, long yi, MemorySegment g, long gi, MemorySegment r, long ri,
                                        long size, long inner, boolean log) {
        if (t == DType.FLOAT32) {
            if (log) floatLogSoftmaxGradColumns(y, yi, g, gi, r, ri, size, inner);
            else floatSoftmaxGradColumns(y, yi, g, gi, r, ri, size, inner);
        } else {
            if (log) doubleLogSoftmaxGradColumns(y, yi, g, gi, r, ri, size, inner);
            else doubleSoftmaxGradColumns(y, yi, g, gi, r, ri, size, inner);
        }
    }

    // ---------------------------------------------------------------- scalar slices and tails
    // Elements [from, to) of a slice at stride `stride`, in double; a whole slice when from = 0.
    // Their own methods, so that traps in them never recompile the vector loops.

    private static void scalarForward(DType t, MemorySegment a, long ai, MemorySegment o, long oi, long stride, long n,
                                      boolean log) {
        double max = scalarMax(t, a, ai, stride, 0, n, Double.NEGATIVE_INFINITY);
        if (log) {
            double logSum = Math.log(scalarExpSum(t, a, ai, null, 0, stride, 0, n, max, 0));
            scalarLogShift(t, a, ai, o, oi, stride, 0, n, max, logSum);
        } else {
            double sum = scalarExpSum(t, a, ai, o, oi, stride, 0, n, max, 0);
            scalarScale(t, o, oi, stride, 0, n, 1 / sum);
        }
    }

    private static void scalarBackward(DType t, MemorySegment y, long yi, MemorySegment g, long gi, MemorySegment r, long ri,
                                       long stride, long n, boolean log) {
        if (log) {
            double sum = scalarSum(t, g, gi, stride, 0, n, 0);
            scalarLogSoftmaxGrad(t, y, yi, g, gi, r, ri, stride, 0, n, sum);
        } else {
            double dot = scalarDot(t, y, yi, g, gi, stride, 0, n, 0);
            scalarSoftmaxGrad(t, y, yi, g, gi, r, ri, stride, 0, n, dot);
        }
    }

    private static double scalarMax(DType t, MemorySegment a, long ai, long stride, long from, long to, double max) {
        for (long i = from; i < to; i++) max = Math.max(max, Elements.getDouble(a, t, ai + i * stride));
        return max;
    }

    /** Sums {@code exp(x - max)} onto {@code sum}, writing each term to {@code o} unless it is null. */
    private static double scalarExpSum(DType t, MemorySegment a, long ai, MemorySegment o, long oi, long stride, long from,
                                       long to, double max, double sum) {
        for (long i = from; i < to; i++) {
            double e = Math.exp(Elements.getDouble(a, t, ai + i * stride) - max);
            if (o != null) Elements.setDouble(o, t, oi + i * stride, e);
            sum += e;
        }
        return sum;
    }

    private static void scalarScale(DType t, MemorySegment o, long oi, long stride, long from, long to, double factor) {
        for (long i = from; i < to; i++) {
            long k = oi + i * stride;
            Elements.setDouble(o, t, k, Elements.getDouble(o, t, k) * factor);
        }
    }

    private static void scalarLogShift(DType t, MemorySegment a, long ai, MemorySegment o, long oi, long stride, long from,
                                       long to, double max, double logSum) {
        for (long i = from; i < to; i++) {
            Elements.setDouble(o, t, oi + i * stride, Elements.getDouble(a, t, ai + i * stride) - max - logSum);
        }
    }

    private static double scalarSum(DType t, MemorySegment g, long gi, long stride, long from, long to, double sum) {
        for (long i = from; i < to; i++) sum += Elements.getDouble(g, t, gi + i * stride);
        return sum;
    }

    private static double scalarDot(DType t, MemorySegment y, long yi, MemorySegment g, long gi, long stride, long from,
                                    long to, double dot) {
        for (long i = from; i < to; i++) dot += Elements.getDouble(y, t, yi + i * stride) * Elements.getDouble(g, t, gi + i * stride);
        return dot;
    }

    private static void scalarSoftmaxGrad(DType t, MemorySegment y, long yi, MemorySegment g, long gi, MemorySegment r,
                                          long ri, long stride, long from, long to, double dot) {
        for (long i = from; i < to; i++) {
            double yv = Elements.getDouble(y, t, yi + i * stride);
            Elements.setDouble(r, t, ri + i * stride, yv * (Elements.getDouble(g, t, gi + i * stride) - dot));
        }
    }

    private static void scalarLogSoftmaxGrad(DType t, MemorySegment y, long yi, MemorySegment g, long gi, MemorySegment r,
                                             long ri, long stride, long from, long to, double sum) {
        for (long i = from; i < to; i++) {
            double yv = Elements.getDouble(y, t, yi + i * stride);
            Elements.setDouble(r, t, ri + i * stride, Elements.getDouble(g, t, gi + i * stride) - Math.exp(yv) * sum);
        }
    }

    // ---------------------------------------------------------------- float32 rows: one loop per method, [0, bound)

    private static FloatVector fload(MemorySegment s, long index) {
        return FloatVector.fromMemorySegment(FS, s, index * Float.BYTES, ORDER);
    }

    private static float floatMax(MemorySegment a, long ai, long bound) {
        FloatVector max = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
        for (long i = 0; i < bound; i += FS.length()) max = max.max(fload(a, ai + i));
        return max.reduceLanes(VectorOperators.MAX);
    }

    private static double floatExpSumInto(MemorySegment a, long ai, MemorySegment o, long oi, long bound, float max) {
        FloatVector shift = FloatVector.broadcast(FS, max);
        double total = 0;
        for (long i = 0; i < bound; ) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector sum = FloatVector.zero(FS);
            for (; i < blockEnd; i += FS.length()) {
                FloatVector e = fload(a, ai + i).sub(shift).lanewise(VectorOperators.EXP);
                e.intoMemorySegment(o, (oi + i) * Float.BYTES, ORDER);
                sum = sum.add(e);
            }
            total += LaneSums.sum(sum);
        }
        return total;
    }

    private static double floatExpSum(MemorySegment a, long ai, long bound, float max) {
        FloatVector shift = FloatVector.broadcast(FS, max);
        double total = 0;
        for (long i = 0; i < bound; ) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector sum = FloatVector.zero(FS);
            for (; i < blockEnd; i += FS.length()) sum = sum.add(fload(a, ai + i).sub(shift).lanewise(VectorOperators.EXP));
            total += LaneSums.sum(sum);
        }
        return total;
    }

    private static void floatScale(MemorySegment o, long oi, long bound, float factor) {
        for (long i = 0; i < bound; i += FS.length()) fload(o, oi + i).mul(factor).intoMemorySegment(o, (oi + i) * Float.BYTES, ORDER);
    }

    private static void floatLogShift(MemorySegment a, long ai, MemorySegment o, long oi, long bound, float max, float logSum) {
        for (long i = 0; i < bound; i += FS.length()) {
            fload(a, ai + i).sub(max).sub(logSum).intoMemorySegment(o, (oi + i) * Float.BYTES, ORDER);
        }
    }

    private static double floatSum(MemorySegment g, long gi, long bound) {
        double total = 0;
        for (long i = 0; i < bound; ) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector sum = FloatVector.zero(FS);
            for (; i < blockEnd; i += FS.length()) sum = sum.add(fload(g, gi + i));
            total += LaneSums.sum(sum);
        }
        return total;
    }

    private static double floatDot(MemorySegment y, long yi, MemorySegment g, long gi, long bound) {
        double total = 0;
        for (long i = 0; i < bound; ) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector sum = FloatVector.zero(FS);
            for (; i < blockEnd; i += FS.length()) sum = fload(y, yi + i).fma(fload(g, gi + i), sum);
            total += LaneSums.sum(sum);
        }
        return total;
    }

    private static void floatSoftmaxGrad(MemorySegment y, long yi, MemorySegment g, long gi, MemorySegment r, long ri,
                                         long bound, float dot) {
        for (long i = 0; i < bound; i += FS.length()) {
            fload(y, yi + i).mul(fload(g, gi + i).sub(dot)).intoMemorySegment(r, (ri + i) * Float.BYTES, ORDER);
        }
    }

    private static void floatLogSoftmaxGrad(MemorySegment y, long yi, MemorySegment g, long gi, MemorySegment r, long ri,
                                            long bound, float sum) {
        for (long i = 0; i < bound; i += FS.length()) {
            FloatVector p = fload(y, yi + i).lanewise(VectorOperators.EXP);
            fload(g, gi + i).sub(p.mul(sum)).intoMemorySegment(r, (ri + i) * Float.BYTES, ORDER);
        }
    }

    // ---------------------------------------------------------------- float64 rows

    private static DoubleVector dload(MemorySegment s, long index) {
        return DoubleVector.fromMemorySegment(DS, s, index * Double.BYTES, ORDER);
    }

    private static double doubleMax(MemorySegment a, long ai, long bound) {
        DoubleVector max = DoubleVector.broadcast(DS, Double.NEGATIVE_INFINITY);
        for (long i = 0; i < bound; i += DS.length()) max = max.max(dload(a, ai + i));
        return max.reduceLanes(VectorOperators.MAX);
    }

    private static double doubleExpSumInto(MemorySegment a, long ai, MemorySegment o, long oi, long bound, double max) {
        DoubleVector shift = DoubleVector.broadcast(DS, max);
        DoubleVector sum = DoubleVector.zero(DS);
        for (long i = 0; i < bound; i += DS.length()) {
            DoubleVector e = dload(a, ai + i).sub(shift).lanewise(VectorOperators.EXP);
            e.intoMemorySegment(o, (oi + i) * Double.BYTES, ORDER);
            sum = sum.add(e);
        }
        return LaneSums.sum(sum);
    }

    private static double doubleExpSum(MemorySegment a, long ai, long bound, double max) {
        DoubleVector shift = DoubleVector.broadcast(DS, max);
        DoubleVector sum = DoubleVector.zero(DS);
        for (long i = 0; i < bound; i += DS.length()) sum = sum.add(dload(a, ai + i).sub(shift).lanewise(VectorOperators.EXP));
        return LaneSums.sum(sum);
    }

    private static void doubleScale(MemorySegment o, long oi, long bound, double factor) {
        for (long i = 0; i < bound; i += DS.length()) dload(o, oi + i).mul(factor).intoMemorySegment(o, (oi + i) * Double.BYTES, ORDER);
    }

    private static void doubleLogShift(MemorySegment a, long ai, MemorySegment o, long oi, long bound, double max, double logSum) {
        for (long i = 0; i < bound; i += DS.length()) {
            dload(a, ai + i).sub(max).sub(logSum).intoMemorySegment(o, (oi + i) * Double.BYTES, ORDER);
        }
    }

    private static double doubleSum(MemorySegment g, long gi, long bound) {
        DoubleVector sum = DoubleVector.zero(DS);
        for (long i = 0; i < bound; i += DS.length()) sum = sum.add(dload(g, gi + i));
        return LaneSums.sum(sum);
    }

    private static double doubleDot(MemorySegment y, long yi, MemorySegment g, long gi, long bound) {
        DoubleVector sum = DoubleVector.zero(DS);
        for (long i = 0; i < bound; i += DS.length()) sum = dload(y, yi + i).fma(dload(g, gi + i), sum);
        return LaneSums.sum(sum);
    }

    private static void doubleSoftmaxGrad(MemorySegment y, long yi, MemorySegment g, long gi, MemorySegment r, long ri,
                                          long bound, double dot) {
        for (long i = 0; i < bound; i += DS.length()) {
            dload(y, yi + i).mul(dload(g, gi + i).sub(dot)).intoMemorySegment(r, (ri + i) * Double.BYTES, ORDER);
        }
    }

    private static void doubleLogSoftmaxGrad(MemorySegment y, long yi, MemorySegment g, long gi, MemorySegment r, long ri,
                                             long bound, double sum) {
        for (long i = 0; i < bound; i += DS.length()) {
            DoubleVector p = dload(y, yi + i).lanewise(VectorOperators.EXP);
            dload(g, gi + i).sub(p.mul(sum)).intoMemorySegment(r, (ri + i) * Double.BYTES, ORDER);
        }
    }

    // ---------------------------------------------------------------- lane blocks of slices (dim not innermost)
    // Lane j holds slice j of the block; element k of every slice sits at index k * inner, so each
    // pass walks the dim with one vector load per step. One method per op and dtype.

    private static void floatSoftmaxColumns(MemorySegment a, long ai, MemorySegment o, long oi, long size, long inner) {
        FloatVector max = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
        for (long k = 0; k < size; k++) max = max.max(fload(a, ai + k * inner));
        FloatVector sum = FloatVector.zero(FS);
        for (long k = 0; k < size; k++) {
            FloatVector e = fload(a, ai + k * inner).sub(max).lanewise(VectorOperators.EXP);
            e.intoMemorySegment(o, (oi + k * inner) * Float.BYTES, ORDER);
            sum = sum.add(e);
        }
        FloatVector factor = FloatVector.broadcast(FS, 1f).div(sum);
        for (long k = 0; k < size; k++) fload(o, oi + k * inner).mul(factor).intoMemorySegment(o, (oi + k * inner) * Float.BYTES, ORDER);
    }

    private static void floatLogSoftmaxColumns(MemorySegment a, long ai, MemorySegment o, long oi, long size, long inner) {
        FloatVector max = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
        for (long k = 0; k < size; k++) max = max.max(fload(a, ai + k * inner));
        FloatVector sum = FloatVector.zero(FS);
        for (long k = 0; k < size; k++) sum = sum.add(fload(a, ai + k * inner).sub(max).lanewise(VectorOperators.EXP));
        FloatVector logSum = sum.lanewise(VectorOperators.LOG);
        for (long k = 0; k < size; k++) {
            fload(a, ai + k * inner).sub(max).sub(logSum).intoMemorySegment(o, (oi + k * inner) * Float.BYTES, ORDER);
        }
    }

    private static void floatSoftmaxGradColumns(MemorySegment y, long yi, MemorySegment g, long gi, MemorySegment r, long ri,
                                                long size, long inner) {
        FloatVector dot = FloatVector.zero(FS);
        for (long k = 0; k < size; k++) dot = fload(y, yi + k * inner).fma(fload(g, gi + k * inner), dot);
        for (long k = 0; k < size; k++) {
            fload(y, yi + k * inner).mul(fload(g, gi + k * inner).sub(dot)).intoMemorySegment(r, (ri + k * inner) * Float.BYTES, ORDER);
        }
    }

    private static void floatLogSoftmaxGradColumns(MemorySegment y, long yi, MemorySegment g, long gi, MemorySegment r,
                                                   long ri, long size, long inner) {
        FloatVector sum = FloatVector.zero(FS);
        for (long k = 0; k < size; k++) sum = sum.add(fload(g, gi + k * inner));
        for (long k = 0; k < size; k++) {
            FloatVector p = fload(y, yi + k * inner).lanewise(VectorOperators.EXP);
            fload(g, gi + k * inner).sub(p.mul(sum)).intoMemorySegment(r, (ri + k * inner) * Float.BYTES, ORDER);
        }
    }

    private static void doubleSoftmaxColumns(MemorySegment a, long ai, MemorySegment o, long oi, long size, long inner) {
        DoubleVector max = DoubleVector.broadcast(DS, Double.NEGATIVE_INFINITY);
        for (long k = 0; k < size; k++) max = max.max(dload(a, ai + k * inner));
        DoubleVector sum = DoubleVector.zero(DS);
        for (long k = 0; k < size; k++) {
            DoubleVector e = dload(a, ai + k * inner).sub(max).lanewise(VectorOperators.EXP);
            e.intoMemorySegment(o, (oi + k * inner) * Double.BYTES, ORDER);
            sum = sum.add(e);
        }
        DoubleVector factor = DoubleVector.broadcast(DS, 1.0).div(sum);
        for (long k = 0; k < size; k++) dload(o, oi + k * inner).mul(factor).intoMemorySegment(o, (oi + k * inner) * Double.BYTES, ORDER);
    }

    private static void doubleLogSoftmaxColumns(MemorySegment a, long ai, MemorySegment o, long oi, long size, long inner) {
        DoubleVector max = DoubleVector.broadcast(DS, Double.NEGATIVE_INFINITY);
        for (long k = 0; k < size; k++) max = max.max(dload(a, ai + k * inner));
        DoubleVector sum = DoubleVector.zero(DS);
        for (long k = 0; k < size; k++) sum = sum.add(dload(a, ai + k * inner).sub(max).lanewise(VectorOperators.EXP));
        DoubleVector logSum = sum.lanewise(VectorOperators.LOG);
        for (long k = 0; k < size; k++) {
            dload(a, ai + k * inner).sub(max).sub(logSum).intoMemorySegment(o, (oi + k * inner) * Double.BYTES, ORDER);
        }
    }

    private static void doubleSoftmaxGradColumns(MemorySegment y, long yi, MemorySegment g, long gi, MemorySegment r, long ri,
                                                 long size, long inner) {
        DoubleVector dot = DoubleVector.zero(DS);
        for (long k = 0; k < size; k++) dot = dload(y, yi + k * inner).fma(dload(g, gi + k * inner), dot);
        for (long k = 0; k < size; k++) {
            dload(y, yi + k * inner).mul(dload(g, gi + k * inner).sub(dot)).intoMemorySegment(r, (ri + k * inner) * Double.BYTES, ORDER);
        }
    }

    private static void doubleLogSoftmaxGradColumns(MemorySegment y, long yi, MemorySegment g, long gi, MemorySegment r,
                                                    long ri, long size, long inner) {
        DoubleVector sum = DoubleVector.zero(DS);
        for (long k = 0; k < size; k++) sum = sum.add(dload(g, gi + k * inner));
        for (long k = 0; k < size; k++) {
            DoubleVector p = dload(y, yi + k * inner).lanewise(VectorOperators.EXP);
            dload(g, gi + k * inner).sub(p.mul(sum)).intoMemorySegment(r, (ri + k * inner) * Double.BYTES, ORDER);
        }
    }
}
