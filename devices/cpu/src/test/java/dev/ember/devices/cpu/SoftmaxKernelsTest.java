package dev.ember.devices.cpu;

import static dev.ember.devices.cpu.Tensors.CPU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.devices.Strided;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused softmax kernels against a plain double-precision loop over each slice: rows (dim
 * innermost), lane blocks of a non-innermost dim, their scalar tails, small heap-backed buffers
 * and rows long enough to run in parallel; special values; and the operand checks.
 */
class SoftmaxKernelsTest {

    /** Softmax or log-softmax of each slice along {@code dim} of the row-major {@code x}, by definition. */
    private static double[] naiveForward(double[] x, long[] shape, int dim, boolean log) {
        double[] out = new double[x.length];
        forEachSlice(shape, dim, (base, stride, n) -> {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < n; k++) max = Math.max(max, x[base + k * stride]);
            double sum = 0;
            for (int k = 0; k < n; k++) sum += Math.exp(x[base + k * stride] - max);
            for (int k = 0; k < n; k++) {
                double shifted = x[base + k * stride] - max;
                out[base + k * stride] = log ? shifted - Math.log(sum) : Math.exp(shifted) / sum;
            }
        });
        return out;
    }

    private static double[] naiveBackward(double[] y, double[] g, long[] shape, int dim, boolean log) {
        double[] out = new double[y.length];
        forEachSlice(shape, dim, (base, stride, n) -> {
            double total = 0;
            for (int k = 0; k < n; k++) total += log ? g[base + k * stride] : g[base + k * stride] * y[base + k * stride];
            for (int k = 0; k < n; k++) {
                int i = base + k * stride;
                out[i] = log ? g[i] - Math.exp(y[i]) * total : y[i] * (g[i] - total);
            }
        });
        return out;
    }

    private interface Slice {
        void run(int base, int stride, int n);
    }

    private static void forEachSlice(long[] shape, int dim, Slice slice) {
        int outer = 1;
        int inner = 1;
        for (int d = 0; d < dim; d++) outer *= (int) shape[d];
        for (int d = dim + 1; d < shape.length; d++) inner *= (int) shape[d];
        int size = shape.length == 0 ? 1 : (int) shape[dim];
        for (int o = 0; o < outer; o++) for (int j = 0; j < inner; j++) slice.run(o * size * inner + j, inner, size);
    }

    private static void assertClose(double[] expected, double[] actual, double tolerance, String where) {
        assertEquals(expected.length, actual.length, where);
        for (int i = 0; i < expected.length; i++) {
            boolean same = Double.compare(expected[i], actual[i]) == 0
                    || Math.abs(expected[i] - actual[i]) <= tolerance * (1 + Math.abs(expected[i]));
            assertTrue(same, where + ": element " + i + " expected " + expected[i] + ", got " + actual[i]);
        }
    }

    @Test
    void forwardAndBackwardMatchTheDefinitionOnRowsColumnsAndTails() {
        Random random = new Random(17);
        // [2, 3] stays on the heap (scalar loops); 37, 33 and 19 leave a tail after whole vectors;
        // [70, 257] is large enough to split over threads
        long[][] shapes = {{2, 3}, {5, 37}, {4, 19, 33}, {3, 2, 40}, {70, 257}, {64}, {}};
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double tolerance = t == DType.FLOAT32 ? 5e-6 : 1e-13;
            for (long[] shape : shapes) {
                for (int dim = 0; dim < Math.max(1, shape.length); dim++) {
                    for (boolean log : new boolean[] {false, true}) {
                        String where = t + (log ? " log_softmax " : " softmax ") + Arrays.toString(shape) + " dim " + dim;
                        Strided x = Tensors.random(t, random, shape);
                        Strided y = Tensors.empty(t, shape);
                        CPU.softmax(x, dim, log, y);
                        double[] expected = naiveForward(Tensors.doubles(x), shape, dim, log);
                        assertClose(expected, Tensors.doubles(y), tolerance, where);

                        Strided g = Tensors.random(t, random, shape);
                        Strided gradInput = Tensors.empty(t, shape);
                        CPU.softmaxBackward(y, g, dim, log, gradInput);
                        double[] expectedGrad = naiveBackward(Tensors.doubles(y), Tensors.doubles(g), shape, dim, log);
                        assertClose(expectedGrad, Tensors.doubles(gradInput), tolerance * 10, where + " backward");
                    }
                }
            }
        }
    }

    @Test
    void slicesWithNaNOrInfinityGiveNaNAndMinusInfinityGivesZeroProbability() {
        double inf = Double.POSITIVE_INFINITY;
        // one row of 40 (vector part and tail) per case; the special value sits at index 35, in the tail
        double[][] specials = {{-inf}, {Double.NaN}, {inf}};
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (double[] special : specials) {
                for (int at : new int[] {3, 35}) {
                    double[] row = new double[40 * 8];
                    for (int i = 0; i < row.length; i++) row[i] = (i % 7) * 0.25;
                    for (int r = 0; r < 8; r++) row[r * 40 + at] = special[0];
                    long[] shape = {8, 40};
                    Strided x = Tensors.of(t, shape, row);
                    for (boolean log : new boolean[] {false, true}) {
                        Strided y = Tensors.empty(t, shape);
                        CPU.softmax(x, 1, log, y);
                        double[] out = Tensors.doubles(y);
                        String where = t + (log ? " log_softmax" : " softmax") + " with " + special[0] + " at " + at;
                        if (special[0] == -inf) {
                            assertEquals(log ? -inf : 0.0, out[at], where);
                            assertClose(naiveForward(row, shape, 1, log), out, 5e-6, where);
                        } else {
                            for (double v : out) assertTrue(Double.isNaN(v), where + ": expected NaN throughout, got " + v);
                        }
                    }
                }
            }
            Strided allMinusInfinity = Tensors.of(t, new long[] {3, 20}, filled(60, -inf));
            Strided y = Tensors.empty(t, 3, 20);
            CPU.softmax(allMinusInfinity, 0, false, y);
            for (double v : Tensors.doubles(y)) assertTrue(Double.isNaN(v), t + ": a slice of only -inf gives NaN");
        }
    }

    private static double[] filled(int n, double value) {
        double[] values = new double[n];
        Arrays.fill(values, value);
        return values;
    }

    @Test
    void operandsAreCheckedBeforeAnyMemoryIsTouched() {
        Strided x = Tensors.random(DType.FLOAT32, new Random(1), 4, 6);
        Strided y = Tensors.empty(DType.FLOAT32, 4, 6);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> CPU.softmax(Tensors.transposedCopy(x), 1, false, Tensors.empty(DType.FLOAT32, 4, 6)));
        assertTrue(error.getMessage().startsWith("softmax: expected a contiguous operand"), error.getMessage());
        error = assertThrows(IllegalArgumentException.class, () -> CPU.softmax(x, 1, true, Tensors.empty(DType.FLOAT64, 4, 6)));
        assertTrue(error.getMessage().contains("different dtypes"), error.getMessage());
        error = assertThrows(IllegalArgumentException.class, () -> CPU.softmax(x, 1, false, Tensors.empty(DType.FLOAT32, 4, 5)));
        assertEquals("softmax: shapes differ: [4, 6] and [4, 5]", error.getMessage());
        Strided ints = Tensors.empty(DType.INT32, 4, 6);
        error = assertThrows(IllegalArgumentException.class, () -> CPU.softmax(ints, 1, false, Tensors.empty(DType.INT32, 4, 6)));
        assertEquals("softmax: the fused kernel supports float32 and float64, got int32", error.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> CPU.softmaxBackward(y, y, 2, true, Tensors.empty(DType.FLOAT32, 4, 6)));
        assertTrue(CPU.hasSoftmax(DType.FLOAT64));
        assertFalse(CPU.hasSoftmax(DType.FLOAT16));
    }
}
