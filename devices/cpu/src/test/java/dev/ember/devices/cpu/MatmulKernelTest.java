package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.Strided;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.ember.devices.cpu.Tensors.CPU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatmulKernelTest {

    private static double[] naive(Strided a, Strided b) {
        long batch = a.shape()[0], m = a.shape()[1], k = a.shape()[2], n = b.shape()[2];
        double[] av = Tensors.doubles(a), bv = Tensors.doubles(b);
        double[] out = new double[(int) (batch * m * n)];
        for (int bi = 0; bi < batch; bi++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += av[(int) ((bi * m + i) * k + p)] * bv[(int) ((bi * k + p) * n + j)];
                    out[(int) ((bi * m + i) * n + j)] = s;
                }
        return out;
    }

    private static void check(Strided a, Strided b, Strided out, double tolerance) {
        CPU.matmul(a, b, out);
        double[] expected = naive(a, b);
        double[] actual = Tensors.doubles(out);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance * Math.max(1, Math.abs(expected[i])),
                    a.dtype() + " " + java.util.Arrays.toString(a.shape()) + " x " + java.util.Arrays.toString(b.shape()) + " at " + i);
        }
    }

    @Test
    void blasMatchesANaiveLoopForOddSizesAndTransposes() {
        Random random = new Random(17);
        for (int trial = 0; trial < 40; trial++) {
            int m = 1 + random.nextInt(70), k = 1 + random.nextInt(70), n = 1 + random.nextInt(70);
            int batch = 1 + random.nextInt(3);
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                double tolerance = t == DType.FLOAT32 ? 1e-4 : 1e-12;
                Strided a = Tensors.random(t, random, batch, m, k);
                Strided b = Tensors.random(t, random, batch, k, n);
                if (random.nextBoolean()) a = Tensors.transposedCopy(a);
                if (random.nextBoolean()) b = Tensors.transposedCopy(b);
                Strided out = random.nextBoolean() ? Tensors.empty(t, batch, m, n) : Tensors.transposedCopy(Tensors.empty(t, batch, m, n));
                check(a, b, out, tolerance);
            }
        }
    }

    @Test
    void productsSplitOverThePoolMatchANaiveLoop() {
        // past the split size (2^18 multiply-adds), where each thread multiplies its own part
        Random random = new Random(23);
        for (int trial = 0; trial < 12; trial++) {
            boolean tall = trial % 2 == 0;
            int m = tall ? 150 + random.nextInt(120) : 40 + random.nextInt(30);
            int n = tall ? 40 + random.nextInt(30) : 150 + random.nextInt(120);
            int k = 400 + random.nextInt(200);
            int batch = 1 + random.nextInt(2);
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                // float32 rounding grows with the inner length: OpenBLAS and oneDNN measured 3-7e-4 at k 270-450
                double tolerance = t == DType.FLOAT32 ? 3e-6 * k : 1e-12;
                Strided a = Tensors.random(t, random, batch, m, k);
                Strided b = Tensors.random(t, random, batch, k, n);
                if ((trial & 2) != 0) a = Tensors.transposedCopy(a);
                if ((trial & 4) != 0) b = Tensors.transposedCopy(b);
                Strided out = (trial & 8) != 0 ? Tensors.transposedCopy(Tensors.empty(t, batch, m, n)) : Tensors.empty(t, batch, m, n);
                check(a, b, out, tolerance);
            }
        }
    }

    @Test
    void batchesSharedOutOverThePoolMatchANaiveLoop() {
        // four or more products, or small ones, go whole to the pool's threads, one product each
        Random random = new Random(29);
        for (int trial = 0; trial < 16; trial++) {
            int m = 20 + random.nextInt(60), k = 20 + random.nextInt(60), n = 20 + random.nextInt(60);
            int batch = trial < 8 ? 4 + random.nextInt(6) : 2 + random.nextInt(2);
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                double tolerance = t == DType.FLOAT32 ? 1e-4 : 1e-12;
                Strided a = Tensors.random(t, random, batch, m, k);
                Strided b = Tensors.random(t, random, batch, k, n);
                if ((trial & 1) != 0) a = Tensors.transposedCopy(a);
                if ((trial & 2) != 0) b = Tensors.transposedCopy(b);
                Strided out = (trial & 4) != 0 ? Tensors.transposedCopy(Tensors.empty(t, batch, m, n)) : Tensors.empty(t, batch, m, n);
                check(a, b, out, tolerance);
            }
        }
    }

    @Test
    void broadcastBatchAndNonBlasLayoutsAreHandled() {
        Random random = new Random(19);
        Strided a = Tensors.random(DType.FLOAT32, random, 1, 5, 7);
        Strided aBroadcast = Tensors.view(a, new Layout(new long[] {4, 5, 7}, new long[] {0, 7, 1}, 0));
        Strided b = Tensors.random(DType.FLOAT32, random, 4, 7, 3);
        check(aBroadcast, b, Tensors.empty(DType.FLOAT32, 4, 5, 3), 1e-4);
        // every other column: neither row- nor column-major, so it is copied first
        Strided wide = Tensors.random(DType.FLOAT64, random, 2, 7, 6);
        Strided gappy = Tensors.view(wide, new Layout(new long[] {2, 7, 3}, new long[] {42, 6, 2}, 1));
        Strided left = Tensors.random(DType.FLOAT64, random, 2, 4, 7);
        check(left, gappy, Tensors.empty(DType.FLOAT64, 2, 4, 3), 1e-12);
        // an output with gaps between rows
        Strided storage = Tensors.empty(DType.FLOAT64, 2, 4, 5);
        Strided out = Tensors.view(storage, new Layout(new long[] {2, 4, 3}, new long[] {20, 5, 1}, 1));
        check(left, gappy, out, 1e-12);
        assertEquals(0, Tensors.doubles(storage)[0]);
    }

    @Test
    void integerAndHalfMatmulUseTheNaiveLoop() {
        Random random = new Random(23);
        for (DType t : new DType[] {DType.INT64, DType.INT32, DType.FLOAT16, DType.BFLOAT16}) {
            Strided a = Tensors.random(t, random, 2, 9, 13);
            Strided b = Tensors.transposedCopy(Tensors.random(t, random, 2, 13, 6));
            double tolerance = t == DType.FLOAT16 ? 1e-3 : t == DType.BFLOAT16 ? 1e-2 : 0;
            check(a, b, Tensors.empty(t, 2, 9, 6), tolerance);
        }
        long big = 1L << 40;
        Strided a = Tensors.ofLongs(DType.INT64, new long[] {1, 1, 2}, big, 3);
        Strided b = Tensors.ofLongs(DType.INT64, new long[] {1, 2, 1}, big + 1, 1);
        Strided out = Tensors.empty(DType.INT64, 1, 1, 1);
        CPU.matmul(a, b, out);
        assertEquals(big * (big + 1) + 3, Tensors.longs(out)[0]);
    }

    @Test
    void emptyInnerDimensionGivesZeros() {
        Strided out = Tensors.empty(DType.FLOAT32, 1, 2, 2);
        CPU.fill(out, 5);
        CPU.matmul(Tensors.empty(DType.FLOAT32, 1, 2, 0), Tensors.empty(DType.FLOAT32, 1, 0, 2), out);
        assertEquals(0, Tensors.doubles(out)[3]);
    }

    @Test
    void mismatchedShapesNameBothOperands() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CPU.matmul(
                Tensors.empty(DType.FLOAT32, 1, 64, 784), Tensors.empty(DType.FLOAT32, 1, 100, 10), Tensors.empty(DType.FLOAT32, 1, 64, 10)));
        assertTrue(e.getMessage().contains("1x64x784 and 1x100x10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CPU.matmul(
                Tensors.empty(DType.FLOAT32, 1, 2, 3), Tensors.empty(DType.FLOAT64, 1, 3, 2), Tensors.empty(DType.FLOAT32, 1, 2, 2)));
    }
}
