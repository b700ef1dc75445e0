package dev.ember.devices.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling of one plane with 2×2 windows at stride 2 (the pooling of almost every CNN),
 * with the same results as the general kernel: the first maximum of a window wins a tie, a
 * NaN always wins and the last NaN of a window is the one reported. Rows wide enough are done
 * a vector of windows at a time: the even and odd columns of two input rows are split out with
 * shuffles and compared lane by lane; the rest with a scalar loop unrolled for the four cells.
 *
 * <pre>{@code
 * MaxPoolPairs.pool(plane, 26, 13, 13, out, positions);   // a 26×26 plane to 13×13
 * }</pre>
 */
final class MaxPoolPairs {

    private MaxPoolPairs() {}

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final int LANES = FLOATS.length();
    private static final int LONG_LANES = LONGS.length();
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(FLOATS, lane -> 2 * lane);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(FLOATS, lane -> 2 * lane + 1);
    private static final IntVector EVEN_OFFSETS = IntVector.zero(INTS).addIndex(2);

    /** Pools {@code in} (rows of {@code inWidth}) into {@code out} and {@code positions}, both {@code [outHeight, outWidth]}. */
    static void pool(float[] in, int inWidth, int outHeight, int outWidth, float[] out, long[] positions) {
        // Narrow rows would leave most lanes idle; the masked tail costs more than it saves.
        boolean vectors = outWidth >= LANES / 2 && INTS.length() == LANES;
        for (int oh = 0; oh < outHeight; oh++) {
            int rowStart = 2 * oh * inWidth;
            int o = oh * outWidth;
            int ow = 0;
            if (vectors) {
                // One method on purpose: the vectors stay in registers only when all of this is
                // compiled as one unit, so the window loop is written out here rather than called.
                for (; ow < outWidth && rowStart + 2 * ow + inWidth + 2 * LANES <= in.length; ow += LANES) {
                    int first = rowStart + 2 * ow;
                    int count = Math.min(LANES, outWidth - ow);
                    FloatVector top0 = FloatVector.fromArray(FLOATS, in, first);
                    FloatVector top1 = FloatVector.fromArray(FLOATS, in, first + LANES);
                    FloatVector bottom0 = FloatVector.fromArray(FLOATS, in, first + inWidth);
                    FloatVector bottom1 = FloatVector.fromArray(FLOATS, in, first + inWidth + LANES);
                    FloatVector best = top0.rearrange(EVEN, top1);
                    IntVector at = EVEN_OFFSETS.add(first);
                    FloatVector value = top0.rearrange(ODD, top1);
                    VectorMask<Float> take = value.compare(VectorOperators.GT, best).or(value.test(VectorOperators.IS_NAN));
                    best = best.blend(value, take);
                    at = at.blend(EVEN_OFFSETS.add(first + 1), take.cast(INTS));
                    value = bottom0.rearrange(EVEN, bottom1);
                    take = value.compare(VectorOperators.GT, best).or(value.test(VectorOperators.IS_NAN));
                    best = best.blend(value, take);
                    at = at.blend(EVEN_OFFSETS.add(first + inWidth), take.cast(INTS));
                    value = bottom0.rearrange(ODD, bottom1);
                    take = value.compare(VectorOperators.GT, best).or(value.test(VectorOperators.IS_NAN));
                    best = best.blend(value, take);
                    at = at.blend(EVEN_OFFSETS.add(first + inWidth + 1), take.cast(INTS));
                    int o0 = o + ow;
                    if (count == LANES) {
                        best.intoArray(out, o0);
                        for (int part = 0; part * LONG_LANES < LANES; part++) {
                            ((LongVector) at.convertShape(VectorOperators.I2L, LONGS, part)).intoArray(positions, o0 + part * LONG_LANES);
                        }
                    } else {
                        best.intoArray(out, o0, FLOATS.indexInRange(0, count));
                        for (int part = 0; part * LONG_LANES < count; part++) {
                            ((LongVector) at.convertShape(VectorOperators.I2L, LONGS, part))
                                    .intoArray(positions, o0 + part * LONG_LANES, LONGS.indexInRange(part * LONG_LANES, count));
                        }
                    }
                }
                ow = Math.min(ow, outWidth);
            }
            for (; ow < outWidth; ow++) window(in, rowStart + 2 * ow, inWidth, 0, out, positions, o + ow);
        }
    }

