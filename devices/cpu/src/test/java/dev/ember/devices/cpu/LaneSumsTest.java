package dev.ember.devices.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import org.junit.jupiter.api.Test;

/**
 * Lane sums follow one order, the butterfly, whatever the JIT does: this test computes that order
 * with scalar arithmetic. Values spread over six decades make any other order round differently,
 * so a reordered sum (reduceLanes, or lanes added one by one) fails.
 */
class LaneSumsTest {

    /** Lane i plus lane i ^ w, for w = half the lanes down to 1, in float; lane 0 at the end. */
    private static float butterfly(float[] lanes) {
        float[] v = lanes.clone();
        for (int w = v.length / 2; w >= 1; w /= 2) {
            float[] next = new float[v.length];
            for (int i = 0; i < v.length; i++) next[i] = v[i] + v[i ^ w];
            v = next;
        }
        return v[0];
    }

    private static double butterfly(double[] lanes) {
        double[] v = lanes.clone();
        for (int w = v.length / 2; w >= 1; w /= 2) {
            double[] next = new double[v.length];
            for (int i = 0; i < v.length; i++) next[i] = v[i] + v[i ^ w];
            v = next;
        }
        return v[0];
    }

    @Test
    void floatLanesAreSummedInTheButterflysOrder() {
        Random random = new Random(3);
        float[] values = new float[UnaryKernels.FS.length()];
        int differentFromInOrder = 0;
        for (int trial = 0; trial < 1000; trial++) {
            for (int i = 0; i < values.length; i++) values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(6)));
            FloatVector v = FloatVector.fromArray(UnaryKernels.FS, values, 0);
            assertEquals(butterfly(values), LaneSums.sum(v), 0.0);
            float inOrder = 0;
            for (float value : values) inOrder += value;
            if (inOrder != butterfly(values)) differentFromInOrder++;
            float[] firstHalf = values.clone();
            for (int i = values.length / 2; i < values.length; i++) firstHalf[i] = 0;
            assertEquals(butterfly(firstHalf), LaneSums.sum(v, UnaryKernels.FS.indexInRange(0, values.length / 2)), 0.0);
        }
        assertEquals(true, differentFromInOrder > 100, "the data must tell the orders apart");
    }

    @Test
    void doubleLanesAreSummedInTheButterflysOrder() {
        Random random = new Random(4);
        double[] values = new double[UnaryKernels.DS.length()];
        for (int trial = 0; trial < 1000; trial++) {
            for (int i = 0; i < values.length; i++) values[i] = random.nextGaussian() * Math.pow(10, random.nextInt(12));
            DoubleVector v = DoubleVector.fromArray(UnaryKernels.DS, values, 0);
            assertEquals(butterfly(values), LaneSums.sum(v), 0.0);
            boolean[] onlyLast = new boolean[values.length];
            onlyLast[values.length - 1] = true;
            VectorMask<Double> last = VectorMask.fromArray(UnaryKernels.DS, onlyLast, 0);
            assertEquals(values[values.length - 1], LaneSums.sum(v, last), 0.0);
        }
    }
}
