package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Strided;

import java.lang.foreign.MemorySegment;

import static dev.ember.devices.cpu.Elements.F32;
import static dev.ember.devices.cpu.Elements.F64;

/**
 * The column path of {@link NormalizationKernels}, for many short runs ({@code outer > 1} and
 * {@code inner} below {@link NormalizationKernels#COLUMN_INNER}), as in batch norm of {@code [N, C]}:
 * reading such a group run by run touches a new cache line every few elements, and every cache
 * line again for each of the groups it holds. Here the input is {@code outer} rows of
 * {@code groups * inner} columns; a chunk of whole groups is a band of adjacent columns, and each
 * pass walks the band's rows, vectorised across the columns, with a sum, mean or scale per column
 * in arrays. Per-column sums are float32 partials added into double every
 * {@link NormalizationKernels#FLUSH_RUNS} rows, taken after subtracting the band's first row so
 * that they stay small.
 *
 * <pre>{@code
 * // batch norm of [N, C] (inner 1)
 * NormalizationColumns.forward(x, n, c, 1, weight, bias, true, 1e-5, true, mean, inverseStd, out);
 * }</pre>
 */
final class NormalizationColumns {

    /** Columns per chunk, rounded to whole groups: short enough for the chunk's arrays to stay in L1. */
    private static final int CHUNK_COLUMNS = 512;

    private NormalizationColumns() {}

    private static long groupsPerChunk(long inner) { return Math.max(1, CHUNK_COLUMNS / inner); }

    static void forward(Strided input, long outer, long groups, long inner, Strided weight, Strided bias,
                        boolean affinePerGroup, double eps, boolean computeStatistics, Strided mean, Strided inverseStd,
                        Strided output) {
        Forward pass = new Forward(input, outer, groups, inner, weight, bias, affinePerGroup, eps, computeStatistics, mean,
                inverseStd, output);
        long perChunk = groupsPerChunk(inner);
        Parallel.forRange(Math.ceilDiv(groups, perChunk), perChunk * inner * outer * NormalizationKernels.COST,
                (start, end) -> {
                    for (long c = start; c < end; c++) pass.chunk(c * perChunk, Math.min(groups, (c + 1) * perChunk));
                });
    }

    static void backward(Strided gradOutput, Strided input, long outer, long groups, long inner, Strided mean,
                         Strided inverseStd, Strided weight, boolean affinePerGroup, Strided gradInput, Strided gradWeight,
                         Strided gradBias) {
        Backward pass = new Backward(gradOutput, input, outer, groups, inner, mean, inverseStd, weight, affinePerGroup,
                gradInput, gradWeight, gradBias);
        long perChunk = groupsPerChunk(inner);
        int chunks = Math.toIntExact(Math.ceilDiv(groups, perChunk));
        boolean perInner = !affinePerGroup && (gradWeight != null || gradBias != null);
        double[][] weightSums = new double[perInner ? chunks : 0][];
        double[][] biasSums = new double[perInner ? chunks : 0][];
        Parallel.forRange(chunks, perChunk * inner * outer * NormalizationKernels.COST, (start, end) -> {
            for (int c = (int) start; c < end; c++) {
                if (perInner) {
                    weightSums[c] = new double[(int) inner];
                    biasSums[c] = new double[(int) inner];
                }
                pass.chunk(c * perChunk, Math.min(groups, (c + 1) * perChunk), perInner ? weightSums[c] : null,
                        perInner ? biasSums[c] : null);
            }
        });
        if (perInner) {
            NormalizationKernels.writeTotal(gradWeight, weightSums, (int) inner);
            NormalizationKernels.writeTotal(gradBias, biasSums, (int) inner);
        }
    }

    /** What the two passes share: the input's rows and the weight's value at each column of a band. */
    private abstract static class Pass {
        final long outer;
        final long groups;
        final long inner;
        final long rowLength;
        final boolean single;
        final MemorySegment x;
        final long xo;
        final NormalizationKernels.GroupValues mean;
        final NormalizationKernels.GroupValues inverseStd;
        private final NormalizationKernels.GroupValues groupWeight;
        /** The weight per inner position when it is not per group; null without a weight. */
        private final double[] innerWeight;

        Pass(Strided input, long outer, long groups, long inner, Strided weight, boolean affinePerGroup, Strided mean,
             Strided inverseStd) {
            this.outer = outer;
            this.groups = groups;
            this.inner = inner;
            this.rowLength = groups * inner;
            this.single = input.dtype() == DType.FLOAT32;
            this.x = NormalizationKernels.segment(input);
            this.xo = input.layout().offset();
            this.mean = new NormalizationKernels.GroupValues(mean);
            this.inverseStd = new NormalizationKernels.GroupValues(inverseStd);
            this.groupWeight = affinePerGroup && weight != null ? new NormalizationKernels.GroupValues(weight) : null;
            this.innerWeight = !affinePerGroup && weight != null ? values(weight, inner) : null;
        }

