package dev.ember.devices.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a vector's lanes in one fixed order: a butterfly, where each step adds lane
 * {@code i} and lane {@code i ^ w} for w = half the lanes, then a quarter, down to 1, and lane 0
 * holds the total.
 *
 * <p>Why not {@code reduceLanes(ADD)}: its order is unspecified, and HotSpot's compiled code adds
 * the lanes as a tree while the interpreter and C1 add them in order, so a kernel's float sums
 * changed by an ulp when the JIT compiled it. When that happened depended on timing, so the same
 * seeded training run gave a slightly different model from one process to the next. A shuffle
 * and a lanewise add round the same at every tier. Summing {@code lane(i)} one by one was as
 * deterministic but 13-15 ns a vector on AVX2, against about 3 for the butterfly and 1.7 for
 * {@code reduceLanes}.
 *
 * <pre>{@code
 * double total = LaneSums.sum(accumulator);
 * }</pre>
 */
final class LaneSums {

    private LaneSums() {}

    private static final VectorSpecies<Float> FS = UnaryKernels.FS;
    private static final VectorSpecies<Double> DS = UnaryKernels.DS;
    // lane i with lane i ^ w; null where the species has no lane i ^ w
    private static final VectorShuffle<Float> FLOAT_SWAP_8 = FS.length() > 8 ? VectorShuffle.fromOp(FS, i -> i ^ 8) : null;
    private static final VectorShuffle<Float> FLOAT_SWAP_4 = FS.length() > 4 ? VectorShuffle.fromOp(FS, i -> i ^ 4) : null;
    private static final VectorShuffle<Float> FLOAT_SWAP_2 = FS.length() > 2 ? VectorShuffle.fromOp(FS, i -> i ^ 2) : null;
    private static final VectorShuffle<Float> FLOAT_SWAP_1 = FS.length() > 1 ? VectorShuffle.fromOp(FS, i -> i ^ 1) : null;
    private static final VectorShuffle<Double> DOUBLE_SWAP_4 = DS.length() > 4 ? VectorShuffle.fromOp(DS, i -> i ^ 4) : null;
    private static final VectorShuffle<Double> DOUBLE_SWAP_2 = DS.length() > 2 ? VectorShuffle.fromOp(DS, i -> i ^ 2) : null;
    private static final VectorShuffle<Double> DOUBLE_SWAP_1 = DS.length() > 1 ? VectorShuffle.fromOp(DS, i -> i ^ 1) : null;

    /** The lanes' sum, in float as the lanes are, widened. {@code v} must be of {@link UnaryKernels#FS}. */
    static double sum(FloatVector v) {
        int n = v.length();
        if (n > 8) v = v.add(v.rearrange(FLOAT_SWAP_8));
        if (n > 4) v = v.add(v.rearrange(FLOAT_SWAP_4));
        if (n > 2) v = v.add(v.rearrange(FLOAT_SWAP_2));
        if (n > 1) v = v.add(v.rearrange(FLOAT_SWAP_1));
        return v.lane(0);
    }

    /** The sum of the lanes {@code mask} selects. */
    static double sum(FloatVector v, VectorMask<Float> mask) {
        return sum(FloatVector.zero(FS).blend(v, mask));
    }

    /** {@code v} must be of {@link UnaryKernels#DS}. */
    static double sum(DoubleVector v) {
        int n = v.length();
        if (n > 4) v = v.add(v.rearrange(DOUBLE_SWAP_4));
        if (n > 2) v = v.add(v.rearrange(DOUBLE_SWAP_2));
        if (n > 1) v = v.add(v.rearrange(DOUBLE_SWAP_1));
        return v.lane(0);
    }

    /** The sum of the lanes {@code mask} selects. */
    static double sum(DoubleVector v, VectorMask<Double> mask) {
        return sum(DoubleVector.zero(DS).blend(v, mask));
    }
}
