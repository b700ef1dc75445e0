package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.ReduceOp;
import dev.ember.devices.ScanOp;
import dev.ember.devices.Strided;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.ember.devices.cpu.Tensors.CPU;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReduceScanSortTest {

    private static Strided reduce(ReduceOp op, Strided x, DType outType, int... dims) {
        long[] shape = x.shape();
        for (int d : dims) shape[d < 0 ? d + shape.length : d] = 1;
        Strided out = Tensors.empty(outType, shape);
        CPU.reduce(op, x, dims, out);
        return out;
    }

    /** A naive reference: reduces the row-major values of shape over the flagged dims. */
    private static double[] naive(ReduceOp op, double[] values, long[] shape, boolean[] reduced) {
        int rank = shape.length;
        long[] outShape = shape.clone();
        for (int d = 0; d < rank; d++) if (reduced[d]) outShape[d] = 1;
        long outCount = 1;
        for (long s : outShape) outCount *= s;
        double[] acc = new double[(int) outCount];
        long[] counts = new long[(int) outCount];
        double[] best = new double[(int) outCount];
        java.util.Arrays.fill(acc, op == ReduceOp.PROD ? 1 : op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : op == ReduceOp.MIN ? Double.POSITIVE_INFINITY : 0);
        long[] counter = new long[rank];
        for (double v : values) {
            int o = 0;
            for (int d = 0; d < rank; d++) o = (int) (o * outShape[d] + (reduced[d] ? 0 : counter[d]));
            switch (op) {
                case SUM -> acc[o] += v;
                case PROD -> acc[o] *= v;
                case MAX -> acc[o] = Math.max(acc[o], v);
                case MIN -> acc[o] = Math.min(acc[o], v);
                case ARGMAX, ARGMIN -> {
                    boolean better = counts[o] == 0 || (op == ReduceOp.ARGMAX ? v > best[o] : v < best[o]);
                    if (better) {
                        best[o] = v;
                        acc[o] = counts[o];
                    }
                    counts[o]++;
                }
            }
            for (int d = rank - 1; d >= 0; d--) {
                if (++counter[d] < shape[d]) break;
                counter[d] = 0;
            }
        }
        return acc;
    }

    @Test
    void reductionsOverAnySubsetOfDimsMatchANaiveLoop() {
        Random random = new Random(7);
        long[] shape = {3, 4, 5, 6};
        int[][] dimSets = {{0}, {3}, {1, 2}, {0, 2}, {1, 3}, {0, 1, 2, 3}, {0, 3}, {-1, 0}};
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.FLOAT16}) {
            Strided x = Tensors.random(t, random, shape);
            double[] values = Tensors.doubles(x);
            for (int[] dims : dimSets) {
                boolean[] reduced = new boolean[4];
                for (int d : dims) reduced[d < 0 ? d + 4 : d] = true;
                for (ReduceOp op : ReduceOp.values()) {
                    if (op == ReduceOp.PROD) continue;
                    boolean arg = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN;
                    DType outType = arg ? DType.INT64 : op == ReduceOp.SUM ? DType.FLOAT64 : t;
                    double[] expected = naive(op, values, shape, reduced);
                    double tolerance = op == ReduceOp.SUM && t == DType.FLOAT32 ? 1e-5 : 1e-9;
                    double[] actual = Tensors.doubles(reduce(op, x, outType, dims));
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], actual[i], tolerance, op + " " + t + " dims " + java.util.Arrays.toString(dims));
                    }
                }
            }
        }
    }

    @Test
    void stridedInputsAndNonContiguousOutputsReduceCorrectly() {
        Strided x = Tensors.random(DType.FLOAT32, new Random(5), 6, 7);
        Strided xt = Tensors.view(x, x.layout().transpose(0, 1));
        double[] values = Tensors.doubles(x);
        Strided storage = Tensors.empty(DType.FLOAT32, 7, 2);
        Strided out = Tensors.view(storage, new Layout(new long[] {7, 1}, new long[] {2, 1}, 1));
        CPU.reduce(ReduceOp.SUM, xt, new int[] {1}, out);
        double[] sums = Tensors.doubles(storage);
        for (int j = 0; j < 7; j++) {
            double expected = 0;
            for (int i = 0; i < 6; i++) expected += values[i * 7 + j];
            assertEquals(expected, sums[2 * j + 1], 1e-5);
            assertEquals(0, sums[2 * j]);
        }
    }

    @Test
    void largeFullReductionsAreAccurateAndParallel() {
        int n = 3_000_001;
        Strided x = Tensors.empty(DType.FLOAT32, n);
        CPU.fill(x, 0.1);
        double sum = Tensors.doubles(reduce(ReduceOp.SUM, x, DType.FLOAT32, 0))[0];
        assertEquals(0.1f * (double) n, sum, 1.0);
        Strided big = Tensors.random(DType.FLOAT64, new Random(9), 1000, 1001);
        double[] values = Tensors.doubles(big);
        int maxAt = 0;
        for (int i = 1; i < values.length; i++) if (values[i] > values[maxAt]) maxAt = i;
        values[123456] = values[maxAt];
        ((CpuBuffer) big.buffer()).segment().setAtIndex(Elements.F64, 123456, values[maxAt]);
        long arg = Tensors.longs(reduce(ReduceOp.ARGMAX, big, DType.INT64, 0, 1))[0];
        assertEquals(Math.min(maxAt, 123456), arg, "first index of the maximum");
        assertEquals(values[maxAt], Tensors.doubles(reduce(ReduceOp.MAX, big, DType.FLOAT64, 0, 1))[0]);
    }

    @Test
    void largeReductionsOverTheBatchDimMatchANaiveLoop() {
        // 5003 columns: vector steps, tails and several column blocks per thread
        int rows = 300, columns = 5003;
        Strided x = Tensors.random(DType.FLOAT32, new Random(13), rows, columns);
        double[] values = Tensors.doubles(x);
        double[] sums = Tensors.doubles(reduce(ReduceOp.SUM, x, DType.FLOAT32, 0));
        double[] maxima = Tensors.doubles(reduce(ReduceOp.MAX, x, DType.FLOAT32, 0));
        for (int j = 0; j < columns; j++) {
            double s = 0, m = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < rows; i++) {
                s += values[i * columns + j];
                m = Math.max(m, values[i * columns + j]);
            }
            // summed in double in row order, like the loop above, then rounded once
            assertEquals((float) s, sums[j], 0.0, "column " + j);
            assertEquals(m, maxima[j]);
        }
    }

    @Test
    void maxMinAndArgPropagateNaN() {
        double nan = Double.NaN;
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double[] values = new double[37];
            for (int i = 0; i < values.length; i++) values[i] = i;
            values[20] = nan;
            values[30] = nan;
            Strided x = Tensors.vector(t, values);
            assertTrue(Double.isNaN(Tensors.doubles(reduce(ReduceOp.MAX, x, t, 0))[0]));
            assertTrue(Double.isNaN(Tensors.doubles(reduce(ReduceOp.MIN, x, t, 0))[0]));
            assertEquals(20, Tensors.longs(reduce(ReduceOp.ARGMAX, x, DType.INT64, 0))[0]);
            assertEquals(20, Tensors.longs(reduce(ReduceOp.ARGMIN, x, DType.INT64, 0))[0]);
        }
        Strided ties = Tensors.vector(DType.INT32, 1, 5, 2, 5, 0, 0);
        assertEquals(1, Tensors.longs(reduce(ReduceOp.ARGMAX, ties, DType.INT64, 0))[0]);
        assertEquals(4, Tensors.longs(reduce(ReduceOp.ARGMIN, ties, DType.INT64, 0))[0]);
    }

    @Test
    void integerSumsAndProductsAreExact() {
        long big = (1L << 54) + 1;
        Strided x = Tensors.ofLongs(DType.INT64, new long[] {3}, big, big, 1);
        assertEquals(2 * big + 1, Tensors.longs(reduce(ReduceOp.SUM, x, DType.INT64, 0))[0]);
        Strided bools = Tensors.vector(DType.BOOL, 1, 1, 0, 1);
        assertEquals(3, Tensors.longs(reduce(ReduceOp.SUM, bools, DType.INT64, 0))[0]);
        Strided u8 = Tensors.vector(DType.UINT8, 200, 200, 200);
        assertEquals(600, Tensors.longs(reduce(ReduceOp.SUM, u8, DType.INT64, 0))[0]);
        Strided p = Tensors.vector(DType.INT32, 3, 4, 5);
        assertEquals(60, Tensors.longs(reduce(ReduceOp.PROD, p, DType.INT64, 0))[0]);
        assertEquals(6.0, Tensors.doubles(reduce(ReduceOp.PROD, Tensors.vector(DType.FLOAT16, 1, 2, 3), DType.FLOAT16, 0))[0]);
    }

    @Test
    void reducingZeroElements() {
        Strided empty = Tensors.empty(DType.FLOAT32, 2, 0);
        assertArrayEquals(new double[] {0, 0}, Tensors.doubles(reduce(ReduceOp.SUM, empty, DType.FLOAT32, 1)));
        assertArrayEquals(new double[] {1, 1}, Tensors.doubles(reduce(ReduceOp.PROD, empty, DType.FLOAT32, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reduce(ReduceOp.MAX, empty, DType.FLOAT32, 1));
        assertTrue(e.getMessage().contains("[2, 0]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> reduce(ReduceOp.ARGMIN, empty, DType.INT64, 1));
        assertThrows(IllegalArgumentException.class,
                () -> CPU.reduce(ReduceOp.SUM, Tensors.empty(DType.FLOAT32, 2, 3), new int[] {1}, Tensors.empty(DType.FLOAT32, 2)));
    }

    @Test
    void cumulativeSumAndProductAlongADim() {
        Strided x = Tensors.of(DType.FLOAT32, new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        Strided out = Tensors.empty(DType.FLOAT32, 2, 3);
        CPU.scan(ScanOp.CUMSUM, x, 1, out);
        assertArrayEquals(new double[] {1, 3, 6, 4, 9, 15}, Tensors.doubles(out));
        CPU.scan(ScanOp.CUMPROD, x, 0, out);
        assertArrayEquals(new double[] {1, 2, 3, 4, 10, 18}, Tensors.doubles(out));
        Strided xt = Tensors.view(x, x.layout().transpose(0, 1));
        Strided outT = Tensors.empty(DType.INT64, 3, 2);
        CPU.scan(ScanOp.CUMSUM, Tensors.view(xt, xt.layout()), -1, Tensors.view(outT, outT.layout()));
        Strided ints = Tensors.empty(DType.INT64, 3, 2);
        CPU.copy(xt, ints);
        CPU.scan(ScanOp.CUMSUM, ints, 1, outT);
        assertArrayEquals(new long[] {1, 5, 2, 7, 3, 9}, Tensors.longs(outT));
        Strided bools = Tensors.vector(DType.BOOL, 1, 0, 1, 1);
        Strided counts = Tensors.empty(DType.INT64, 4);
        CPU.scan(ScanOp.CUMSUM, bools, 0, counts);
        assertArrayEquals(new long[] {1, 1, 2, 3}, Tensors.longs(counts));
    }

    @Test
    void sortIsStableAndPutsNaNLast() {
        double nan = Double.NaN;
        Strided x = Tensors.vector(DType.FLOAT32, 3, nan, 1, 3, 2, 1, nan, 3);
        Strided values = Tensors.empty(DType.FLOAT32, 8);
        Strided indices = Tensors.empty(DType.INT64, 8);
        CPU.sort(x, 0, false, values, indices);
        assertArrayEquals(new double[] {1, 1, 2, 3, 3, 3, nan, nan}, Tensors.doubles(values));
        assertArrayEquals(new long[] {2, 5, 4, 0, 3, 7, 1, 6}, Tensors.longs(indices));
        CPU.sort(x, 0, true, values, indices);
        assertArrayEquals(new double[] {nan, nan, 3, 3, 3, 2, 1, 1}, Tensors.doubles(values));
        assertArrayEquals(new long[] {1, 6, 0, 3, 7, 4, 2, 5}, Tensors.longs(indices));
    }

    @Test
    void sortAlongAStridedDimMatchesJavaSort() {
        Random random = new Random(11);
        Strided x = Tensors.random(DType.INT32, random, 50, 37);
        Strided values = Tensors.empty(DType.INT32, 50, 37);
        Strided indices = Tensors.empty(DType.INT64, 50, 37);
        CPU.sort(x, 0, false, values, indices);
        long[] xs = Tensors.longs(x), vs = Tensors.longs(values), is = Tensors.longs(indices);
        for (int col = 0; col < 37; col++) {
            long[] column = new long[50];
            for (int r = 0; r < 50; r++) column[r] = xs[r * 37 + col];
            long[] sorted = column.clone();
            java.util.Arrays.sort(sorted);
            for (int r = 0; r < 50; r++) {
                assertEquals(sorted[r], vs[r * 37 + col]);
                assertEquals(column[(int) is[r * 37 + col]], sorted[r]);
                if (r > 0 && sorted[r] == sorted[r - 1]) assertTrue(is[r * 37 + col] > is[(r - 1) * 37 + col], "stable");
            }
        }
    }
}