        /** The weight at inner position {@code i} of group {@code g} (1 without a weight). */
        double weight(long g, int i) {
            return groupWeight != null ? groupWeight.get(g) : innerWeight != null ? innerWeight[i] : 1;
        }

        static double[] values(Strided s, long n) {
            NormalizationKernels.GroupValues values = new NormalizationKernels.GroupValues(s);
            double[] result = new double[(int) n];
            for (int i = 0; i < n; i++) result[i] = values.get(i);
            return result;
        }
    }

    private static final class Forward extends Pass {
        private final boolean computeStatistics;
        private final double eps;
        private final boolean vector;
        private final MemorySegment out;
        private final long oo;
        private final NormalizationKernels.GroupValues groupBias;
        private final double[] innerBias;

        Forward(Strided input, long outer, long groups, long inner, Strided weight, Strided bias, boolean affinePerGroup,
                double eps, boolean computeStatistics, Strided mean, Strided inverseStd, Strided output) {
            super(input, outer, groups, inner, weight, affinePerGroup, mean, inverseStd);
            this.computeStatistics = computeStatistics;
            this.eps = eps;
            this.out = NormalizationKernels.segment(output);
            this.oo = output.layout().offset();
            this.vector = Elements.vectorFriendly(x, out);
            this.groupBias = affinePerGroup && bias != null ? new NormalizationKernels.GroupValues(bias) : null;
            this.innerBias = !affinePerGroup && bias != null ? values(bias, inner) : null;
        }

        private double bias(long g, int i) {
            return groupBias != null ? groupBias.get(g) : innerBias != null ? innerBias[i] : 0;
        }

        /** Groups {@code [first, last)}: statistics (unless given), then the output, band row by band row. */
        void chunk(long first, long last) {
            int width = (int) ((last - first) * inner);
            long column = first * inner;
            Columns means = new Columns(single, width);
            if (computeStatistics) {
                Columns partial = new Columns(single, width);
                double[] total = new double[width];
                double count = outer * inner;
                for (int c = 0; c < width; c++) means.set(c, single ? x.getAtIndex(F32, xo + column + c) : x.getAtIndex(F64, xo + column + c));
                for (long o = 0, rows = 0; o < outer; o++) {
                    long at = xo + o * rowLength + column;
                    if (single) FloatNormalizationLoops.columnShiftedSum(x, at, width, means.floats, partial.floats, vector);
                    else DoubleNormalizationLoops.columnShiftedSum(x, at, width, means.doubles, partial.doubles, vector);
                    if (++rows == NormalizationKernels.FLUSH_RUNS || o == outer - 1) {
                        partial.flushInto(total);
                        rows = 0;
                    }
                }
                for (long g = first; g < last; g++) {
                    int from = (int) ((g - first) * inner);
                    double sum = 0;
                    for (int c = from; c < from + inner; c++) sum += means.get(c) + total[c] / outer;
                    double m = sum / inner;
                    mean.set(g, m);
                    for (int c = from; c < from + inner; c++) {
                        means.set(c, m);
                        total[c] = 0;
                    }
                }
                for (long o = 0, rows = 0; o < outer; o++) {
                    long at = xo + o * rowLength + column;
                    if (single) FloatNormalizationLoops.columnSquaredDeviation(x, at, width, means.floats, partial.floats, vector);
                    else DoubleNormalizationLoops.columnSquaredDeviation(x, at, width, means.doubles, partial.doubles, vector);
                    if (++rows == NormalizationKernels.FLUSH_RUNS || o == outer - 1) {
                        partial.flushInto(total);
                        rows = 0;
                    }
                }
                for (long g = first; g < last; g++) {
                    int from = (int) ((g - first) * inner);
                    double squares = 0;
                    for (int c = from; c < from + inner; c++) squares += total[c];
                    inverseStd.set(g, 1 / Math.sqrt(squares / count + eps));
                }
            } else {
                for (int c = 0; c < width; c++) means.set(c, mean.get(first + c / inner));
            }
            Columns scales = new Columns(single, width);
            Columns shifts = new Columns(single, width);
            for (int c = 0; c < width; c++) {
                long g = first + c / inner;
                int i = (int) (c % inner);
                scales.set(c, inverseStd.get(g) * weight(g, i));
                shifts.set(c, bias(g, i));
            }
            for (long o = 0; o < outer; o++) {
                long at = o * rowLength + column;
                if (single) {
                    FloatNormalizationLoops.columnNormalize(x, xo + at, out, oo + at, width, means.floats, scales.floats,
                            shifts.floats, vector);
                } else {
                    DoubleNormalizationLoops.columnNormalize(x, xo + at, out, oo + at, width, means.doubles, scales.doubles,
                            shifts.doubles, vector);
                }
            }
        }
    }

    private static final class Backward extends Pass {
        private final boolean vector;
        private final MemorySegment g;
        private final long go;
        private final MemorySegment dx;
        private final long dxo;
        private final NormalizationKernels.GroupValues gradWeight;
        private final NormalizationKernels.GroupValues gradBias;

