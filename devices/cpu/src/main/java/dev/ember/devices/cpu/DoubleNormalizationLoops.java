package dev.ember.devices.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.ember.devices.cpu.Elements.F64;
import static dev.ember.devices.cpu.UnaryKernels.DS;
import static dev.ember.devices.cpu.UnaryKernels.ORDER;

/**
 * The float64 loops of {@link NormalizationKernels}, the same as {@link FloatNormalizationLoops}
 * in double (blocks included, so that both read alike; in double they change nothing that
 * matters): over one run of a group, or over one row of a band of columns ({@code column...}),
 * each a Vector API loop, a masked step for the rest and a scalar loop for small heap-backed
 * buffers, in methods of their own (docs/design-notes.md).
 *
 * <pre>{@code
 * double sum = DoubleNormalizationLoops.shiftedSum(segment, offset, 784, 0, true);
 * }</pre>
 */
final class DoubleNormalizationLoops {

    private static final int LANES = DS.length();

    /** Elements summed in double vectors before the partial sum joins the double total. */
    private static final int BLOCK = 32 * LANES;

    private DoubleNormalizationLoops() {}

    private static long bound(long n, boolean vector) { return vector ? n - n % LANES : 0; }

    private static DoubleVector load(MemorySegment s, long index) {
        return DoubleVector.fromMemorySegment(DS, s, index * Double.BYTES, ORDER);
    }

    private static DoubleVector load(MemorySegment s, long index, VectorMask<Double> m) {
        return DoubleVector.fromMemorySegment(DS, s, index * Double.BYTES, ORDER, m);
    }

    /** {@code sum(x - shift)} over the run; a shift near the values keeps the sum's terms small. */
    static double shiftedSum(MemorySegment x, long xo, long n, double shift, boolean vector) {
        long bound = bound(n, vector);
        double total = shiftedSumVector(x, xo, bound, shift);
        if (bound == n) return total;
        return total + (vector ? shiftedSumMasked(x, xo, bound, n, shift) : shiftedSumTail(x, xo, bound, n, shift));
    }

    private static double shiftedSumVector(MemorySegment x, long xo, long bound, double shift) {
        double total = 0;
        for (long start = 0; start < bound; start += BLOCK) {
            long end = Math.min(bound, start + BLOCK);
            DoubleVector acc = DoubleVector.zero(DS);
            for (long i = start; i < end; i += LANES) acc = acc.add(load(x, xo + i).sub(shift));
            total += LaneSums.sum(acc);
        }
        return total;
    }

    private static double shiftedSumTail(MemorySegment x, long xo, long from, long n, double shift) {
        double total = 0;
        for (long i = from; i < n; i++) total += x.getAtIndex(F64, xo + i) - shift;
        return total;
    }

    private static double shiftedSumMasked(MemorySegment x, long xo, long from, long n, double shift) {
        VectorMask<Double> m = DS.indexInRange(from, n);
        return LaneSums.sum(load(x, xo + from, m).sub(shift), m);
    }

    /** {@code sum((x - mean)^2)} over the run. */
    static double squaredDeviation(MemorySegment x, long xo, long n, double mean, boolean vector) {
        long bound = bound(n, vector);
        double total = squaredDeviationVector(x, xo, bound, mean);
        if (bound == n) return total;
        return total + (vector ? squaredDeviationMasked(x, xo, bound, n, mean) : squaredDeviationTail(x, xo, bound, n, mean));
    }

    private static double squaredDeviationVector(MemorySegment x, long xo, long bound, double mean) {
        double total = 0;
        for (long start = 0; start < bound; start += BLOCK) {
            long end = Math.min(bound, start + BLOCK);
            DoubleVector acc = DoubleVector.zero(DS);
            for (long i = start; i < end; i += LANES) {
                DoubleVector d = load(x, xo + i).sub(mean);
                acc = acc.add(d.mul(d));
            }
            total += LaneSums.sum(acc);
        }
        return total;
    }

