package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.Strided;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.ember.devices.cpu.Tensors.CPU;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CopyKernelsTest {

    /** What value v becomes in dtype t, by C/PyTorch rules (v has at most 8 significant bits here). */
    private static double castExpected(double v, DType t) {
        return switch (t) {
            case FLOAT32, FLOAT64, FLOAT16, BFLOAT16 -> v;
            case INT64, INT32, INT16 -> (long) v;
            case INT8 -> (byte) (long) v;
            case UINT8 -> (long) v & 0xFF;
            case BOOL -> v != 0 ? 1 : 0;
        };
    }

    @Test
    void castsBetweenEveryPairOfDtypes() {
        double[] values = {0, 1, -1, 2.5, -2.5, 7, 100, -100, 0.75};
        for (DType from : DType.values()) {
            double[] source = new double[values.length];
            for (int i = 0; i < values.length; i++) source[i] = castExpected(values[i], from);
            Strided x = Tensors.vector(from, source);
            for (DType to : DType.values()) {
                Strided y = Tensors.empty(to, values.length);
                CPU.copy(x, y);
                double[] expected = new double[values.length];
                for (int i = 0; i < values.length; i++) expected[i] = castExpected(source[i], to);
                assertArrayEquals(expected, Tensors.doubles(y), from + " -> " + to);
            }
        }
    }

    @Test
    void floatToIntegerTruncatesTowardZeroAndUint8Wraps() {
        Strided x = Tensors.vector(DType.FLOAT32, -1.0, -2.7, 2.7, 255.9, 256, -0.5);
        Strided u8 = Tensors.empty(DType.UINT8, 6);
        CPU.copy(x, u8);
        assertArrayEquals(new long[] {255, 254, 2, 255, 0, 0}, Tensors.longs(u8));
        Strided i32 = Tensors.empty(DType.INT32, 6);
        CPU.copy(x, i32);
        assertArrayEquals(new long[] {-1, -2, 2, 255, 256, 0}, Tensors.longs(i32));
    }

    @Test
    void boolReadsAsZeroOneAndWritesNonzero() {
        Strided x = Tensors.vector(DType.FLOAT64, 0, -0.0, 0.1, Double.NaN, -3);
        Strided b = Tensors.empty(DType.BOOL, 5);
        CPU.copy(x, b);
        assertArrayEquals(new long[] {0, 0, 1, 1, 1}, Tensors.longs(b));
        Strided back = Tensors.empty(DType.FLOAT32, 5);
        CPU.copy(b, back);
        assertArrayEquals(new double[] {0, 0, 1, 1, 1}, Tensors.doubles(back));
    }

    @Test
    void halfPrecisionRoundsToNearestEven() {
        // float16 has 11 significant bits: 2049 is a tie between 2048 and 2050 -> even 2048; 2051 -> 2052
        Strided x = Tensors.vector(DType.FLOAT32, 2049, 2051, 65504, 70000, 1e-8f, 0.1f);
        Strided h = Tensors.empty(DType.FLOAT16, 6);
        CPU.copy(x, h);
        double[] v = Tensors.doubles(h);
        assertEquals(2048, v[0]);
        assertEquals(2052, v[1]);
        assertEquals(65504, v[2]);
        assertEquals(Double.POSITIVE_INFINITY, v[3]);
        assertEquals(0, v[4]);
        assertEquals(0.0999755859375, v[5]);
        // bfloat16 has 8 significant bits: 257 ties to 256, 259 rounds to 260
        Strided bf = Tensors.empty(DType.BFLOAT16, 3);
        CPU.copy(Tensors.vector(DType.FLOAT32, 257, 259, Float.NaN), bf);
        double[] w = Tensors.doubles(bf);
        assertEquals(256, w[0]);
        assertEquals(260, w[1]);
        assertEquals(Double.NaN, w[2]);
    }

    @Test
    void halfPrecisionRoundTripsExactly() {
        for (DType t : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
            double[] values = {0.5, -1.25, 3.0, 1024, -0.0078125};
            Strided h = Tensors.vector(t, values);
            Strided f = Tensors.empty(DType.FLOAT64, values.length);
            CPU.copy(h, f);
            assertArrayEquals(values, Tensors.doubles(f));
            Strided h2 = Tensors.empty(t, values.length);
            CPU.copy(f, h2);
            assertArrayEquals(values, Tensors.doubles(h2));
        }
    }

    @Test
    void int64CopiesStayExactBeyondTwoToThe53() {
        long big = (1L << 60) + 1;
        Strided x = Tensors.ofLongs(DType.INT64, new long[] {2}, big, -big);
        Strided y = Tensors.empty(DType.INT64, 2, 2);
        CPU.copy(Tensors.view(x, new Layout(new long[] {2, 2}, new long[] {0, 1}, 0)), y);
        assertArrayEquals(new long[] {big, -big, big, -big}, Tensors.longs(y));
        Strided i32 = Tensors.empty(DType.INT32, 2);
        CPU.copy(x, i32);
        assertArrayEquals(new long[] {1, -1}, Tensors.longs(i32));
    }

    @Test
    void stridedCopyMatchesLogicalOrder() {
        Random random = new Random(1);
        for (DType t : new DType[] {DType.FLOAT32, DType.INT16, DType.FLOAT64}) {
            Strided x = Tensors.random(t, random, 3, 4, 5);
            Strided permuted = Tensors.view(x, x.layout().permute(new int[] {2, 0, 1}));
            Strided y = Tensors.empty(DType.FLOAT64, 5, 3, 4);
            CPU.copy(permuted, y);
            double[] xs = Tensors.doubles(x);
            double[] ys = Tensors.doubles(y);
            for (int a = 0; a < 5; a++)
                for (int b = 0; b < 3; b++)
                    for (int c = 0; c < 4; c++) assertEquals(xs[b * 20 + c * 5 + a], ys[a * 12 + b * 4 + c]);
        }
    }

    @Test
    void largeCopiesRunInParallelWithTheSameResult() {
        Strided x = Tensors.random(DType.FLOAT32, new Random(2), 300, 301);
        Strided y = Tensors.empty(DType.FLOAT64, 301, 300);
        CPU.copy(Tensors.view(x, x.layout().transpose(0, 1)), y);
        double[] xs = Tensors.doubles(x);
        double[] ys = Tensors.doubles(y);
        for (int i = 0; i < 300; i++) for (int j = 0; j < 301; j++) assertEquals(xs[i * 301 + j], ys[j * 300 + i]);
    }

    @Test
    void broadcastSourcesAndFillsWriteEveryElementOfEveryWidth() {
        // odd run lengths leave a tail after the vector loop; a strided destination takes the scalar loop
        for (DType t : new DType[] {DType.UINT8, DType.INT16, DType.FLOAT32, DType.INT32, DType.FLOAT64, DType.INT64}) {
            for (long length : new long[] {1, 7, 16, 37, 1000}) {
                Strided row = Tensors.vector(t, 3, 5, 7);
                Strided expanded = Tensors.view(row, new Layout(new long[] {3, length}, new long[] {1, 0}, 0));
                Strided out = Tensors.empty(t, 3, length);
                CPU.copy(expanded, out);
                double[] values = Tensors.doubles(out);
                for (int r = 0; r < 3; r++) {
                    for (int c = 0; c < length; c++) assertEquals(3 + 2 * r, values[(int) (r * length + c)], t + " length " + length);
                }
                Strided filled = Tensors.empty(t, length, 2);
                CPU.fill(filled, 1);
                CPU.fill(Tensors.view(filled, new Layout(new long[] {length}, new long[] {2}, 1)), 9);
                double[] cells = Tensors.doubles(filled);
                for (int i = 0; i < length; i++) {
                    assertEquals(1, cells[2 * i], t + " length " + length);
                    assertEquals(9, cells[2 * i + 1], t + " length " + length);
                }
            }
        }
    }

    @Test
    void mismatchedShapesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CPU.copy(Tensors.empty(DType.FLOAT32, 2, 3), Tensors.empty(DType.FLOAT32, 3, 2)));
        assertEquals("copy: shapes differ: [2, 3] and [3, 2]", e.getMessage());
    }
}
