package dev.ember.devices.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.ember.devices.cpu.Elements.F32;
import static dev.ember.devices.cpu.UnaryKernels.FS;
import static dev.ember.devices.cpu.UnaryKernels.ORDER;

/**
 * The float32 loops of {@link NormalizationKernels}: over one run of {@code n} contiguous elements
 * (the part of a group at one outer index; run element {@code i} is inner position {@code i}),
 * or, for groups of short runs, over one row of a chunk of columns with a value per column
 * ({@code column...}, see {@link NormalizationColumns}). Each is a Vector API loop up to the last
 * whole vector and one masked vector step for the rest, or, when {@code vector} is false (small
 * heap-backed buffers), a scalar loop; loop, step and scalar loop are methods of their own, so
 * that one's traps never recompile another (docs/design-notes.md). Sums run in float vectors over blocks of {@link #BLOCK} elements, each
 * block's total then added in double: the rounding of a long run stays that of one block.
 *
 * <pre>{@code
 * double sum = FloatNormalizationLoops.shiftedSum(segment, offset, 784, 0f, true);
 * }</pre>
 */
final class FloatNormalizationLoops {

    private static final int LANES = FS.length();

    /** Elements summed in float vectors before the partial sum joins the double total. */
    private static final int BLOCK = 32 * LANES;

    private FloatNormalizationLoops() {}

    private static long bound(long n, boolean vector) { return vector ? n - n % LANES : 0; }

    private static FloatVector load(MemorySegment s, long index) {
        return FloatVector.fromMemorySegment(FS, s, index * Float.BYTES, ORDER);
    }

    private static FloatVector load(MemorySegment s, long index, VectorMask<Float> m) {
        return FloatVector.fromMemorySegment(FS, s, index * Float.BYTES, ORDER, m);
    }

    /** {@code sum(x - shift)} over the run; a shift near the values keeps the sum's terms small. */
    static double shiftedSum(MemorySegment x, long xo, long n, float shift, boolean vector) {
        long bound = bound(n, vector);
        double total = shiftedSumVector(x, xo, bound, shift);
        if (bound == n) return total;
        return total + (vector ? shiftedSumMasked(x, xo, bound, n, shift) : shiftedSumTail(x, xo, bound, n, shift));
    }

    private static double shiftedSumVector(MemorySegment x, long xo, long bound, float shift) {
        double total = 0;
        for (long start = 0; start < bound; start += BLOCK) {
            long end = Math.min(bound, start + BLOCK);
            FloatVector acc = FloatVector.zero(FS);
            for (long i = start; i < end; i += LANES) acc = acc.add(load(x, xo + i).sub(shift));
            total += LaneSums.sum(acc);
        }
        return total;
    }

    private static double shiftedSumTail(MemorySegment x, long xo, long from, long n, float shift) {
        double total = 0;
        for (long i = from; i < n; i++) total += x.getAtIndex(F32, xo + i) - shift;
        return total;
    }

    private static double shiftedSumMasked(MemorySegment x, long xo, long from, long n, float shift) {
        VectorMask<Float> m = FS.indexInRange(from, n);
        return LaneSums.sum(load(x, xo + from, m).sub(shift), m);
    }

    /** {@code sum((x - mean)^2)} over the run. */
    static double squaredDeviation(MemorySegment x, long xo, long n, float mean, boolean vector) {
        long bound = bound(n, vector);
        double total = squaredDeviationVector(x, xo, bound, mean);
        if (bound == n) return total;
        return total + (vector ? squaredDeviationMasked(x, xo, bound, n, mean) : squaredDeviationTail(x, xo, bound, n, mean));
    }

    private static double squaredDeviationVector(MemorySegment x, long xo, long bound, float mean) {
        double total = 0;
        for (long start = 0; start < bound; start += BLOCK) {
            long end = Math.min(bound, start + BLOCK);
            FloatVector acc = FloatVector.zero(FS);
            for (long i = start; i < end; i += LANES) {
                FloatVector d = load(x, xo + i).sub(mean);
                acc = acc.add(d.mul(d));
            }
            total += LaneSums.sum(acc);
        }
        return total;
    }