    private static double squaredDeviationTail(MemorySegment x, long xo, long from, long n, double mean) {
        double total = 0;
        for (long i = from; i < n; i++) {
            double d = x.getAtIndex(F64, xo + i) - mean;
            total += d * d;
        }
        return total;
    }

    private static double squaredDeviationMasked(MemorySegment x, long xo, long from, long n, double mean) {
        VectorMask<Double> m = DS.indexInRange(from, n);
        DoubleVector d = load(x, xo + from, m).sub(mean);
        return LaneSums.sum(d.mul(d), m);
    }

    /** {@code out = (x - mean) * scale + shift}: a weight (and bias) constant over the group. */
    static void normalize(MemorySegment x, long xo, MemorySegment out, long oo, long n, double mean, double scale, double shift,
                          boolean vector) {
        long bound = bound(n, vector);
        normalizeVector(x, xo, out, oo, bound, mean, scale, shift);
        if (vector && bound < n) normalizeMasked(x, xo, out, oo, bound, n, mean, scale, shift);
        else normalizeTail(x, xo, out, oo, bound, n, mean, scale, shift);
    }

    private static void normalizeVector(MemorySegment x, long xo, MemorySegment out, long oo, long bound, double mean,
                                        double scale, double shift) {
        for (long i = 0; i < bound; i += LANES) {
            load(x, xo + i).sub(mean).mul(scale).add(shift).intoMemorySegment(out, (oo + i) * Double.BYTES, ORDER);
        }
    }

    private static void normalizeTail(MemorySegment x, long xo, MemorySegment out, long oo, long from, long n, double mean,
                                      double scale, double shift) {
        for (long i = from; i < n; i++) out.setAtIndex(F64, oo + i, (x.getAtIndex(F64, xo + i) - mean) * scale + shift);
    }

    private static void normalizeMasked(MemorySegment x, long xo, MemorySegment out, long oo, long from, long n, double mean,
                                        double scale, double shift) {
        VectorMask<Double> m = DS.indexInRange(from, n);
        load(x, xo + from, m).sub(mean).mul(scale).add(shift).intoMemorySegment(out, (oo + from) * Double.BYTES, ORDER, m);
    }

    /** {@code out = (x - mean) * (w[i] * inverseStd) + b[i]}: a weight and bias per inner position. */
    static void normalizeElementwise(MemorySegment x, long xo, MemorySegment out, long oo, long n, double mean,
                                     double inverseStd, double[] w, double[] b, boolean vector) {
        long bound = bound(n, vector);
        normalizeElementwiseVector(x, xo, out, oo, bound, mean, inverseStd, w, b);
        if (vector && bound < n) normalizeElementwiseMasked(x, xo, out, oo, bound, n, mean, inverseStd, w, b);
        else normalizeElementwiseTail(x, xo, out, oo, bound, n, mean, inverseStd, w, b);
    }

    private static void normalizeElementwiseVector(MemorySegment x, long xo, MemorySegment out, long oo, long bound,
                                                   double mean, double inverseStd, double[] w, double[] b) {
        for (int i = 0; i < bound; i += LANES) {
            DoubleVector scale = DoubleVector.fromArray(DS, w, i).mul(inverseStd);
            load(x, xo + i).sub(mean).mul(scale).add(DoubleVector.fromArray(DS, b, i))
                    .intoMemorySegment(out, (oo + i) * Double.BYTES, ORDER);
        }
    }

    private static void normalizeElementwiseTail(MemorySegment x, long xo, MemorySegment out, long oo, long from, long n,
                                                 double mean, double inverseStd, double[] w, double[] b) {
        for (int i = (int) from; i < n; i++) {
            out.setAtIndex(F64, oo + i, (x.getAtIndex(F64, xo + i) - mean) * (w[i] * inverseStd) + b[i]);
        }
    }

