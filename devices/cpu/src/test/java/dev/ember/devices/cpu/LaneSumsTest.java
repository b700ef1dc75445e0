package dev.ember.devices.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import org.junit.jupiter.api.Test;

/**
 * Lane sums add in lane order, in double: the one order every JIT tier computes alike. Values
 * spread over six decades make any other order round differently, so a reordered sum fails.
 */
class LaneSumsTest {

    @Test
    void floatLanesAreAddedInOrderInDouble() {
        Random random = new Random(3);
        float[] values = new float[UnaryKernels.FS.length()];
        for (int trial = 0; trial < 1000; trial++) {
            for (int i = 0; i < values.length; i++) values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(6)));
            FloatVector v = FloatVector.fromArray(UnaryKernels.FS, values, 0);
            double expected = 0;
            for (float value : values) expected += value;
            assertEquals(expected, LaneSums.sum(v), 0.0);
            VectorMask<Float> firstHalf = UnaryKernels.FS.indexInRange(0, values.length / 2);
            double half = 0;
            for (int i = 0; i < values.length / 2; i++) half += values[i];
            assertEquals(half, LaneSums.sum(v, firstHalf), 0.0);
        }
    }

    @Test
    void doubleLanesAreAddedInOrder() {
        Random random = new Random(4);
        double[] values = new double[UnaryKernels.DS.length()];
        for (int trial = 0; trial < 1000; trial++) {
            for (int i = 0; i < values.length; i++) values[i] = random.nextGaussian() * Math.pow(10, random.nextInt(12));
            DoubleVector v = DoubleVector.fromArray(UnaryKernels.DS, values, 0);
            double expected = 0;
            for (double value : values) expected += value;
            assertEquals(expected, LaneSums.sum(v), 0.0);
            boolean[] onlyLast = new boolean[values.length];
            onlyLast[values.length - 1] = true;
            VectorMask<Double> last = VectorMask.fromArray(UnaryKernels.DS, onlyLast, 0);
            assertEquals(0.0 + values[values.length - 1], LaneSums.sum(v, last), 0.0);
        }
    }
}
