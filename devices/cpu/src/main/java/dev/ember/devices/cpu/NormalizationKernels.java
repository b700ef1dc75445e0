package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.Strided;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static dev.ember.devices.cpu.Elements.F32;
import static dev.ember.devices.cpu.Elements.F64;

/**
 * Fused batch, layer, group and instance norm: the contiguous input is read as
 * {@code [outer, groups, inner]} and each group is standardised over its {@code outer * inner}
 * elements, which lie in {@code outer} runs of {@code inner} contiguous elements. Groups run in
 * parallel, each on one thread from start to end, so a group's runs are read by its passes
 * while they are still in cache: the forward reads them three times (sum, squared deviations
 * from the mean, output) and the backward twice (two sums, input gradient). Statistics are
 * two-pass and accumulated in double. The loops themselves are in {@link FloatNormalizationLoops}
 * and {@link DoubleNormalizationLoops}; short runs (batch norm of {@code [N, C]}, layer norm over
 * a few features) take {@link NormalizationColumns} instead.
 *
 * <p>A weight and bias per inner position (layer norm) get their gradients summed over every
 * group: each of a fixed number of chunks of groups sums into its own arrays (float32 ones are
 * added into double every {@link #FLUSH_RUNS} runs), and the chunks' arrays are added in order:
 * the chunks depend on the shape and the number of threads only, never on which thread ran which.
 *
 * <pre>{@code
 * // batch norm of [N, C, H, W] in training mode
 * NormalizationKernels.forward(x, n, c, h * w, weight, bias, true, 1e-5, true, mean, inverseStd, out);
 * }</pre>
 */
final class NormalizationKernels {

    /** Element-operations per element of a forward or backward, for the parallel split. */
    static final long COST = 8;

    /** Runs (or rows) whose float32 sums share one float partial before it is added into double. */
    static final int FLUSH_RUNS = 32;

    /** Below this run length, with more than one run per group, the column path is taken. */
    static final long COLUMN_INNER = 32;

    private NormalizationKernels() {}

    static boolean supports(DType dtype) { return dtype == DType.FLOAT32 || dtype == DType.FLOAT64; }

    // ---------------------------------------------------------------- checks

    static void checkForward(Strided input, long outer, long groups, long inner, Strided weight, Strided bias,
                             boolean affinePerGroup, Strided mean, Strided inverseStd, Strided output) {
        String name = "normalization";
        long count = count(name, outer, groups, inner);
        data(name, "input", input, count, null);
        data(name, "output", output, count, input.dtype());
        affine(name, "weight", weight, affinePerGroup, groups, inner, input.dtype());
        affine(name, "bias", bias, affinePerGroup, groups, inner, input.dtype());
        statistics(name, "mean", mean, groups, input.dtype());
        statistics(name, "inverseStd", inverseStd, groups, input.dtype());
    }

    static void checkBackward(Strided gradOutput, Strided input, long outer, long groups, long inner, Strided mean,
                              Strided inverseStd, Strided weight, boolean affinePerGroup, Strided gradInput,
                              Strided gradWeight, Strided gradBias) {
        String name = "normalization_backward";
        long count = count(name, outer, groups, inner);
        data(name, "input", input, count, null);
        if (gradOutput != null && gradOutput.layout().isBroadcastScalar()) {
            OperandChecks.operand(name, gradOutput);
            if (gradOutput.dtype() != input.dtype() || gradOutput.numel() != count) {
                throw new IllegalArgumentException(name + ": expected a broadcast gradOutput of " + count + " elements of dtype "
                        + input.dtype() + ", got shape " + OperandChecks.shape(gradOutput) + " of dtype " + gradOutput.dtype());
            }
        } else {
            data(name, "gradOutput", gradOutput, count, input.dtype());
        }
        statistics(name, "mean", mean, groups, input.dtype());
        statistics(name, "inverseStd", inverseStd, groups, input.dtype());
        affine(name, "weight", weight, affinePerGroup, groups, inner, input.dtype());
        if (gradInput != null) data(name, "gradInput", gradInput, count, input.dtype());
        affine(name, "gradWeight", gradWeight, affinePerGroup, groups, inner, input.dtype());
        affine(name, "gradBias", gradBias, affinePerGroup, groups, inner, input.dtype());
    }