    private static void normalizeElementwiseMasked(MemorySegment x, long xo, MemorySegment out, long oo, long from, long n,
                                                   double mean, double inverseStd, double[] w, double[] b) {
        int i = (int) from;
        VectorMask<Double> m = DS.indexInRange(i, n);
        DoubleVector scale = DoubleVector.fromArray(DS, w, i, m).mul(inverseStd);
        load(x, xo + i, m).sub(mean).mul(scale).add(DoubleVector.fromArray(DS, b, i, m))
                .intoMemorySegment(out, (oo + i) * Double.BYTES, ORDER, m);
    }

    /** Adds {@code sum(g)} to {@code sums[0]} and {@code sum(g * (x - mean))} to {@code sums[1]}. */
    static void gradientSums(MemorySegment g, long go, MemorySegment x, long xo, long n, double mean, double[] sums,
                             boolean vector) {
        long bound = bound(n, vector);
        gradientSumsVector(g, go, x, xo, bound, mean, sums);
        if (vector && bound < n) gradientSumsMasked(g, go, x, xo, bound, n, mean, sums);
        else gradientSumsTail(g, go, x, xo, bound, n, mean, sums);
    }

    private static void gradientSumsVector(MemorySegment g, long go, MemorySegment x, long xo, long bound, double mean,
                                           double[] sums) {
        for (long start = 0; start < bound; start += BLOCK) {
            long end = Math.min(bound, start + BLOCK);
            DoubleVector accG = DoubleVector.zero(DS);
            DoubleVector accGX = DoubleVector.zero(DS);
            for (long i = start; i < end; i += LANES) {
                DoubleVector gv = load(g, go + i);
                accG = accG.add(gv);
                accGX = accGX.add(gv.mul(load(x, xo + i).sub(mean)));
            }
            sums[0] += LaneSums.sum(accG);
            sums[1] += LaneSums.sum(accGX);
        }
    }

    private static void gradientSumsTail(MemorySegment g, long go, MemorySegment x, long xo, long from, long n, double mean,
                                         double[] sums) {
        for (long i = from; i < n; i++) {
            double gi = g.getAtIndex(F64, go + i);
            sums[0] += gi;
            sums[1] += gi * (x.getAtIndex(F64, xo + i) - mean);
        }
    }

    private static void gradientSumsMasked(MemorySegment g, long go, MemorySegment x, long xo, long from, long n, double mean,
                                           double[] sums) {
        VectorMask<Double> m = DS.indexInRange(from, n);
        DoubleVector gv = load(g, go + from, m);
        sums[0] += LaneSums.sum(gv, m);
        sums[1] += LaneSums.sum(gv.mul(load(x, xo + from, m).sub(mean)), m);
    }

    /**
     * With {@code h = g * w[i]}: adds {@code sum(h)} to {@code sums[0]} and {@code sum(h * (x - mean))}
     * to {@code sums[1]}, and per inner position {@code g * (x - mean) * inverseStd} to {@code dw[i]}
     * and {@code g} to {@code db[i]} (the weight's and bias's gradients).
     */
    static void gradientSumsElementwise(MemorySegment g, long go, MemorySegment x, long xo, long n, double mean,
                                        double inverseStd, double[] w, double[] dw, double[] db, double[] sums, boolean vector) {
        long bound = bound(n, vector);
        gradientSumsElementwiseVector(g, go, x, xo, bound, mean, inverseStd, w, dw, db, sums);
        if (vector && bound < n) gradientSumsElementwiseMasked(g, go, x, xo, bound, n, mean, inverseStd, w, dw, db, sums);
        else gradientSumsElementwiseTail(g, go, x, xo, bound, n, mean, inverseStd, w, dw, db, sums);
    }