    private static double squaredDeviationTail(MemorySegment x, long xo, long from, long n, float mean) {
        double total = 0;
        for (long i = from; i < n; i++) {
            float d = x.getAtIndex(F32, xo + i) - mean;
            total += d * d;
        }
        return total;
    }

    private static double squaredDeviationMasked(MemorySegment x, long xo, long from, long n, float mean) {
        VectorMask<Float> m = FS.indexInRange(from, n);
        FloatVector d = load(x, xo + from, m).sub(mean);
        return LaneSums.sum(d.mul(d), m);
    }

    /** {@code out = (x - mean) * scale + shift}: a weight (and bias) constant over the group. */
    static void normalize(MemorySegment x, long xo, MemorySegment out, long oo, long n, float mean, float scale, float shift,
                          boolean vector) {
        long bound = bound(n, vector);
        normalizeVector(x, xo, out, oo, bound, mean, scale, shift);
        if (vector && bound < n) normalizeMasked(x, xo, out, oo, bound, n, mean, scale, shift);
        else normalizeTail(x, xo, out, oo, bound, n, mean, scale, shift);
    }

    private static void normalizeVector(MemorySegment x, long xo, MemorySegment out, long oo, long bound, float mean,
                                        float scale, float shift) {
        for (long i = 0; i < bound; i += LANES) {
            load(x, xo + i).sub(mean).mul(scale).add(shift).intoMemorySegment(out, (oo + i) * Float.BYTES, ORDER);
        }
    }

    private static void normalizeTail(MemorySegment x, long xo, MemorySegment out, long oo, long from, long n, float mean,
                                      float scale, float shift) {
        for (long i = from; i < n; i++) out.setAtIndex(F32, oo + i, (x.getAtIndex(F32, xo + i) - mean) * scale + shift);
    }

    private static void normalizeMasked(MemorySegment x, long xo, MemorySegment out, long oo, long from, long n, float mean,
                                        float scale, float shift) {
        VectorMask<Float> m = FS.indexInRange(from, n);
        load(x, xo + from, m).sub(mean).mul(scale).add(shift).intoMemorySegment(out, (oo + from) * Float.BYTES, ORDER, m);
    }

    /** {@code out = (x - mean) * (w[i] * inverseStd) + b[i]}: a weight and bias per inner position. */
    static void normalizeElementwise(MemorySegment x, long xo, MemorySegment out, long oo, long n, float mean,
                                     float inverseStd, float[] w, float[] b, boolean vector) {
        long bound = bound(n, vector);
        normalizeElementwiseVector(x, xo, out, oo, bound, mean, inverseStd, w, b);
        if (vector && bound < n) normalizeElementwiseMasked(x, xo, out, oo, bound, n, mean, inverseStd, w, b);
        else normalizeElementwiseTail(x, xo, out, oo, bound, n, mean, inverseStd, w, b);
    }

    private static void normalizeElementwiseVector(MemorySegment x, long xo, MemorySegment out, long oo, long bound,
                                                   float mean, float inverseStd, float[] w, float[] b) {
        for (int i = 0; i < bound; i += LANES) {
            FloatVector scale = FloatVector.fromArray(FS, w, i).mul(inverseStd);
            load(x, xo + i).sub(mean).mul(scale).add(FloatVector.fromArray(FS, b, i))
                    .intoMemorySegment(out, (oo + i) * Float.BYTES, ORDER);
        }
    }

    private static void normalizeElementwiseTail(MemorySegment x, long xo, MemorySegment out, long oo, long from, long n,
                                                 float mean, float inverseStd, float[] w, float[] b) {
        for (int i = (int) from; i < n; i++) {
            out.setAtIndex(F32, oo + i, (x.getAtIndex(F32, xo + i) - mean) * (w[i] * inverseStd) + b[i]);
        }
    }