    private static long count(String name, long outer, long groups, long inner) {
        if (outer < 0 || groups < 0 || inner < 0) {
            throw new IllegalArgumentException(name + ": sizes must not be negative, got outer " + outer + ", groups "
                    + groups + ", inner " + inner);
        }
        try {
            return Math.multiplyExact(Math.multiplyExact(outer, groups), inner);
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException(name + ": outer " + outer + " x groups " + groups + " x inner " + inner
                    + " overflows");
        }
    }

    /** A contiguous operand of {@code count} elements of {@code dtype} (of float32 or float64 when null). */
    private static void data(String name, String what, Strided s, long count, DType dtype) {
        if (s == null) throw new IllegalArgumentException(name + ": " + what + " is null");
        OperandChecks.operand(name, s);
        if (dtype == null ? !supports(s.dtype()) : s.dtype() != dtype) {
            throw new IllegalArgumentException(name + ": expected " + what + " of dtype "
                    + (dtype == null ? "float32 or float64" : dtype) + ", got " + s.dtype());
        }
        if (s.numel() != count || !s.layout().isContiguous()) {
            throw new IllegalArgumentException(name + ": expected a contiguous " + what + " of " + count + " elements, got shape "
                    + OperandChecks.shape(s) + " with layout " + s.layout());
        }
    }