    private static void gradientSumsElementwiseVector(MemorySegment g, long go, MemorySegment x, long xo, long bound,
                                                      double mean, double inverseStd, double[] w, double[] dw, double[] db,
                                                      double[] sums) {
        for (int start = 0; start < bound; start += BLOCK) {
            int end = (int) Math.min(bound, start + BLOCK);
            DoubleVector accH = DoubleVector.zero(DS);
            DoubleVector accHX = DoubleVector.zero(DS);
            for (int i = start; i < end; i += LANES) {
                DoubleVector gv = load(g, go + i);
                DoubleVector d = load(x, xo + i).sub(mean);
                DoubleVector h = gv.mul(DoubleVector.fromArray(DS, w, i));
                accH = accH.add(h);
                accHX = accHX.add(h.mul(d));
                DoubleVector.fromArray(DS, dw, i).add(gv.mul(d).mul(inverseStd)).intoArray(dw, i);
                DoubleVector.fromArray(DS, db, i).add(gv).intoArray(db, i);
            }
            sums[0] += LaneSums.sum(accH);
            sums[1] += LaneSums.sum(accHX);
        }
    }

    private static void gradientSumsElementwiseTail(MemorySegment g, long go, MemorySegment x, long xo, long from, long n,
                                                    double mean, double inverseStd, double[] w, double[] dw, double[] db,
                                                    double[] sums) {
        for (int i = (int) from; i < n; i++) {
            double gi = g.getAtIndex(F64, go + i);
            double d = x.getAtIndex(F64, xo + i) - mean;
            double h = gi * w[i];
            sums[0] += h;
            sums[1] += h * d;
            dw[i] += gi * d * inverseStd;
            db[i] += gi;
        }
    }

    private static void gradientSumsElementwiseMasked(MemorySegment g, long go, MemorySegment x, long xo, long from, long n,
                                                      double mean, double inverseStd, double[] w, double[] dw, double[] db,
                                                      double[] sums) {
        int i = (int) from;
        VectorMask<Double> m = DS.indexInRange(i, n);
        DoubleVector gv = load(g, go + i, m);
        DoubleVector d = load(x, xo + i, m).sub(mean);
        DoubleVector h = gv.mul(DoubleVector.fromArray(DS, w, i, m));
        sums[0] += LaneSums.sum(h, m);
        sums[1] += LaneSums.sum(h.mul(d), m);
        DoubleVector.fromArray(DS, dw, i, m).add(gv.mul(d).mul(inverseStd)).intoArray(dw, i, m);
        DoubleVector.fromArray(DS, db, i, m).add(gv).intoArray(db, i, m);
    }

    /** {@code dx = g * scale + (x - mean) * k1 + k0}: the input's gradient for a weight constant over the group. */
    static void gradInput(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo, long n, double mean,
                          double scale, double k1, double k0, boolean vector) {
        long bound = bound(n, vector);
        gradInputVector(g, go, x, xo, dx, dxo, bound, mean, scale, k1, k0);
        if (vector && bound < n) gradInputMasked(g, go, x, xo, dx, dxo, bound, n, mean, scale, k1, k0);
        else gradInputTail(g, go, x, xo, dx, dxo, bound, n, mean, scale, k1, k0);
    }

    private static void gradInputVector(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo,
                                        long bound, double mean, double scale, double k1, double k0) {
        for (long i = 0; i < bound; i += LANES) {
            load(g, go + i).mul(scale).add(load(x, xo + i).sub(mean).mul(k1)).add(k0)
                    .intoMemorySegment(dx, (dxo + i) * Double.BYTES, ORDER);
        }
    }

    private static void gradInputTail(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo,
                                      long from, long n, double mean, double scale, double k1, double k0) {
        for (long i = from; i < n; i++) {
            dx.setAtIndex(F64, dxo + i, g.getAtIndex(F64, go + i) * scale + (x.getAtIndex(F64, xo + i) - mean) * k1 + k0);
        }
    }

    private static void gradInputMasked(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo,
                                        long from, long n, double mean, double scale, double k1, double k0) {
        VectorMask<Double> m = DS.indexInRange(from, n);
        load(g, go + from, m).mul(scale).add(load(x, xo + from, m).sub(mean).mul(k1)).add(k0)
                .intoMemorySegment(dx, (dxo + from) * Double.BYTES, ORDER, m);
    }

