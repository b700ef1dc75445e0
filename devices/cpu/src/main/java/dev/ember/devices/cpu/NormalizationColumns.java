package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Strided;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static dev.ember.devices.cpu.Elements.F32;
import static dev.ember.devices.cpu.Elements.F64;

/**
 * The column path of {@link NormalizationKernels}, for short runs ({@code inner} below
 * {@link NormalizationKernels#COLUMN_INNER} with several runs per group, or below a vector's
 * length), as in batch norm of {@code [N, C]} or layer norm over a few features: reading such a
 * group run by run touches a new cache line every few elements (every cache line again for each
 * group it holds) and pays calls per few elements. Here the input is {@code outer} rows of
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
                    Workspace work = new Workspace(pass.single, (int) (perChunk * inner));
                    for (long c = start; c < end; c++) pass.chunk(c * perChunk, Math.min(groups, (c + 1) * perChunk), work);
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
            Workspace work = new Workspace(pass.single, (int) (perChunk * inner));
            for (int c = (int) start; c < end; c++) {
                if (perInner) {
                    weightSums[c] = new double[(int) inner];
                    biasSums[c] = new double[(int) inner];
                }
                pass.chunk(c * perChunk, Math.min(groups, (c + 1) * perChunk), perInner ? weightSums[c] : null,
                        perInner ? biasSums[c] : null, work);
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
        void chunk(long first, long last, Workspace work) {
            int n = (int) inner;
            int width = (int) ((last - first) * inner);
            long column = first * inner;
            Columns means = work.means;
            if (computeStatistics) {
                statistics(first, last, width, column, work);
            } else {
                for (long g = first, c = 0; g < last; g++) {
                    double m = mean.get(g);
                    for (int i = 0; i < n; i++) means.set((int) c++, m);
                }
            }
            Columns scales = work.first;
            Columns shifts = work.second;
            for (long g = first, c = 0; g < last; g++) {
                double s = inverseStd.get(g);
                for (int i = 0; i < n; i++, c++) {
                    scales.set((int) c, s * weight(g, i));
                    shifts.set((int) c, bias(g, i));
                }
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

        /** Writes each group's mean and inverse std, and leaves the means per column in {@code work.means}. */
        private void statistics(long first, long last, int width, long column, Workspace work) {
            int n = (int) inner;
            double count = outer * inner;
            Columns means = work.means;
            Columns partial = work.first;
            double[] total = work.totalFirst;
            Arrays.fill(total, 0, width, 0);
            partial.clear(width);
            for (int c = 0; c < width; c++) {
                means.set(c, single ? x.getAtIndex(F32, xo + column + c) : x.getAtIndex(F64, xo + column + c));
            }
            for (long o = 0, rows = 0; o < outer; o++) {
                long at = xo + o * rowLength + column;
                if (single) FloatNormalizationLoops.columnShiftedSum(x, at, width, means.floats, partial.floats, vector);
                else DoubleNormalizationLoops.columnShiftedSum(x, at, width, means.doubles, partial.doubles, vector);
                if (++rows == NormalizationKernels.FLUSH_RUNS || o == outer - 1) {
                    partial.flushInto(total, width);
                    rows = 0;
                }
            }
            for (long g = first, c = 0; g < last; g++, c += n) {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += means.get((int) c + i) + total[(int) c + i] / outer;
                double m = sum / n;
                mean.set(g, m);
                for (int i = 0; i < n; i++) {
                    means.set((int) c + i, m);
                    total[(int) c + i] = 0;
                }
            }
            for (long o = 0, rows = 0; o < outer; o++) {
                long at = xo + o * rowLength + column;
                if (single) FloatNormalizationLoops.columnSquaredDeviation(x, at, width, means.floats, partial.floats, vector);
                else DoubleNormalizationLoops.columnSquaredDeviation(x, at, width, means.doubles, partial.doubles, vector);
                if (++rows == NormalizationKernels.FLUSH_RUNS || o == outer - 1) {
                    partial.flushInto(total, width);
                    rows = 0;
                }
            }
            for (long g = first, c = 0; g < last; g++, c += n) {
                double squares = 0;
                for (int i = 0; i < n; i++) squares += total[(int) c + i];
                inverseStd.set(g, 1 / Math.sqrt(squares / count + eps));
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
        void chunk(long first, long last, double[] weightSum, double[] biasSum, Workspace work) {
            int n = (int) inner;
            int width = (int) ((last - first) * inner);
            long column = first * inner;
            double count = outer * inner;
            Columns means = work.means;
            for (long g = first, c = 0; g < last; g++) {
                double m = mean.get(g);
                for (int i = 0; i < n; i++) means.set((int) c++, m);
            }
            Columns partialG = work.first;
            Columns partialGX = work.second;
            double[] totalG = work.totalFirst;
            double[] totalGX = work.totalSecond;
            Arrays.fill(totalG, 0, width, 0);
            Arrays.fill(totalGX, 0, width, 0);
            partialG.clear(width);
            partialGX.clear(width);
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
                    partialG.flushInto(totalG, width);
                    partialGX.flushInto(totalGX, width);
                    rows = 0;
                }
            }
            // the sums above are done with: their arrays now hold the input gradient's coefficients
            Columns scales = work.first;
            Columns k1 = work.second;
            Columns k0 = work.third;
            for (long group = first, c = 0; group < last; group++, c += n) {
                double s = inverseStd.get(group);
                double sumG = 0;
                double sumGX = 0;
                double sumH = 0;
                double sumHX = 0;
                for (int i = 0; i < n; i++) {
                    int at = (int) c + i;
                    double w = weight(group, i);
                    sumG += totalG[at];
                    sumGX += totalGX[at];
                    sumH += w * totalG[at];
                    sumHX += w * totalGX[at];
                    if (biasSum != null) biasSum[i] += totalG[at];
                    if (weightSum != null) weightSum[i] += s * totalGX[at];
                }
                if (gradBias != null) gradBias.set(group, sumG);
                if (gradWeight != null) gradWeight.set(group, s * sumGX);
                if (dx == null) continue;
                double coefficient = -s * s * s * sumHX / count;
                double constant = -s * sumH / count;
                for (int i = 0; i < n; i++) {
                    scales.set((int) c + i, weight(group, i) * s);
                    k1.set((int) c + i, coefficient);
                    k0.set((int) c + i, constant);
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

    /**
     * The per-column arrays of one task, reused for each of its chunks (a chunk uses the first
     * {@code width} entries): allocating them per chunk cost as much as the arithmetic when a
     * chunk has few rows.
     */
    private static final class Workspace {
        final Columns means;
        final Columns first;
        final Columns second;
        final Columns third;
        final double[] totalFirst;
        final double[] totalSecond;

        Workspace(boolean single, int width) {
            means = new Columns(single, width);
            first = new Columns(single, width);
            second = new Columns(single, width);
            third = new Columns(single, width);
            totalFirst = new double[width];
            totalSecond = new double[width];
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

        void clear(int width) {
            if (floats != null) Arrays.fill(floats, 0, width, 0);
            else Arrays.fill(doubles, 0, width, 0);
        }

        /** Adds the first {@code width} partial sums into {@code total} and zeroes them. */
        void flushInto(double[] total, int width) {
            for (int c = 0; c < width; c++) {
                total[c] += get(c);
                set(c, 0);
            }
        }
    }
}