    /** A weight, bias or one of their gradients: null, or {@code groups} or {@code inner} elements. */
    private static void affine(String name, String what, Strided s, boolean perGroup, long groups, long inner, DType dtype) {
        if (s == null) return;
        data(name, what + (perGroup ? " (one per group)" : " (one per inner position)"), s, perGroup ? groups : inner, dtype);
        if (!perGroup && inner > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name + ": a " + what + " per inner position supports at most "
                    + (Integer.MAX_VALUE - 8) + " positions, got " + inner);
        }
    }

    /** Mean or inverse standard deviation: {@code groups} elements of the input's dtype or float64. */
    private static void statistics(String name, String what, Strided s, long groups, DType dtype) {
        if (s == null) throw new IllegalArgumentException(name + ": " + what + " is null");
        data(name, what, s, groups, s.dtype() == DType.FLOAT64 ? DType.FLOAT64 : dtype);
    }

    // ---------------------------------------------------------------- forward

    static void forward(Strided input, long outer, long groups, long inner, Strided weight, Strided bias,
                        boolean affinePerGroup, double eps, boolean computeStatistics, Strided mean, Strided inverseStd,
                        Strided output) {
        if (groups == 0) return;
        if (outer * inner == 0) {
            // statistics of no elements, as 0 / 0 gives them
            if (computeStatistics) {
                CopyKernels.fill(mean, Double.NaN);
                CopyKernels.fill(inverseStd, Double.NaN);
            }
            return;
        }
        if (columnPath(outer, inner, input.dtype())) {
            NormalizationColumns.forward(input, outer, groups, inner, weight, bias, affinePerGroup, eps, computeStatistics,
                    mean, inverseStd, output);
            return;
        }
        Forward pass = new Forward(input, outer, groups, inner, weight, bias, affinePerGroup, eps, computeStatistics,
                mean, inverseStd, output);
        Parallel.forRange(groups, outer * inner * COST, (start, end) -> {
            for (long g = start; g < end; g++) pass.group(g);
        });
    }

    /** One forward call: operands, per-group or per-position affine values, and the work for one group. */
    private static final class Forward {
        private final long outer;
        private final long groups;
        private final long inner;
        private final boolean single;
        private final boolean vector;
        private final boolean computeStatistics;
        private final double eps;
        private final MemorySegment x;
        private final long xo;
        private final MemorySegment out;
        private final long oo;
        private final GroupValues mean;
        private final GroupValues inverseStd;
        private final GroupValues groupWeight;
        private final GroupValues groupBias;
        /** Per inner position, ones or zeros standing in for an absent weight or bias; null unless one is given. */
        private final float[] floatWeight;
        private final float[] floatBias;
        private final double[] doubleWeight;
        private final double[] doubleBias;

        Forward(Strided input, long outer, long groups, long inner, Strided weight, Strided bias, boolean affinePerGroup,
                double eps, boolean computeStatistics, Strided mean, Strided inverseStd, Strided output) {
            this.outer = outer;
            this.groups = groups;
            this.inner = inner;
            this.single = input.dtype() == DType.FLOAT32;
            this.eps = eps;
            this.computeStatistics = computeStatistics;
            this.x = segment(input);
            this.xo = input.layout().offset();
            this.out = segment(output);
            this.oo = output.layout().offset();
            this.vector = Elements.vectorFriendly(x, out);
            this.mean = new GroupValues(mean);
            this.inverseStd = new GroupValues(inverseStd);
            boolean elementwise = !affinePerGroup && (weight != null || bias != null);
            this.groupWeight = affinePerGroup && weight != null ? new GroupValues(weight) : null;
            this.groupBias = affinePerGroup && bias != null ? new GroupValues(bias) : null;
            this.floatWeight = elementwise && single ? floats(weight, inner, 1) : null;
            this.floatBias = elementwise && single ? floats(bias, inner, 0) : null;
            this.doubleWeight = elementwise && !single ? doubles(weight, inner, 1) : null;
            this.doubleBias = elementwise && !single ? doubles(bias, inner, 0) : null;
        }

        private long run(long o, long g) { return (o * groups + g) * inner; }

        void group(long g) {
            double m;
            double s;
            long count = outer * inner;
            if (computeStatistics) {
                // summing x - x0 for one of the group's own values x0 keeps float32 block sums of
                // data far from zero (a mean of 1000, a deviation of 0.01) accurate
                double shift = single ? x.getAtIndex(F32, xo + run(0, g)) : x.getAtIndex(F64, xo + run(0, g));
                double sum = 0;
                for (long o = 0; o < outer; o++) {
                    sum += single ? FloatNormalizationLoops.shiftedSum(x, xo + run(o, g), inner, (float) shift, vector)
                            : DoubleNormalizationLoops.shiftedSum(x, xo + run(o, g), inner, shift, vector);
                }
                m = shift + sum / count;
                double squares = 0;
                for (long o = 0; o < outer; o++) {
                    squares += single ? FloatNormalizationLoops.squaredDeviation(x, xo + run(o, g), inner, (float) m, vector)
                            : DoubleNormalizationLoops.squaredDeviation(x, xo + run(o, g), inner, m, vector);
                }
                s = 1 / Math.sqrt(squares / count + eps);
                mean.set(g, m);
                inverseStd.set(g, s);
            } else {
                m = mean.get(g);
                s = inverseStd.get(g);
            }
            if (floatWeight != null) {
                for (long o = 0; o < outer; o++) {
                    FloatNormalizationLoops.normalizeElementwise(x, xo + run(o, g), out, oo + run(o, g), inner, (float) m,
                            (float) s, floatWeight, floatBias, vector);
                }
            } else if (doubleWeight != null) {
                for (long o = 0; o < outer; o++) {
                    DoubleNormalizationLoops.normalizeElementwise(x, xo + run(o, g), out, oo + run(o, g), inner, m, s,
                            doubleWeight, doubleBias, vector);
                }
            } else {
                double scale = groupWeight == null ? s : s * groupWeight.get(g);
                double shift = groupBias == null ? 0 : groupBias.get(g);
                normalizeRuns(single, x, xo, out, oo, outer, groups, inner, g, m, scale, shift, vector);
            }
        }
    }

    // ---------------------------------------------------------------- backward

    static void backward(Strided gradOutput, Strided input, long outer, long groups, long inner, Strided mean,
                         Strided inverseStd, Strided weight, boolean affinePerGroup, Strided gradInput, Strided gradWeight,
                         Strided gradBias) {
        if (outer * inner == 0) {
            // sums over no elements
            if (gradWeight != null) CopyKernels.fill(gradWeight, 0);
            if (gradBias != null) CopyKernels.fill(gradBias, 0);
            return;
        }
        boolean columns = columnPath(outer, inner, input.dtype());
        boolean elementwise = !affinePerGroup && (weight != null || gradWeight != null || gradBias != null);
        if ((columns || elementwise) && gradOutput.layout().isBroadcastScalar() && gradOutput.numel() > 1) {
            gradOutput = materialized(gradOutput);
        }
        if (columns) {
            NormalizationColumns.backward(gradOutput, input, outer, groups, inner, mean, inverseStd, weight, affinePerGroup,
                    gradInput, gradWeight, gradBias);
            return;
        }
        Backward pass = new Backward(gradOutput, input, outer, groups, inner, mean, inverseStd, weight, affinePerGroup,
                elementwise, gradInput, gradWeight, gradBias);
        if (!elementwise) {
            Parallel.forRange(groups, outer * inner * COST, (start, end) -> {
                for (long g = start; g < end; g++) pass.group(g);
            });
            return;
        }
        int chunks = (int) Math.min(groups, 4L * Parallel.threads());
        double[][] weightSums = new double[chunks][];
        double[][] biasSums = new double[chunks][];
        Parallel.forRange(chunks, Math.ceilDiv(groups, Math.max(chunks, 1)) * outer * inner * COST, (start, end) -> {
            for (int c = (int) start; c < end; c++) {
                weightSums[c] = new double[(int) inner];
                biasSums[c] = new double[(int) inner];
                pass.chunk(groups * c / chunks, groups * (c + 1) / chunks, weightSums[c], biasSums[c]);
            }
        });
        writeTotal(gradWeight, weightSums, (int) inner);
        writeTotal(gradBias, biasSums, (int) inner);
    }

    /** {@code out = (x - mean) * scale + shift} over every run of one group, in float or double. */
    private static void normalizeRuns(boolean single, MemorySegment x, long xo, MemorySegment out, long oo, long outer,
                                      long groups, long inner, long group, double mean, double scale, double shift,
                                      boolean vector) {
        for (long o = 0; o < outer; o++) {
            long run = (o * groups + group) * inner;
            if (single) {
                FloatNormalizationLoops.normalize(x, xo + run, out, oo + run, inner, (float) mean, (float) scale,
                        (float) shift, vector);
            } else {
                DoubleNormalizationLoops.normalize(x, xo + run, out, oo + run, inner, mean, scale, shift, vector);
            }
        }
    }

    private static Strided materialized(Strided broadcast) {
        Strided copy = new Strided(CpuBuffer.allocate(broadcast.numel() * broadcast.dtype().byteSize(), false),
                Layout.contiguous(broadcast.layout().shape()), broadcast.dtype());
        CopyKernels.copy(broadcast, copy);
        return copy;
    }

    /**
     * Short runs, read as columns of rows ({@link NormalizationColumns}), vectorised across groups:
     * many of them per group (a cache line per run otherwise), or one shorter than a vector.
     */
    private static boolean columnPath(long outer, long inner, DType dtype) {
        long lanes = dtype == DType.FLOAT32 ? UnaryKernels.FS.length() : UnaryKernels.DS.length();
        return inner >= 1 && inner < COLUMN_INNER && (outer > 1 || inner < lanes);
    }

    /** {@code target[i] = sum over chunks, in order, of partial[c][i]}; zeros when there were no chunks. */
    static void writeTotal(Strided target, double[][] partial, int n) {
        if (target == null) return;
        double[] total = new double[n];
        for (double[] chunk : partial) {
            for (int i = 0; i < n; i++) total[i] += chunk[i];
        }
        GroupValues values = new GroupValues(target);
        for (int i = 0; i < n; i++) values.set(i, total[i]);
    }

    /** One backward call: operands and the work for one group (weight constant over it) or one chunk of groups. */
    private static final class Backward {
        private final long outer;
        private final long groups;
        private final long inner;
        private final boolean single;
        private final boolean vector;
        private final MemorySegment g;
        private final long go;
        /** gradOutput is one value over everything: sums and gradInput need no run of it. */
        private final boolean broadcastGradient;
        private final MemorySegment x;
        private final long xo;
        private final MemorySegment dx;
        private final long dxo;
        private final GroupValues mean;
        private final GroupValues inverseStd;
        private final GroupValues groupWeight;
        private final GroupValues gradWeight;
        private final GroupValues gradBias;
        /** Per inner position (ones for an absent weight); null unless the affine values are per position. */
        private final float[] floatWeight;
        private final double[] doubleWeight;

        Backward(Strided gradOutput, Strided input, long outer, long groups, long inner, Strided mean, Strided inverseStd,
                 Strided weight, boolean affinePerGroup, boolean elementwise, Strided gradInput, Strided gradWeight,
                 Strided gradBias) {
            this.outer = outer;
            this.groups = groups;
            this.inner = inner;
            this.single = input.dtype() == DType.FLOAT32;
            this.g = segment(gradOutput);
            this.go = gradOutput.layout().offset();
            this.broadcastGradient = gradOutput.layout().isBroadcastScalar();
            this.x = segment(input);
            this.xo = input.layout().offset();
            this.dx = gradInput == null ? null : segment(gradInput);
            this.dxo = gradInput == null ? 0 : gradInput.layout().offset();
            // a broadcast gradient is read as one scalar, wherever it lives
            MemorySegment runs = broadcastGradient ? x : g;
            this.vector = dx == null ? Elements.vectorFriendly(runs, x) : Elements.vectorFriendly(runs, x, dx);
            this.mean = new GroupValues(mean);
            this.inverseStd = new GroupValues(inverseStd);
            this.groupWeight = affinePerGroup && weight != null ? new GroupValues(weight) : null;
            this.gradWeight = affinePerGroup && gradWeight != null ? new GroupValues(gradWeight) : null;
            this.gradBias = affinePerGroup && gradBias != null ? new GroupValues(gradBias) : null;
            this.floatWeight = elementwise && single ? floats(weight, inner, 1) : null;
            this.doubleWeight = elementwise && !single ? doubles(weight, inner, 1) : null;
        }

        private long run(long o, long group) { return (o * groups + group) * inner; }

        /**
         * One group whose weight is constant over it: {@code A = sum(g)}, {@code B = sum(g (x - mean))}
         * give {@code gradBias = A}, {@code gradWeight = s B} and
         * {@code gradInput = w s g - w s^3 B (x - mean) / M - w s A / M}.
         */
        void group(long group) {
            if (broadcastGradient) {
                groupWithBroadcastGradient(group);
                return;
            }
            double m = mean.get(group);
            double s = inverseStd.get(group);
            double[] sums = new double[2];
            for (long o = 0; o < outer; o++) {
                if (single) FloatNormalizationLoops.gradientSums(g, go + run(o, group), x, xo + run(o, group), inner, (float) m, sums, vector);
                else DoubleNormalizationLoops.gradientSums(g, go + run(o, group), x, xo + run(o, group), inner, m, sums, vector);
            }
            if (gradBias != null) gradBias.set(group, sums[0]);
            if (gradWeight != null) gradWeight.set(group, sums[1] * s);
            if (dx == null) return;
            double count = outer * inner;
            double w = groupWeight == null ? 1 : groupWeight.get(group);
            double scale = w * s;
            double k1 = -scale * s * s * sums[1] / count;
            double k0 = -scale * sums[0] / count;
            for (long o = 0; o < outer; o++) {
                if (single) {
                    FloatNormalizationLoops.gradInput(g, go + run(o, group), x, xo + run(o, group), dx, dxo + run(o, group),
                            inner, (float) m, (float) scale, (float) k1, (float) k0, vector);
                } else {
                    DoubleNormalizationLoops.gradInput(g, go + run(o, group), x, xo + run(o, group), dx, dxo + run(o, group),
                            inner, m, scale, k1, k0, vector);
                }
            }
        }

        /**
         * {@link #group} for a gradient {@code c} everywhere: {@code A = c M} and
         * {@code B = c sum(x - mean)}, and the input's gradient is affine in x:
         * {@code (x - mean) k1 + (k0 + c w s)}, computed by the forward's normalisation loop.
         */
        private void groupWithBroadcastGradient(long group) {
            double m = mean.get(group);
            double s = inverseStd.get(group);
            double c = Elements.getDouble(g, single ? DType.FLOAT32 : DType.FLOAT64, go);
            double deviation = 0;
            for (long o = 0; o < outer; o++) {
                deviation += single ? FloatNormalizationLoops.shiftedSum(x, xo + run(o, group), inner, (float) m, vector)
                        : DoubleNormalizationLoops.shiftedSum(x, xo + run(o, group), inner, m, vector);
            }
            double count = outer * inner;
            double sumG = c * count;
            double sumGX = c * deviation;
            if (gradBias != null) gradBias.set(group, sumG);
            if (gradWeight != null) gradWeight.set(group, sumGX * s);
            if (dx == null) return;
            double w = groupWeight == null ? 1 : groupWeight.get(group);
            double scale = w * s;
            double k1 = -scale * s * s * sumGX / count;
            double shift = c * scale - scale * sumG / count;
            normalizeRuns(single, x, xo, dx, dxo, outer, groups, inner, group, m, k1, shift, vector);
        }

        /**
         * Groups {@code [first, last)} with a weight per inner position: per group, with
         * {@code h = g w}, {@code A = sum(h)} and {@code B = sum(h (x - mean))} give
         * {@code gradInput = s h - s^3 B (x - mean) / M - s A / M}; every run adds
         * {@code g (x - mean) s} and {@code g} into this chunk's {@code weightSum} and {@code biasSum}.
         */
        void chunk(long first, long last, double[] weightSum, double[] biasSum) {
            int n = (int) inner;
            float[] floatWeightSum = single ? new float[n] : null;
            float[] floatBiasSum = single ? new float[n] : null;
            int runs = 0;
            double count = outer * inner;
            double[] sums = new double[2];
            for (long group = first; group < last; group++) {
                double m = mean.get(group);
                double s = inverseStd.get(group);
                sums[0] = 0;
                sums[1] = 0;
                for (long o = 0; o < outer; o++) {
                    if (single) {
                        FloatNormalizationLoops.gradientSumsElementwise(g, go + run(o, group), x, xo + run(o, group), inner,
                                (float) m, (float) s, floatWeight, floatWeightSum, floatBiasSum, sums, vector);
                        if (++runs == FLUSH_RUNS) {
                            flush(floatWeightSum, weightSum);
                            flush(floatBiasSum, biasSum);
                            runs = 0;
                        }
                    } else {
                        DoubleNormalizationLoops.gradientSumsElementwise(g, go + run(o, group), x, xo + run(o, group), inner,
                                m, s, doubleWeight, weightSum, biasSum, sums, vector);
                    }
                }
                if (dx == null) continue;
                double k1 = -s * s * s * sums[1] / count;
                double k0 = -s * sums[0] / count;
                for (long o = 0; o < outer; o++) {
                    if (single) {
                        FloatNormalizationLoops.gradInputElementwise(g, go + run(o, group), x, xo + run(o, group), dx,
                                dxo + run(o, group), inner, (float) m, (float) s, floatWeight, (float) k1, (float) k0, vector);
                    } else {
                        DoubleNormalizationLoops.gradInputElementwise(g, go + run(o, group), x, xo + run(o, group), dx,
                                dxo + run(o, group), inner, m, s, doubleWeight, k1, k0, vector);
                    }
                }
            }
            if (single) {
                flush(floatWeightSum, weightSum);
                flush(floatBiasSum, biasSum);
            }
        }

        private static void flush(float[] partial, double[] total) {
            for (int i = 0; i < partial.length; i++) {
                total[i] += partial[i];
                partial[i] = 0;
            }
        }
    }

    // ---------------------------------------------------------------- operands

    static MemorySegment segment(Strided s) { return ((CpuBuffer) s.buffer()).segment(); }

    /** The {@code n} values of a contiguous float32 operand, or {@code n} copies of {@code absent} when it is null. */
    private static float[] floats(Strided s, long n, float absent) {
        float[] values = new float[(int) n];
        if (s == null) Arrays.fill(values, absent);
        else MemorySegment.copy(segment(s), F32, s.layout().offset() * Float.BYTES, values, 0, (int) n);
        return values;
    }

    private static double[] doubles(Strided s, long n, double absent) {
        double[] values = new double[(int) n];
        if (s == null) Arrays.fill(values, absent);
        else MemorySegment.copy(segment(s), F64, s.layout().offset() * Double.BYTES, values, 0, (int) n);
        return values;
    }

    /** Element access, by index, to a small contiguous operand of any floating dtype (statistics, per-group values). */
    static final class GroupValues {
        private final MemorySegment segment;
        private final long offset;
        private final DType dtype;

        GroupValues(Strided s) {
            this.segment = segment(s);
            this.offset = s.layout().offset();
            this.dtype = s.dtype();
        }

        double get(long index) { return Elements.getDouble(segment, dtype, offset + index); }

        void set(long index, double value) { Elements.setDouble(segment, dtype, offset + index, value); }
    }
}