    /** {@code dx = g * w[i] * inverseStd + (x - mean) * k1 + k0}: the input's gradient for a weight per inner position. */
    static void gradInputElementwise(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo, long n,
                                     double mean, double inverseStd, double[] w, double k1, double k0, boolean vector) {
        long bound = bound(n, vector);
        gradInputElementwiseVector(g, go, x, xo, dx, dxo, bound, mean, inverseStd, w, k1, k0);
        if (vector && bound < n) gradInputElementwiseMasked(g, go, x, xo, dx, dxo, bound, n, mean, inverseStd, w, k1, k0);
        else gradInputElementwiseTail(g, go, x, xo, dx, dxo, bound, n, mean, inverseStd, w, k1, k0);
    }

    private static void gradInputElementwiseVector(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx,
                                                   long dxo, long bound, double mean, double inverseStd, double[] w, double k1,
                                                   double k0) {
        for (int i = 0; i < bound; i += LANES) {
            load(g, go + i).mul(DoubleVector.fromArray(DS, w, i)).mul(inverseStd)
                    .add(load(x, xo + i).sub(mean).mul(k1)).add(k0)
                    .intoMemorySegment(dx, (dxo + i) * Double.BYTES, ORDER);
        }
    }

    private static void gradInputElementwiseTail(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx,
                                                 long dxo, long from, long n, double mean, double inverseStd, double[] w,
                                                 double k1, double k0) {
        for (int i = (int) from; i < n; i++) {
            dx.setAtIndex(F64, dxo + i,
                    g.getAtIndex(F64, go + i) * w[i] * inverseStd + (x.getAtIndex(F64, xo + i) - mean) * k1 + k0);
        }
    }

    private static void gradInputElementwiseMasked(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx,
                                                   long dxo, long from, long n, double mean, double inverseStd, double[] w,
                                                   double k1, double k0) {
        int i = (int) from;
        VectorMask<Double> m = DS.indexInRange(i, n);
        load(g, go + i, m).mul(DoubleVector.fromArray(DS, w, i, m)).mul(inverseStd)
                .add(load(x, xo + i, m).sub(mean).mul(k1)).add(k0)
                .intoMemorySegment(dx, (dxo + i) * Double.BYTES, ORDER, m);
    }

    // ---------------------------------------------------------------- columns: one row of a chunk of short-run groups

    /** {@code acc[c] += x[c] - shift[c]} over a row of {@code n} columns. */
    static void columnShiftedSum(MemorySegment x, long xo, int n, double[] shift, double[] acc, boolean vector) {
        int bound = (int) bound(n, vector);
        columnShiftedSumVector(x, xo, bound, shift, acc);
        if (vector && bound < n) columnShiftedSumMasked(x, xo, bound, n, shift, acc);
        else columnShiftedSumTail(x, xo, bound, n, shift, acc);
    }

    private static void columnShiftedSumVector(MemorySegment x, long xo, int bound, double[] shift, double[] acc) {
        for (int c = 0; c < bound; c += LANES) {
            DoubleVector.fromArray(DS, acc, c).add(load(x, xo + c).sub(DoubleVector.fromArray(DS, shift, c))).intoArray(acc, c);
        }
    }

    private static void columnShiftedSumTail(MemorySegment x, long xo, int from, int n, double[] shift, double[] acc) {
        for (int c = from; c < n; c++) acc[c] += x.getAtIndex(F64, xo + c) - shift[c];
    }

    private static void columnShiftedSumMasked(MemorySegment x, long xo, int from, int n, double[] shift, double[] acc) {
        VectorMask<Double> m = DS.indexInRange(from, n);
        DoubleVector.fromArray(DS, acc, from, m).add(load(x, xo + from, m).sub(DoubleVector.fromArray(DS, shift, from, m)))
                .intoArray(acc, from, m);
    }

    /** {@code acc[c] += (x[c] - mean[c])^2} over a row. */
    static void columnSquaredDeviation(MemorySegment x, long xo, int n, double[] mean, double[] acc, boolean vector) {
        int bound = (int) bound(n, vector);
        columnSquaredDeviationVector(x, xo, bound, mean, acc);
        if (vector && bound < n) columnSquaredDeviationMasked(x, xo, bound, n, mean, acc);
        else columnSquaredDeviationTail(x, xo, bound, n, mean, acc);
    }

