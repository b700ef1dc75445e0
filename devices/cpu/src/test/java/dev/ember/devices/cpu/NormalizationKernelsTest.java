package dev.ember.devices.cpu;

import static dev.ember.devices.cpu.Tensors.CPU;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.Strided;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused normalization kernels against the definition computed here in double: statistics,
 * output and the three gradients, for every affine pattern, run lengths around the vector width
 * (vector loops and scalar tails), small heap-backed and large native buffers, and both dtypes.
 */
class NormalizationKernelsTest {

    private static final double EPS = 1e-5;

    /**
     * Sizes {outer, groups, inner}: short runs (the column path: batch norm of [N, C] or [N, C, L],
     * more rows than a float partial takes, more groups than one band, layer norm over 3 features),
     * long runs (layer norm, batch norm of images), tails of every length.
     */
    private static final long[][] SHAPES = {
        {4, 3, 1}, {2, 3, 5}, {3, 2, 8}, {2, 4, 17}, {40, 70, 1}, {3, 600, 1}, {34, 30, 20}, {1, 300, 3},
        {5, 3, 33}, {1, 6, 64}, {1, 40, 7}, {4, 3, 130}, {1, 12, 129},
    };

    /** out, mean, inverseStd by the definition: mean and biased variance over each group's outer x inner elements. */
    private static double[][] reference(double[] x, long[] size, double[] w, double[] b, boolean perGroup) {
        int outer = (int) size[0], groups = (int) size[1], inner = (int) size[2];
        double[] out = new double[x.length], mean = new double[groups], inverseStd = new double[groups];
        for (int g = 0; g < groups; g++) {
            double sum = 0, squares = 0;
            for (int o = 0; o < outer; o++) for (int i = 0; i < inner; i++) sum += x[(o * groups + g) * inner + i];
            mean[g] = sum / (outer * inner);
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) squares += Math.pow(x[(o * groups + g) * inner + i] - mean[g], 2);
            }
            inverseStd[g] = 1 / Math.sqrt(squares / (outer * inner) + EPS);
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int at = (o * groups + g) * inner + i;
                    int affine = perGroup ? g : i;
                    out[at] = (x[at] - mean[g]) * inverseStd[g] * (w == null ? 1 : w[affine]) + (b == null ? 0 : b[affine]);
                }
            }
        }
        return new double[][] {out, mean, inverseStd};
    }

    /** gradInput, gradWeight, gradBias by the closed form, written out per element. */
    private static double[][] referenceBackward(double[] gradOut, double[] x, long[] size, double[] mean, double[] inverseStd,
                                                double[] w, boolean perGroup) {
        int outer = (int) size[0], groups = (int) size[1], inner = (int) size[2];
        int affineSize = perGroup ? groups : inner;
        double[] dx = new double[x.length], dw = new double[affineSize], db = new double[affineSize];
        double count = outer * inner;
        for (int g = 0; g < groups; g++) {
            double sumH = 0, sumHXhat = 0;
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int at = (o * groups + g) * inner + i;
                    int affine = perGroup ? g : i;
                    double xhat = (x[at] - mean[g]) * inverseStd[g];
                    double h = gradOut[at] * (w == null ? 1 : w[affine]);
                    sumH += h;
                    sumHXhat += h * xhat;
                    dw[affine] += gradOut[at] * xhat;
                    db[affine] += gradOut[at];
                }
            }
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int at = (o * groups + g) * inner + i;
                    double xhat = (x[at] - mean[g]) * inverseStd[g];
                    double h = gradOut[at] * (w == null ? 1 : w[perGroup ? g : i]);
                    dx[at] = inverseStd[g] * (h - sumH / count - xhat * sumHXhat / count);
                }
            }
        }
        return new double[][] {dx, dw, db};
    }

    private static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double allowed = tolerance * (1 + Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= allowed,
                    what + " at " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }

    private static Strided optional(boolean present, DType t, Random random, long n) {
        return present ? Tensors.random(t, random, n) : null;
    }

    private static double[] values(Strided s) { return s == null ? null : Tensors.doubles(s); }

    @Test
    void forwardAndBackwardMatchTheDefinitionForEveryAffinePattern() {
        Random random = new Random(7);
        for (DType t : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            double tolerance = t == DType.FLOAT64 ? 1e-12 : 2e-5;
            for (long[] size : SHAPES) {
                for (int pattern = 0; pattern < 5; pattern++) {
                    boolean perGroup = pattern < 3;
                    long affineSize = perGroup ? size[1] : size[2];
                    Strided weight = optional(pattern != 0 && pattern != 4, t, random, affineSize);
                    Strided bias = optional(pattern != 0 && pattern != 3, t, random, affineSize);
                    String what = t + " " + Arrays.toString(size) + (perGroup ? " per group" : " per position")
                            + (weight == null ? "" : " weight") + (bias == null ? "" : " bias");
                    Strided x = Tensors.random(t, random, size);
                    Strided out = Tensors.empty(t, size);
                    Strided mean = Tensors.empty(DType.FLOAT64, size[1]);
                    Strided inverseStd = Tensors.empty(t, size[1]);
                    CPU.normalization(x, size[0], size[1], size[2], weight, bias, perGroup, EPS, true, mean, inverseStd, out);
                    double[][] expected = reference(Tensors.doubles(x), size, values(weight), values(bias), perGroup);
                    assertClose(expected[0], Tensors.doubles(out), tolerance, what + " output");
                    assertClose(expected[1], Tensors.doubles(mean), tolerance, what + " mean");
                    assertClose(expected[2], Tensors.doubles(inverseStd), tolerance, what + " inverseStd");

                    Strided gradOut = Tensors.random(t, random, size);
                    Strided gradInput = Tensors.empty(t, size);
                    Strided gradWeight = Tensors.empty(t, affineSize);
                    Strided gradBias = Tensors.empty(t, affineSize);
                    CPU.normalizationBackward(gradOut, x, size[0], size[1], size[2], mean, inverseStd, weight, perGroup,
                            gradInput, gradWeight, gradBias);
                    double[][] grads = referenceBackward(Tensors.doubles(gradOut), Tensors.doubles(x), size,
                            Tensors.doubles(mean), Tensors.doubles(inverseStd), values(weight), perGroup);
                    assertClose(grads[0], Tensors.doubles(gradInput), tolerance * 10, what + " gradInput");
                    assertClose(grads[1], Tensors.doubles(gradWeight), tolerance * 10, what + " gradWeight");
                    assertClose(grads[2], Tensors.doubles(gradBias), tolerance * 10, what + " gradBias");
                }
            }
        }
    }

    @Test
    void aBroadcastGradientMatchesTheDefinitionOnEveryPath() {
        // one value over every element, as sum() passes back: read as a scalar on the per-group
        // path, materialised for the column and per-position paths
        Random random = new Random(11);
        for (DType t : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            double tolerance = t == DType.FLOAT64 ? 1e-11 : 2e-4;
            for (long[] size : SHAPES) {
                for (boolean perGroup : new boolean[] {true, false}) {
                    long affineSize = perGroup ? size[1] : size[2];
                    String what = t + " " + Arrays.toString(size) + (perGroup ? " per group" : " per position");
                    Strided x = Tensors.random(t, random, size);
                    Strided weight = Tensors.random(t, random, affineSize);
                    Strided mean = Tensors.empty(DType.FLOAT64, size[1]);
                    Strided inverseStd = Tensors.empty(t, size[1]);
                    CPU.normalization(x, size[0], size[1], size[2], weight, null, perGroup, EPS, true, mean, inverseStd,
                            Tensors.empty(t, size));
                    double value = 0.5 + random.nextDouble();
                    Strided gradOut = Tensors.view(Tensors.vector(t, value), new Layout(size, new long[] {0, 0, 0}, 0));
                    Strided gradInput = Tensors.empty(t, size);
                    Strided gradWeight = Tensors.empty(t, affineSize);
                    Strided gradBias = Tensors.empty(t, affineSize);
                    CPU.normalizationBackward(gradOut, x, size[0], size[1], size[2], mean, inverseStd, weight, perGroup,
                            gradInput, gradWeight, gradBias);
                    double[] filled = new double[(int) (size[0] * size[1] * size[2])];
                    Arrays.fill(filled, Tensors.doubles(gradOut)[0]);
                    double[][] grads = referenceBackward(filled, Tensors.doubles(x), size, Tensors.doubles(mean),
                            Tensors.doubles(inverseStd), values(weight), perGroup);
                    assertClose(grads[0], Tensors.doubles(gradInput), tolerance, what + " gradInput");
                    assertClose(grads[1], Tensors.doubles(gradWeight), tolerance, what + " gradWeight");
                    assertClose(grads[2], Tensors.doubles(gradBias), tolerance, what + " gradBias");
                }
            }
        }
    }

    @Test
    void backwardComputesOnlyTheRequestedGradients() {
        Random random = new Random(8);
        for (long[] size : new long[][] {{3, 4, 20}, {1, 4, 40}}) {
            checkRequestedGradients(random, size, true);
            checkRequestedGradients(random, size, false);
        }
    }

    private static void checkRequestedGradients(Random random, long[] size, boolean perGroup) {
        String what = Arrays.toString(size) + " per group " + perGroup;
        long affineSize = perGroup ? size[1] : size[2];
        Strided x = Tensors.random(DType.FLOAT64, random, size);
        Strided weight = Tensors.random(DType.FLOAT64, random, affineSize);
        Strided mean = Tensors.empty(DType.FLOAT64, size[1]);
        Strided inverseStd = Tensors.empty(DType.FLOAT64, size[1]);
        CPU.normalization(x, size[0], size[1], size[2], weight, null, perGroup, EPS, true, mean, inverseStd,
                Tensors.empty(DType.FLOAT64, size));
        Strided gradOut = Tensors.random(DType.FLOAT64, random, size);
        Strided all = Tensors.empty(DType.FLOAT64, size);
        Strided onlyInput = Tensors.empty(DType.FLOAT64, size);
        Strided gradBias = Tensors.empty(DType.FLOAT64, affineSize);
        Strided onlyBias = Tensors.empty(DType.FLOAT64, affineSize);
        CPU.normalizationBackward(gradOut, x, size[0], size[1], size[2], mean, inverseStd, weight, perGroup, all,
                Tensors.empty(DType.FLOAT64, affineSize), gradBias);
        CPU.normalizationBackward(gradOut, x, size[0], size[1], size[2], mean, inverseStd, weight, perGroup, onlyInput,
                null, null);
        CPU.normalizationBackward(gradOut, x, size[0], size[1], size[2], mean, inverseStd, weight, perGroup, null,
                null, onlyBias);
        assertArrayEquals(Tensors.doubles(all), Tensors.doubles(onlyInput), 0.0, what);
        assertArrayEquals(Tensors.doubles(gradBias), Tensors.doubles(onlyBias), 0.0, what);
    }

    @Test
    void givenStatisticsNormaliseWithoutBeingRecomputed() {
        Random random = new Random(9);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            checkGivenStatistics(random, t, new long[] {4, 3, 50});
            checkGivenStatistics(random, t, new long[] {200, 3, 1});
        }
    }

    private static void checkGivenStatistics(Random random, DType t, long[] size) {
        int inner = (int) size[2];
        Strided x = Tensors.random(t, random, size);
        Strided weight = Tensors.random(t, random, 3);
        Strided bias = Tensors.random(t, random, 3);
        Strided runningMean = Tensors.vector(t, 0.5, -1, 2);
        Strided inverseStd = Tensors.vector(t, 1 / Math.sqrt(1.5 + EPS), 2, 0.25);
        Strided out = Tensors.empty(t, size);
        CPU.normalization(x, size[0], 3, inner, weight, bias, true, EPS, false, runningMean, inverseStd, out);
        double[] xv = Tensors.doubles(x), w = Tensors.doubles(weight), b = Tensors.doubles(bias);
        double[] m = Tensors.doubles(runningMean), s = Tensors.doubles(inverseStd), ov = Tensors.doubles(out);
        for (int at = 0; at < xv.length; at++) {
            int c = at / inner % 3;
            double expected = (xv[at] - m[c]) * s[c] * w[c] + b[c];
            assertEquals(expected, ov[at], (t == DType.FLOAT32 ? 1e-5 : 1e-13) * (1 + Math.abs(expected)),
                    t + " " + Arrays.toString(size) + " at " + at);
        }
        assertArrayEquals(new double[] {0.5, -1, 2}, Tensors.doubles(runningMean), 0.0, "statistics are only read");
    }

    @Test
    void float32StatisticsStayAccurateFarFromZero() {
        // 50,000 values around 1000 with a standard deviation of 0.01: float block sums of the raw
        // values put the mean 2e-6 off (measured), a fifth of the float32 spacing near 1000
        Random random = new Random(10);
        int n = 50_000;
        double[] data = new double[n];
        for (int i = 0; i < n; i++) data[i] = 1000 + 0.01 * random.nextGaussian();
        Strided x = Tensors.of(DType.FLOAT32, new long[] {n}, data);
        double[] stored = Tensors.doubles(x);
        double[][] expected = reference(stored, new long[] {1, 1, n}, null, null, true);
        Strided mean = Tensors.empty(DType.FLOAT64, 1);
        Strided inverseStd = Tensors.empty(DType.FLOAT64, 1);
        CPU.normalization(x, 1, 1, n, null, null, true, EPS, true, mean, inverseStd, Tensors.empty(DType.FLOAT32, n));
        assertEquals(expected[1][0], Tensors.doubles(mean)[0], 1e-7, "mean");
        assertEquals(expected[2][0], Tensors.doubles(inverseStd)[0], 1e-5 * expected[2][0], "inverse std");
        // the column path ([N, C] batch norm): the same values as 25,000 rows of 2 channels
        double[][] columns = reference(stored, new long[] {n / 2, 2, 1}, null, null, true);
        Strided columnMean = Tensors.empty(DType.FLOAT64, 2);
        Strided columnInverseStd = Tensors.empty(DType.FLOAT64, 2);
        CPU.normalization(x, n / 2, 2, 1, null, null, true, EPS, true, columnMean, columnInverseStd,
                Tensors.empty(DType.FLOAT32, n));
        for (int c = 0; c < 2; c++) {
            assertEquals(columns[1][c], Tensors.doubles(columnMean)[c], 1e-7, "column mean " + c);
            assertEquals(columns[2][c], Tensors.doubles(columnInverseStd)[c], 1e-5 * columns[2][c], "column inverse std " + c);
        }
    }

    @Test
    void groupsOfNoElementsHaveUndefinedStatisticsAndZeroGradients() {
        for (long[] size : new long[][] {{0, 3, 4}, {2, 3, 0}}) {
            Strided x = Tensors.empty(DType.FLOAT32, size);
            Strided mean = Tensors.empty(DType.FLOAT64, 3);
            Strided inverseStd = Tensors.empty(DType.FLOAT64, 3);
            CPU.normalization(x, size[0], 3, size[2], null, null, true, EPS, true, mean, inverseStd, Tensors.empty(DType.FLOAT32, size));
            assertTrue(Double.isNaN(Tensors.doubles(mean)[2]) && Double.isNaN(Tensors.doubles(inverseStd)[0]), Arrays.toString(size));
            Strided gradWeight = Tensors.of(DType.FLOAT32, new long[] {3}, 5, 5, 5);
            Strided gradBias = Tensors.of(DType.FLOAT32, new long[] {3}, 5, 5, 5);
            CPU.normalizationBackward(x, x, size[0], 3, size[2], mean, inverseStd, null, true, Tensors.empty(DType.FLOAT32, size),
                    gradWeight, gradBias);
            assertArrayEquals(new double[3], Tensors.doubles(gradWeight), 0.0, Arrays.toString(size));
            assertArrayEquals(new double[3], Tensors.doubles(gradBias), 0.0, Arrays.toString(size));
        }
    }

    @Test
    void wrongOperandsAreReportedWithShapesAndDtypes() {
        Strided x = Tensors.empty(DType.FLOAT32, 2, 3, 4);
        Strided stats = Tensors.empty(DType.FLOAT32, 3);
        Strided out = Tensors.empty(DType.FLOAT32, 2, 3, 4);
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> CPU.normalization(x, 2, 3, 5, null, null, true, EPS, true, stats, stats, out));
        assertEquals("normalization: expected a contiguous input of 30 elements, got shape [2, 3, 4] with layout "
                + x.layout(), count.getMessage());
        IllegalArgumentException weight = assertThrows(IllegalArgumentException.class,
                () -> CPU.normalization(x, 2, 3, 4, Tensors.empty(DType.FLOAT32, 3), null, false, EPS, true, stats, stats, out));
        assertTrue(weight.getMessage().startsWith("normalization: expected a contiguous weight (one per inner position) of 4 "
                + "elements, got shape [3]"), weight.getMessage());
        IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
                () -> CPU.normalization(x, 2, 3, 4, null, null, true, EPS, true, stats, stats, Tensors.empty(DType.FLOAT64, 2, 3, 4)));
        assertEquals("normalization: expected output of dtype float32, got float64", dtype.getMessage());
        IllegalArgumentException integral = assertThrows(IllegalArgumentException.class,
                () -> CPU.normalization(Tensors.empty(DType.INT64, 2, 3, 4), 2, 3, 4, null, null, true, EPS, true, stats, stats, out));
        assertEquals("normalization: expected input of dtype float32 or float64, got int64", integral.getMessage());
        Strided transposed = Tensors.view(x, x.layout().transpose(1, 2));
        assertThrows(IllegalArgumentException.class, () -> CPU.normalizationBackward(transposed, x, 2, 3, 4, stats, stats,
                null, true, null, null, null));
        assertTrue(CPU.hasNormalization(DType.FLOAT32) && CPU.hasNormalization(DType.FLOAT64));
        assertTrue(!CPU.hasNormalization(DType.FLOAT16) && !CPU.hasNormalization(DType.INT64));
    }
}
