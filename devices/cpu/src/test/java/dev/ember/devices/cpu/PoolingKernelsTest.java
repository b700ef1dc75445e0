package dev.ember.devices.cpu;

import static dev.ember.devices.cpu.Tensors.CPU;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.devices.Strided;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PoolingKernelsTest {

    @Test
    void maxPoolFindsEachWindowsMaximumAndItsPlanePosition() {
        Strided x = Tensors.of(DType.FLOAT32, new long[] {1, 1, 4, 4},
                1, 5, 2, 0,
                3, 4, 8, 7,
                9, 0, 1, 1,
                2, 6, 1, 3);
        Strided out = Tensors.empty(DType.FLOAT32, 1, 1, 2, 2);
        Strided indices = Tensors.empty(DType.INT64, 1, 1, 2, 2);
        CPU.maxPool(x, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, out, indices);
        assertArrayEquals(new double[] {5, 8, 9, 3}, Tensors.doubles(out), 0.0);
        assertArrayEquals(new long[] {1, 6, 8, 15}, Tensors.longs(indices));
    }

    /** The definition, for a 2-D input with padding cells skipped. */
    private static void checkAgainstNaive(DType t, int[] k, int[] s, int[] p, int[] d, long oh, long ow) {
        Random random = new Random(k[0] * 13L + s[0] * 7L + p[0] + d[0] * 3L);
        long h = 7, w = 6;
        Strided x = Tensors.random(t, random, 2, 3, h, w);
        double[] xs = Tensors.doubles(x);
        Strided out = Tensors.empty(t, 2, 3, oh, ow);
        Strided indices = Tensors.empty(DType.INT64, 2, 3, oh, ow);
        CPU.maxPool(x, k, s, p, d, out, indices);
        double[] expected = new double[(int) (6 * oh * ow)];
        long[] expectedIndices = new long[expected.length];
        int at = 0;
        for (int plane = 0; plane < 6; plane++) {
            for (long i = 0; i < oh; i++) {
                for (long j = 0; j < ow; j++, at++) {
                    double best = Double.NEGATIVE_INFINITY;
                    long bestIndex = -1;
                    for (int a = 0; a < k[0]; a++) {
                        for (int b = 0; b < k[1]; b++) {
                            long r = i * s[0] - p[0] + (long) a * d[0];
                            long c = j * s[1] - p[1] + (long) b * d[1];
                            if (r < 0 || r >= h || c < 0 || c >= w) continue;
                            double v = xs[(int) (plane * h * w + r * w + c)];
                            if (v > best || bestIndex < 0) {
                                best = v;
                                bestIndex = r * w + c;
                            }
                        }
                    }
                    expected[at] = best;
                    expectedIndices[at] = bestIndex;
                }
            }
        }
        assertArrayEquals(expected, Tensors.doubles(out), 0.0);
        assertArrayEquals(expectedIndices, Tensors.longs(indices));
    }

    @Test
    void maxPoolMatchesItsDefinitionWithPaddingDilationAndCeilSizedOutputs() {
        checkAgainstNaive(DType.FLOAT32, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, 4, 3);
        checkAgainstNaive(DType.FLOAT64, new int[] {2, 3}, new int[] {1, 2}, new int[] {0, 1}, new int[] {2, 1}, 5, 3);
        // ceil mode: one more window that hangs over the right edge
        checkAgainstNaive(DType.FLOAT32, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, 4, 3);
    }

    @Test
    void maxPoolPropagatesNaN() {
        Strided x = Tensors.of(DType.FLOAT64, new long[] {1, 1, 1, 4}, 1, Double.NaN, 3, 2);
        Strided out = Tensors.empty(DType.FLOAT64, 1, 1, 1, 1);
        Strided indices = Tensors.empty(DType.INT64, 1, 1, 1, 1);
        CPU.maxPool(x, new int[] {1, 4}, new int[] {1, 4}, new int[] {0, 0}, new int[] {1, 1}, out, indices);
        assertTrue(Double.isNaN(Tensors.doubles(out)[0]));
        assertArrayEquals(new long[] {1}, Tensors.longs(indices));
    }

    @Test
    void rejectsMismatchedOutputsAndIndexTypes() {
        Strided x = Tensors.empty(DType.FLOAT32, 1, 2, 4, 4);
        assertThrows(IllegalArgumentException.class, () -> CPU.maxPool(x, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                new int[] {1, 1}, Tensors.empty(DType.FLOAT32, 1, 3, 2, 2), Tensors.empty(DType.INT64, 1, 3, 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> CPU.maxPool(x, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                new int[] {1, 1}, Tensors.empty(DType.FLOAT32, 1, 2, 2, 2), Tensors.empty(DType.INT32, 1, 2, 2, 2)));
    }
}