    private static void columnSquaredDeviationVector(MemorySegment x, long xo, int bound, double[] mean, double[] acc) {
        for (int c = 0; c < bound; c += LANES) {
            DoubleVector d = load(x, xo + c).sub(DoubleVector.fromArray(DS, mean, c));
            DoubleVector.fromArray(DS, acc, c).add(d.mul(d)).intoArray(acc, c);
        }
    }

    private static void columnSquaredDeviationTail(MemorySegment x, long xo, int from, int n, double[] mean, double[] acc) {
        for (int c = from; c < n; c++) {
            double d = x.getAtIndex(F64, xo + c) - mean[c];
            acc[c] += d * d;
        }
    }

    private static void columnSquaredDeviationMasked(MemorySegment x, long xo, int from, int n, double[] mean, double[] acc) {
        VectorMask<Double> m = DS.indexInRange(from, n);
        DoubleVector d = load(x, xo + from, m).sub(DoubleVector.fromArray(DS, mean, from, m));
        DoubleVector.fromArray(DS, acc, from, m).add(d.mul(d)).intoArray(acc, from, m);
    }

    /** {@code out[c] = (x[c] - mean[c]) * scale[c] + shift[c]} over a row. */
    static void columnNormalize(MemorySegment x, long xo, MemorySegment out, long oo, int n, double[] mean, double[] scale,
                                double[] shift, boolean vector) {
        int bound = (int) bound(n, vector);
        columnNormalizeVector(x, xo, out, oo, bound, mean, scale, shift);
        if (vector && bound < n) columnNormalizeMasked(x, xo, out, oo, bound, n, mean, scale, shift);
        else columnNormalizeTail(x, xo, out, oo, bound, n, mean, scale, shift);
    }

    private static void columnNormalizeVector(MemorySegment x, long xo, MemorySegment out, long oo, int bound, double[] mean,
                                              double[] scale, double[] shift) {
        for (int c = 0; c < bound; c += LANES) {
            load(x, xo + c).sub(DoubleVector.fromArray(DS, mean, c)).mul(DoubleVector.fromArray(DS, scale, c))
                    .add(DoubleVector.fromArray(DS, shift, c)).intoMemorySegment(out, (oo + c) * Double.BYTES, ORDER);
        }
    }

    private static void columnNormalizeTail(MemorySegment x, long xo, MemorySegment out, long oo, int from, int n,
                                            double[] mean, double[] scale, double[] shift) {
        for (int c = from; c < n; c++) out.setAtIndex(F64, oo + c, (x.getAtIndex(F64, xo + c) - mean[c]) * scale[c] + shift[c]);
    }

    private static void columnNormalizeMasked(MemorySegment x, long xo, MemorySegment out, long oo, int from, int n,
                                              double[] mean, double[] scale, double[] shift) {
        VectorMask<Double> m = DS.indexInRange(from, n);
        load(x, xo + from, m).sub(DoubleVector.fromArray(DS, mean, from, m)).mul(DoubleVector.fromArray(DS, scale, from, m))
                .add(DoubleVector.fromArray(DS, shift, from, m)).intoMemorySegment(out, (oo + from) * Double.BYTES, ORDER, m);
    }

    /** {@code accG[c] += g[c]} and {@code accGX[c] += g[c] * (x[c] - mean[c])} over a row. */
    static void columnGradientSums(MemorySegment g, long go, MemorySegment x, long xo, int n, double[] mean, double[] accG,
                                   double[] accGX, boolean vector) {
        int bound = (int) bound(n, vector);
        columnGradientSumsVector(g, go, x, xo, bound, mean, accG, accGX);
        if (vector && bound < n) columnGradientSumsMasked(g, go, x, xo, bound, n, mean, accG, accGX);
        else columnGradientSumsTail(g, go, x, xo, bound, n, mean, accG, accGX);
    }