    private static void normalizeElementwiseMasked(MemorySegment x, long xo, MemorySegment out, long oo, long from, long n,
                                                   float mean, float inverseStd, float[] w, float[] b) {
        int i = (int) from;
        VectorMask<Float> m = FS.indexInRange(i, n);
        FloatVector scale = FloatVector.fromArray(FS, w, i, m).mul(inverseStd);
        load(x, xo + i, m).sub(mean).mul(scale).add(FloatVector.fromArray(FS, b, i, m))
                .intoMemorySegment(out, (oo + i) * Float.BYTES, ORDER, m);
    }

    /** Adds {@code sum(g)} to {@code sums[0]} and {@code sum(g * (x - mean))} to {@code sums[1]}. */
    static void gradientSums(MemorySegment g, long go, MemorySegment x, long xo, long n, float mean, double[] sums,
                             boolean vector) {
        long bound = bound(n, vector);
        gradientSumsVector(g, go, x, xo, bound, mean, sums);
        if (vector && bound < n) gradientSumsMasked(g, go, x, xo, bound, n, mean, sums);
        else gradientSumsTail(g, go, x, xo, bound, n, mean, sums);
    }

    private static void gradientSumsVector(MemorySegment g, long go, MemorySegment x, long xo, long bound, float mean,
                                           double[] sums) {
        for (long start = 0; start < bound; start += BLOCK) {
            long end = Math.min(bound, start + BLOCK);
            FloatVector accG = FloatVector.zero(FS);
            FloatVector accGX = FloatVector.zero(FS);
            for (long i = start; i < end; i += LANES) {
                FloatVector gv = load(g, go + i);
                accG = accG.add(gv);
                accGX = accGX.add(gv.mul(load(x, xo + i).sub(mean)));
            }
            sums[0] += LaneSums.sum(accG);
            sums[1] += LaneSums.sum(accGX);
        }
    }

    private static void gradientSumsTail(MemorySegment g, long go, MemorySegment x, long xo, long from, long n, float mean,
                                         double[] sums) {
        for (long i = from; i < n; i++) {
            float gi = g.getAtIndex(F32, go + i);
            sums[0] += gi;
            sums[1] += gi * (x.getAtIndex(F32, xo + i) - mean);
        }
    }

    private static void gradientSumsMasked(MemorySegment g, long go, MemorySegment x, long xo, long from, long n, float mean,
                                           double[] sums) {
        VectorMask<Float> m = FS.indexInRange(from, n);
        FloatVector gv = load(g, go + from, m);
        sums[0] += LaneSums.sum(gv, m);
        sums[1] += LaneSums.sum(gv.mul(load(x, xo + from, m).sub(mean)), m);
    }

    /**
     * With {@code h = g * w[i]}: adds {@code sum(h)} to {@code sums[0]} and {@code sum(h * (x - mean))}
     * to {@code sums[1]}, and per inner position {@code g * (x - mean) * inverseStd} to {@code dw[i]}
     * and {@code g} to {@code db[i]} (the weight's and bias's gradients).
     */
    static void gradientSumsElementwise(MemorySegment g, long go, MemorySegment x, long xo, long n, float mean,
                                        float inverseStd, float[] w, float[] dw, float[] db, double[] sums, boolean vector) {
        long bound = bound(n, vector);
        gradientSumsElementwiseVector(g, go, x, xo, bound, mean, inverseStd, w, dw, db, sums);
        if (vector && bound < n) gradientSumsElementwiseMasked(g, go, x, xo, bound, n, mean, inverseStd, w, dw, db, sums);
        else gradientSumsElementwiseTail(g, go, x, xo, bound, n, mean, inverseStd, w, dw, db, sums);
    }