    /** True when {@link #poolPlanes} should be used: rows too narrow for a vector of windows each. */
    static boolean narrow(int outWidth) { return outWidth < LANES / 2 && INTS.length() == LANES; }

    /**
     * The windows of {@code planes} consecutive planes of {@code planeSize} cells, as gather
     * offsets: {@code gather[w]} is window {@code w}'s top-left cell in the block, {@code corner[w]}
     * the same cell within its own plane (the position reported).
     */
    record Corners(int[] gather, int[] corner) {
        static Corners of(int planes, int planeSize, int inWidth, int outHeight, int outWidth) {
            int windows = outHeight * outWidth;
            int[] gather = new int[planes * windows];
            int[] corner = new int[planes * windows];
            for (int p = 0, w = 0; p < planes; p++) {
                for (int oh = 0; oh < outHeight; oh++) {
                    for (int ow = 0; ow < outWidth; ow++, w++) {
                        corner[w] = 2 * oh * inWidth + 2 * ow;
                        gather[w] = p * planeSize + corner[w];
                    }
                }
            }
            return new Corners(gather, corner);
        }
    }

    /**
     * Pools a block of consecutive planes whose rows are too narrow for a vector of windows per
     * row (e.g. 11×11 to 5×5): a vector of windows at a time across rows and planes, each cell
     * gathered through the window corners. The scalar loop mispredicts a branch per cell on real
     * data (C2 compiles a float select to a branch on x86) and was 3× slower than on constant input.
     */
    static void poolPlanes(float[] in, int inWidth, int windows, Corners corners, float[] out, long[] positions) {
        int[] gather = corners.gather();
        int[] cornerInPlane = corners.corner();
        int w = 0;
        for (; w + LANES <= windows; w += LANES) {
            IntVector corner = IntVector.fromArray(INTS, cornerInPlane, w);
            FloatVector best = FloatVector.fromArray(FLOATS, in, 0, gather, w);
            IntVector at = corner;
            FloatVector value = FloatVector.fromArray(FLOATS, in, 1, gather, w);
            VectorMask<Float> take = value.compare(VectorOperators.GT, best).or(value.test(VectorOperators.IS_NAN));
            best = best.blend(value, take);
            at = at.blend(corner.add(1), take.cast(INTS));
            value = FloatVector.fromArray(FLOATS, in, inWidth, gather, w);
            take = value.compare(VectorOperators.GT, best).or(value.test(VectorOperators.IS_NAN));
            best = best.blend(value, take);
            at = at.blend(corner.add(inWidth), take.cast(INTS));
            value = FloatVector.fromArray(FLOATS, in, inWidth + 1, gather, w);
            take = value.compare(VectorOperators.GT, best).or(value.test(VectorOperators.IS_NAN));
            best = best.blend(value, take);
            at = at.blend(corner.add(inWidth + 1), take.cast(INTS));
            best.intoArray(out, w);
            for (int part = 0; part * LONG_LANES < LANES; part++) {
                ((LongVector) at.convertShape(VectorOperators.I2L, LONGS, part)).intoArray(positions, w + part * LONG_LANES);
            }
        }
        for (; w < windows; w++) window(in, gather[w], inWidth, gather[w] - cornerInPlane[w], out, positions, w);
    }

    /** One window with its top-left cell at {@code i}, reported as a position within the plane starting at {@code plane}. */
    private static void window(float[] in, int i, int inWidth, int plane, float[] out, long[] positions, int o) {
        float best = in[i];
        int at = i;
        float value = in[i + 1];
        if (value > best || value != value) { best = value; at = i + 1; }
        value = in[i + inWidth];
        if (value > best || value != value) { best = value; at = i + inWidth; }
        value = in[i + inWidth + 1];
        if (value > best || value != value) { best = value; at = i + inWidth + 1; }
        out[o] = best;
        positions[o] = at - plane;
    }
}