    private static void columnGradientSumsVector(MemorySegment g, long go, MemorySegment x, long xo, int bound, double[] mean,
                                                 double[] accG, double[] accGX) {
        for (int c = 0; c < bound; c += LANES) {
            DoubleVector gv = load(g, go + c);
            DoubleVector.fromArray(DS, accG, c).add(gv).intoArray(accG, c);
            DoubleVector d = load(x, xo + c).sub(DoubleVector.fromArray(DS, mean, c));
            DoubleVector.fromArray(DS, accGX, c).add(gv.mul(d)).intoArray(accGX, c);
        }
    }

    private static void columnGradientSumsTail(MemorySegment g, long go, MemorySegment x, long xo, int from, int n,
                                               double[] mean, double[] accG, double[] accGX) {
        for (int c = from; c < n; c++) {
            double gc = g.getAtIndex(F64, go + c);
            accG[c] += gc;
            accGX[c] += gc * (x.getAtIndex(F64, xo + c) - mean[c]);
        }
    }

    private static void columnGradientSumsMasked(MemorySegment g, long go, MemorySegment x, long xo, int from, int n,
                                                 double[] mean, double[] accG, double[] accGX) {
        VectorMask<Double> m = DS.indexInRange(from, n);
        DoubleVector gv = load(g, go + from, m);
        DoubleVector.fromArray(DS, accG, from, m).add(gv).intoArray(accG, from, m);
        DoubleVector d = load(x, xo + from, m).sub(DoubleVector.fromArray(DS, mean, from, m));
        DoubleVector.fromArray(DS, accGX, from, m).add(gv.mul(d)).intoArray(accGX, from, m);
    }

    /** {@code dx[c] = g[c] * scale[c] + (x[c] - mean[c]) * k1[c] + k0[c]} over a row. */
    static void columnGradInput(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo, int n,
                                double[] mean, double[] scale, double[] k1, double[] k0, boolean vector) {
        int bound = (int) bound(n, vector);
        columnGradInputVector(g, go, x, xo, dx, dxo, bound, mean, scale, k1, k0);
        if (vector && bound < n) columnGradInputMasked(g, go, x, xo, dx, dxo, bound, n, mean, scale, k1, k0);
        else columnGradInputTail(g, go, x, xo, dx, dxo, bound, n, mean, scale, k1, k0);
    }

    private static void columnGradInputVector(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo,
                                              int bound, double[] mean, double[] scale, double[] k1, double[] k0) {
        for (int c = 0; c < bound; c += LANES) {
            DoubleVector d = load(x, xo + c).sub(DoubleVector.fromArray(DS, mean, c));
            load(g, go + c).mul(DoubleVector.fromArray(DS, scale, c)).add(d.mul(DoubleVector.fromArray(DS, k1, c)))
                    .add(DoubleVector.fromArray(DS, k0, c)).intoMemorySegment(dx, (dxo + c) * Double.BYTES, ORDER);
        }
    }

    private static void columnGradInputTail(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo,
                                            int from, int n, double[] mean, double[] scale, double[] k1, double[] k0) {
        for (int c = from; c < n; c++) {
            dx.setAtIndex(F64, dxo + c,
                    g.getAtIndex(F64, go + c) * scale[c] + (x.getAtIndex(F64, xo + c) - mean[c]) * k1[c] + k0[c]);
        }
    }

    private static void columnGradInputMasked(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo,
                                              int from, int n, double[] mean, double[] scale, double[] k1, double[] k0) {
        VectorMask<Double> m = DS.indexInRange(from, n);
        DoubleVector d = load(x, xo + from, m).sub(DoubleVector.fromArray(DS, mean, from, m));
        load(g, go + from, m).mul(DoubleVector.fromArray(DS, scale, from, m)).add(d.mul(DoubleVector.fromArray(DS, k1, from, m)))
                .add(DoubleVector.fromArray(DS, k0, from, m)).intoMemorySegment(dx, (dxo + from) * Double.BYTES, ORDER, m);
    }
}
