package dev.ember.devices.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The sum of a vector's lanes, added in lane order in double.
 *
 * <p>Why not {@code reduceLanes(ADD)}: its order is unspecified, and HotSpot's compiled code adds
 * the lanes as a tree while the interpreter and C1 add them in order, so a kernel's float sums
 * changed by an ulp when the JIT compiled it. When that happened depended on timing, so the same
 * seeded training run gave a slightly different model from one process to the next. One fixed
 * order gives the same bits at every tier.
 *
 * <pre>{@code
 * double total = LaneSums.sum(accumulator);
 * }</pre>
 */
final class LaneSums {

    private LaneSums() {}

    static double sum(FloatVector v) {
        double total = 0;
        for (int lane = 0; lane < v.length(); lane++) total += v.lane(lane);
        return total;
    }

    /** The sum of the lanes {@code mask} selects. */
    static double sum(FloatVector v, VectorMask<Float> mask) {
        return sum(FloatVector.zero(v.species()).blend(v, mask));
    }

    static double sum(DoubleVector v) {
        double total = 0;
        for (int lane = 0; lane < v.length(); lane++) total += v.lane(lane);
        return total;
    }

    /** The sum of the lanes {@code mask} selects. */
    static double sum(DoubleVector v, VectorMask<Double> mask) {
        return sum(DoubleVector.zero(v.species()).blend(v, mask));
    }
}