    private static void gradientSumsElementwiseVector(MemorySegment g, long go, MemorySegment x, long xo, long bound,
                                                      float mean, float inverseStd, float[] w, float[] dw, float[] db,
                                                      double[] sums) {
        for (int start = 0; start < bound; start += BLOCK) {
            int end = (int) Math.min(bound, start + BLOCK);
            FloatVector accH = FloatVector.zero(FS);
            FloatVector accHX = FloatVector.zero(FS);
            for (int i = start; i < end; i += LANES) {
                FloatVector gv = load(g, go + i);
                FloatVector d = load(x, xo + i).sub(mean);
                FloatVector h = gv.mul(FloatVector.fromArray(FS, w, i));
                accH = accH.add(h);
                accHX = accHX.add(h.mul(d));
                FloatVector.fromArray(FS, dw, i).add(gv.mul(d).mul(inverseStd)).intoArray(dw, i);
                FloatVector.fromArray(FS, db, i).add(gv).intoArray(db, i);
            }
            sums[0] += LaneSums.sum(accH);
            sums[1] += LaneSums.sum(accHX);
        }
    }

    private static void gradientSumsElementwiseTail(MemorySegment g, long go, MemorySegment x, long xo, long from, long n,
                                                    float mean, float inverseStd, float[] w, float[] dw, float[] db,
                                                    double[] sums) {
        for (int i = (int) from; i < n; i++) {
            float gi = g.getAtIndex(F32, go + i);
            float d = x.getAtIndex(F32, xo + i) - mean;
            float h = gi * w[i];
            sums[0] += h;
            sums[1] += h * d;
            dw[i] += gi * d * inverseStd;
            db[i] += gi;
        }
    }

    private static void gradientSumsElementwiseMasked(MemorySegment g, long go, MemorySegment x, long xo, long from, long n,
                                                      float mean, float inverseStd, float[] w, float[] dw, float[] db,
                                                      double[] sums) {
        int i = (int) from;
        VectorMask<Float> m = FS.indexInRange(i, n);
        FloatVector gv = load(g, go + i, m);
        FloatVector d = load(x, xo + i, m).sub(mean);
        FloatVector h = gv.mul(FloatVector.fromArray(FS, w, i, m));
        sums[0] += LaneSums.sum(h, m);
        sums[1] += LaneSums.sum(h.mul(d), m);
        FloatVector.fromArray(FS, dw, i, m).add(gv.mul(d).mul(inverseStd)).intoArray(dw, i, m);
        FloatVector.fromArray(FS, db, i, m).add(gv).intoArray(db, i, m);
    }

    /** {@code dx = g * scale + (x - mean) * k1 + k0}: the input's gradient for a weight constant over the group. */
    static void gradInput(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo, long n, float mean,
                          float scale, float k1, float k0, boolean vector) {
        long bound = bound(n, vector);
        gradInputVector(g, go, x, xo, dx, dxo, bound, mean, scale, k1, k0);
        if (vector && bound < n) gradInputMasked(g, go, x, xo, dx, dxo, bound, n, mean, scale, k1, k0);
        else gradInputTail(g, go, x, xo, dx, dxo, bound, n, mean, scale, k1, k0);
    }

    private static void gradInputVector(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo,
                                        long bound, float mean, float scale, float k1, float k0) {
        for (long i = 0; i < bound; i += LANES) {
            load(g, go + i).mul(scale).add(load(x, xo + i).sub(mean).mul(k1)).add(k0)
                    .intoMemorySegment(dx, (dxo + i) * Float.BYTES, ORDER);
        }
    }

    private static void gradInputTail(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo,
                                      long from, long n, float mean, float scale, float k1, float k0) {
        for (long i = from; i < n; i++) {
            dx.setAtIndex(F32, dxo + i, g.getAtIndex(F32, go + i) * scale + (x.getAtIndex(F32, xo + i) - mean) * k1 + k0);
        }
    }

    private static void gradInputMasked(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo,
                                        long from, long n, float mean, float scale, float k1, float k0) {
        VectorMask<Float> m = FS.indexInRange(from, n);
        load(g, go + from, m).mul(scale).add(load(x, xo + from, m).sub(mean).mul(k1)).add(k0)
                .intoMemorySegment(dx, (dxo + from) * Float.BYTES, ORDER, m);
    }