        Backward(Strided gradOutput, Strided input, long outer, long groups, long inner, Strided mean, Strided inverseStd,
                 Strided weight, boolean affinePerGroup, Strided gradInput, Strided gradWeight, Strided gradBias) {
            super(input, outer, groups, inner, weight, affinePerGroup, mean, inverseStd);
            this.g = NormalizationKernels.segment(gradOutput);
            this.go = gradOutput.layout().offset();
            this.dx = gradInput == null ? null : NormalizationKernels.segment(gradInput);
            this.dxo = gradInput == null ? 0 : gradInput.layout().offset();
            this.vector = dx == null ? Elements.vectorFriendly(g, x) : Elements.vectorFriendly(g, x, dx);
            this.gradWeight = affinePerGroup && gradWeight != null ? new NormalizationKernels.GroupValues(gradWeight) : null;
            this.gradBias = affinePerGroup && gradBias != null ? new NormalizationKernels.GroupValues(gradBias) : null;
        }

        /**
         * Groups {@code [first, last)}: per column {@code sum(g)} and {@code sum(g (x - mean))}, which
         * give the weight and bias gradients (per group here, or added into this chunk's
         * {@code weightSum} and {@code biasSum} per inner position) and, weighted, the sums of the
         * input gradient's closed form.
         */
        void chunk(long first, long last, double[] weightSum, double[] biasSum) {
            int width = (int) ((last - first) * inner);
            long column = first * inner;
            double count = outer * inner;
            Columns means = new Columns(single, width);
            for (int c = 0; c < width; c++) means.set(c, mean.get(first + c / inner));
            Columns partialG = new Columns(single, width);
            Columns partialGX = new Columns(single, width);
            double[] totalG = new double[width];
            double[] totalGX = new double[width];
            for (long o = 0, rows = 0; o < outer; o++) {
                long at = o * rowLength + column;
                if (single) {
                    FloatNormalizationLoops.columnGradientSums(g, go + at, x, xo + at, width, means.floats, partialG.floats,
                            partialGX.floats, vector);
                } else {
                    DoubleNormalizationLoops.columnGradientSums(g, go + at, x, xo + at, width, means.doubles, partialG.doubles,
                            partialGX.doubles, vector);
                }
                if (++rows == NormalizationKernels.FLUSH_RUNS || o == outer - 1) {
                    partialG.flushInto(totalG);
                    partialGX.flushInto(totalGX);
                    rows = 0;
                }
            }
            Columns scales = dx == null ? null : new Columns(single, width);
            Columns k1 = dx == null ? null : new Columns(single, width);
            Columns k0 = dx == null ? null : new Columns(single, width);
            for (long group = first; group < last; group++) {
                int from = (int) ((group - first) * inner);
                double s = inverseStd.get(group);
                double sumG = 0;
                double sumGX = 0;
                double sumH = 0;
                double sumHX = 0;
                for (int c = from; c < from + inner; c++) {
                    double w = weight(group, c - from);
                    sumG += totalG[c];
                    sumGX += totalGX[c];
                    sumH += w * totalG[c];
                    sumHX += w * totalGX[c];
                    if (biasSum != null) biasSum[c - from] += totalG[c];
                    if (weightSum != null) weightSum[c - from] += s * totalGX[c];
                }
                if (gradBias != null) gradBias.set(group, sumG);
                if (gradWeight != null) gradWeight.set(group, s * sumGX);
                if (dx == null) continue;
                for (int c = from; c < from + inner; c++) {
                    scales.set(c, weight(group, c - from) * s);
                    k1.set(c, -s * s * s * sumHX / count);
                    k0.set(c, -s * sumH / count);
                }
            }
            if (dx == null) return;
            for (long o = 0; o < outer; o++) {
                long at = o * rowLength + column;
                if (single) {
                    FloatNormalizationLoops.columnGradInput(g, go + at, x, xo + at, dx, dxo + at, width, means.floats,
                            scales.floats, k1.floats, k0.floats, vector);
                } else {
                    DoubleNormalizationLoops.columnGradInput(g, go + at, x, xo + at, dx, dxo + at, width, means.doubles,
                            scales.doubles, k1.doubles, k0.doubles, vector);
                }
            }
        }
    }

    /** One value per column of a band, in the kernel's dtype: the loops read the array of that type. */
    private static final class Columns {
        final float[] floats;
        final double[] doubles;

        Columns(boolean single, int width) {
            floats = single ? new float[width] : null;
            doubles = single ? null : new double[width];
        }

        double get(int c) { return floats != null ? floats[c] : doubles[c]; }

        void set(int c, double value) {
            if (floats != null) floats[c] = (float) value;
            else doubles[c] = value;
        }

        /** Adds these partial sums into {@code total} and zeroes them. */
        void flushInto(double[] total) {
            for (int c = 0; c < total.length; c++) {
                total[c] += get(c);
                set(c, 0);
            }
        }
    }
}