    /** {@code dx = g * w[i] * inverseStd + (x - mean) * k1 + k0}: the input's gradient for a weight per inner position. */
    static void gradInputElementwise(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo, long n,
                                     float mean, float inverseStd, float[] w, float k1, float k0, boolean vector) {
        long bound = bound(n, vector);
        gradInputElementwiseVector(g, go, x, xo, dx, dxo, bound, mean, inverseStd, w, k1, k0);
        if (vector && bound < n) gradInputElementwiseMasked(g, go, x, xo, dx, dxo, bound, n, mean, inverseStd, w, k1, k0);
        else gradInputElementwiseTail(g, go, x, xo, dx, dxo, bound, n, mean, inverseStd, w, k1, k0);
    }

    private static void gradInputElementwiseVector(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx,
                                                   long dxo, long bound, float mean, float inverseStd, float[] w, float k1,
                                                   float k0) {
        for (int i = 0; i < bound; i += LANES) {
            load(g, go + i).mul(FloatVector.fromArray(FS, w, i)).mul(inverseStd)
                    .add(load(x, xo + i).sub(mean).mul(k1)).add(k0)
                    .intoMemorySegment(dx, (dxo + i) * Float.BYTES, ORDER);
        }
    }

    private static void gradInputElementwiseTail(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx,
                                                 long dxo, long from, long n, float mean, float inverseStd, float[] w,
                                                 float k1, float k0) {
        for (int i = (int) from; i < n; i++) {
            dx.setAtIndex(F32, dxo + i,
                    g.getAtIndex(F32, go + i) * w[i] * inverseStd + (x.getAtIndex(F32, xo + i) - mean) * k1 + k0);
        }
    }

    private static void gradInputElementwiseMasked(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx,
                                                   long dxo, long from, long n, float mean, float inverseStd, float[] w,
                                                   float k1, float k0) {
        int i = (int) from;
        VectorMask<Float> m = FS.indexInRange(i, n);
        load(g, go + i, m).mul(FloatVector.fromArray(FS, w, i, m)).mul(inverseStd)
                .add(load(x, xo + i, m).sub(mean).mul(k1)).add(k0)
                .intoMemorySegment(dx, (dxo + i) * Float.BYTES, ORDER, m);
    }

    // ---------------------------------------------------------------- columns: one row of a chunk of short-run groups

    /** {@code acc[c] += x[c] - shift[c]} over a row of {@code n} columns. */
    static void columnShiftedSum(MemorySegment x, long xo, int n, float[] shift, float[] acc, boolean vector) {
        int bound = (int) bound(n, vector);
        columnShiftedSumVector(x, xo, bound, shift, acc);
        if (vector && bound < n) columnShiftedSumMasked(x, xo, bound, n, shift, acc);
        else columnShiftedSumTail(x, xo, bound, n, shift, acc);
    }

    private static void columnShiftedSumVector(MemorySegment x, long xo, int bound, float[] shift, float[] acc) {
        for (int c = 0; c < bound; c += LANES) {
            FloatVector.fromArray(FS, acc, c).add(load(x, xo + c).sub(FloatVector.fromArray(FS, shift, c))).intoArray(acc, c);
        }
    }

    private static void columnShiftedSumTail(MemorySegment x, long xo, int from, int n, float[] shift, float[] acc) {
        for (int c = from; c < n; c++) acc[c] += x.getAtIndex(F32, xo + c) - shift[c];
    }

    private static void columnShiftedSumMasked(MemorySegment x, long xo, int from, int n, float[] shift, float[] acc) {
        VectorMask<Float> m = FS.indexInRange(from, n);
        FloatVector.fromArray(FS, acc, from, m).add(load(x, xo + from, m).sub(FloatVector.fromArray(FS, shift, from, m)))
                .intoArray(acc, from, m);
    }

    /** {@code acc[c] += (x[c] - mean[c])^2} over a row. */
    static void columnSquaredDeviation(MemorySegment x, long xo, int n, float[] mean, float[] acc, boolean vector) {
        int bound = (int) bound(n, vector);
        columnSquaredDeviationVector(x, xo, bound, mean, acc);
        if (vector && bound < n) columnSquaredDeviationMasked(x, xo, bound, n, mean, acc);
        else columnSquaredDeviationTail(x, xo, bound, n, mean, acc);
    }

    private static void columnSquaredDeviationVector(MemorySegment x, long xo, int bound, float[] mean, float[] acc) {
        for (int c = 0; c < bound; c += LANES) {
            FloatVector d = load(x, xo + c).sub(FloatVector.fromArray(FS, mean, c));
            FloatVector.fromArray(FS, acc, c).add(d.mul(d)).intoArray(acc, c);
        }
    }

    private static void columnSquaredDeviationTail(MemorySegment x, long xo, int from, int n, float[] mean, float[] acc) {
        for (int c = from; c < n; c++) {
            float d = x.getAtIndex(F32, xo + c) - mean[c];
            acc[c] += d * d;
        }
    }

    private static void columnSquaredDeviationMasked(MemorySegment x, long xo, int from, int n, float[] mean, float[] acc) {
        VectorMask<Float> m = FS.indexInRange(from, n);
        FloatVector d = load(x, xo + from, m).sub(FloatVector.fromArray(FS, mean, from, m));
        FloatVector.fromArray(FS, acc, from, m).add(d.mul(d)).intoArray(acc, from, m);
    }

    /** {@code out[c] = (x[c] - mean[c]) * scale[c] + shift[c]} over a row. */
    static void columnNormalize(MemorySegment x, long xo, MemorySegment out, long oo, int n, float[] mean, float[] scale,
                                float[] shift, boolean vector) {
        int bound = (int) bound(n, vector);
        columnNormalizeVector(x, xo, out, oo, bound, mean, scale, shift);
        if (vector && bound < n) columnNormalizeMasked(x, xo, out, oo, bound, n, mean, scale, shift);
        else columnNormalizeTail(x, xo, out, oo, bound, n, mean, scale, shift);
    }

    private static void columnNormalizeVector(MemorySegment x, long xo, MemorySegment out, long oo, int bound, float[] mean,
                                              float[] scale, float[] shift) {
        for (int c = 0; c < bound; c += LANES) {
            load(x, xo + c).sub(FloatVector.fromArray(FS, mean, c)).mul(FloatVector.fromArray(FS, scale, c))
                    .add(FloatVector.fromArray(FS, shift, c)).intoMemorySegment(out, (oo + c) * Float.BYTES, ORDER);
        }
    }

    private static void columnNormalizeTail(MemorySegment x, long xo, MemorySegment out, long oo, int from, int n,
                                            float[] mean, float[] scale, float[] shift) {
        for (int c = from; c < n; c++) out.setAtIndex(F32, oo + c, (x.getAtIndex(F32, xo + c) - mean[c]) * scale[c] + shift[c]);
    }

    private static void columnNormalizeMasked(MemorySegment x, long xo, MemorySegment out, long oo, int from, int n,
                                              float[] mean, float[] scale, float[] shift) {
        VectorMask<Float> m = FS.indexInRange(from, n);
        load(x, xo + from, m).sub(FloatVector.fromArray(FS, mean, from, m)).mul(FloatVector.fromArray(FS, scale, from, m))
                .add(FloatVector.fromArray(FS, shift, from, m)).intoMemorySegment(out, (oo + from) * Float.BYTES, ORDER, m);
    }

    /** {@code accG[c] += g[c]} and {@code accGX[c] += g[c] * (x[c] - mean[c])} over a row. */
    static void columnGradientSums(MemorySegment g, long go, MemorySegment x, long xo, int n, float[] mean, float[] accG,
                                   float[] accGX, boolean vector) {
        int bound = (int) bound(n, vector);
        columnGradientSumsVector(g, go, x, xo, bound, mean, accG, accGX);
        if (vector && bound < n) columnGradientSumsMasked(g, go, x, xo, bound, n, mean, accG, accGX);
        else columnGradientSumsTail(g, go, x, xo, bound, n, mean, accG, accGX);
    }

    private static void columnGradientSumsVector(MemorySegment g, long go, MemorySegment x, long xo, int bound, float[] mean,
                                                 float[] accG, float[] accGX) {
        for (int c = 0; c < bound; c += LANES) {
            FloatVector gv = load(g, go + c);
            FloatVector.fromArray(FS, accG, c).add(gv).intoArray(accG, c);
            FloatVector d = load(x, xo + c).sub(FloatVector.fromArray(FS, mean, c));
            FloatVector.fromArray(FS, accGX, c).add(gv.mul(d)).intoArray(accGX, c);
        }
    }

    private static void columnGradientSumsTail(MemorySegment g, long go, MemorySegment x, long xo, int from, int n,
                                               float[] mean, float[] accG, float[] accGX) {
        for (int c = from; c < n; c++) {
            float gc = g.getAtIndex(F32, go + c);
            accG[c] += gc;
            accGX[c] += gc * (x.getAtIndex(F32, xo + c) - mean[c]);
        }
    }

    private static void columnGradientSumsMasked(MemorySegment g, long go, MemorySegment x, long xo, int from, int n,
                                                 float[] mean, float[] accG, float[] accGX) {
        VectorMask<Float> m = FS.indexInRange(from, n);
        FloatVector gv = load(g, go + from, m);
        FloatVector.fromArray(FS, accG, from, m).add(gv).intoArray(accG, from, m);
        FloatVector d = load(x, xo + from, m).sub(FloatVector.fromArray(FS, mean, from, m));
        FloatVector.fromArray(FS, accGX, from, m).add(gv.mul(d)).intoArray(accGX, from, m);
    }

    /** {@code dx[c] = g[c] * scale[c] + (x[c] - mean[c]) * k1[c] + k0[c]} over a row. */
    static void columnGradInput(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo, int n,
                                float[] mean, float[] scale, float[] k1, float[] k0, boolean vector) {
        int bound = (int) bound(n, vector);
        columnGradInputVector(g, go, x, xo, dx, dxo, bound, mean, scale, k1, k0);
        if (vector && bound < n) columnGradInputMasked(g, go, x, xo, dx, dxo, bound, n, mean, scale, k1, k0);
        else columnGradInputTail(g, go, x, xo, dx, dxo, bound, n, mean, scale, k1, k0);
    }

    private static void columnGradInputVector(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo,
                                              int bound, float[] mean, float[] scale, float[] k1, float[] k0) {
        for (int c = 0; c < bound; c += LANES) {
            FloatVector d = load(x, xo + c).sub(FloatVector.fromArray(FS, mean, c));
            load(g, go + c).mul(FloatVector.fromArray(FS, scale, c)).add(d.mul(FloatVector.fromArray(FS, k1, c)))
                    .add(FloatVector.fromArray(FS, k0, c)).intoMemorySegment(dx, (dxo + c) * Float.BYTES, ORDER);
        }
    }

    private static void columnGradInputTail(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo,
                                            int from, int n, float[] mean, float[] scale, float[] k1, float[] k0) {
        for (int c = from; c < n; c++) {
            dx.setAtIndex(F32, dxo + c,
                    g.getAtIndex(F32, go + c) * scale[c] + (x.getAtIndex(F32, xo + c) - mean[c]) * k1[c] + k0[c]);
        }
    }

    private static void columnGradInputMasked(MemorySegment g, long go, MemorySegment x, long xo, MemorySegment dx, long dxo,
                                              int from, int n, float[] mean, float[] scale, float[] k1, float[] k0) {
        VectorMask<Float> m = FS.indexInRange(from, n);
        FloatVector d = load(x, xo + from, m).sub(FloatVector.fromArray(FS, mean, from, m));
        load(g, go + from, m).mul(FloatVector.fromArray(FS, scale, from, m)).add(d.mul(FloatVector.fromArray(FS, k1, from, m)))
                .add(FloatVector.fromArray(FS, k0, from, m)).intoMemorySegment(dx, (dxo + from) * Float.BYTES, ORDER, m);
    }
}
