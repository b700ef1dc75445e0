package dev.ember.devices.cpu;

import static dev.ember.devices.cpu.Tensors.CPU;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.Strided;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConvolutionKernelsTest {

    /** The definition of im2col, one element at a time, for a 2-D input [N, C, H, W]. */
    private static double[] naiveIm2col(double[] x, long n, long c, long h, long w, int[] k, int[] s, int[] p, int[] d) {
        long oh = (h + 2L * p[0] - (long) d[0] * (k[0] - 1) - 1) / s[0] + 1;
        long ow = (w + 2L * p[1] - (long) d[1] * (k[1] - 1) - 1) / s[1] + 1;
        double[] out = new double[(int) (n * c * k[0] * k[1] * oh * ow)];
        int at = 0;
        for (long b = 0; b < n; b++) {
            for (long ch = 0; ch < c; ch++) {
                for (int i = 0; i < k[0]; i++) {
                    for (int j = 0; j < k[1]; j++) {
                        for (long y = 0; y < oh; y++) {
                            for (long z = 0; z < ow; z++) {
                                long ih = y * s[0] - p[0] + (long) i * d[0];
                                long iw = z * s[1] - p[1] + (long) j * d[1];
                                boolean inside = ih >= 0 && ih < h && iw >= 0 && iw < w;
                                out[at++] = inside ? x[(int) (((b * c + ch) * h + ih) * w + iw)] : 0;
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void checkAgainstNaive(DType t, long n, long c, long h, long w, int[] k, int[] s, int[] p, int[] d) {
        Random random = new Random(n * 31 + c * 7 + h + w + k[0] + s[0] * 3 + p[0] * 5 + d[0] * 11);
        Strided x = Tensors.random(t, random, n, c, h, w);
        long oh = (h + 2L * p[0] - (long) d[0] * (k[0] - 1) - 1) / s[0] + 1;
        long ow = (w + 2L * p[1] - (long) d[1] * (k[1] - 1) - 1) / s[1] + 1;
        Strided columns = Tensors.empty(t, n, c * k[0] * k[1], oh * ow);
        CPU.im2col(x, k, s, p, d, columns);
        assertArrayEquals(naiveIm2col(Tensors.doubles(x), n, c, h, w, k, s, p, d), Tensors.doubles(columns), 0.0);
    }

    @Test
    void im2colMatchesItsDefinition() {
        checkAgainstNaive(DType.FLOAT32, 2, 3, 6, 5, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1});
        checkAgainstNaive(DType.FLOAT32, 2, 2, 7, 8, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 2}, new int[] {1, 2});
        checkAgainstNaive(DType.FLOAT64, 1, 3, 5, 5, new int[] {2, 2}, new int[] {3, 2}, new int[] {1, 1}, new int[] {2, 1});
        checkAgainstNaive(DType.FLOAT64, 3, 1, 4, 4, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1});
    }

    @Test
    void im2colReadsStridedInputsAndWritesBatchMajorColumns() {
        Random random = new Random(3);
        Strided stored = Tensors.random(DType.FLOAT32, random, 2, 3, 5, 6);
        Strided x = Tensors.view(stored, stored.layout().transpose(2, 3));   // [2, 3, 6, 5], not contiguous
        Strided contiguous = Tensors.empty(DType.FLOAT32, 2, 3, 6, 5);
        CPU.copy(x, contiguous);
        int[] k = {2, 3}, s = {1, 1}, p = {1, 0}, d = {1, 1};
        Strided expected = Tensors.empty(DType.FLOAT32, 2, 3 * 6, 7 * 3);
        CPU.im2col(contiguous, k, s, p, d, expected);
        // the columns of the whole batch side by side: a [C*K, N, L] buffer seen as [N, C*K, L]
        Strided buffer = Tensors.empty(DType.FLOAT32, 3 * 6, 2, 7 * 3);
        Strided columns = Tensors.view(buffer, buffer.layout().permute(new int[] {1, 0, 2}));
        CPU.im2col(x, k, s, p, d, columns);
        assertArrayEquals(Tensors.doubles(expected), Tensors.doubles(columns), 0.0);
    }

    @Test
    void col2imIsTheAdjointOfIm2col() {
        // <im2col(x), c> == <x, col2im(c)> for every x and c
        Random random = new Random(5);
        int[][] cases = {{3, 3, 1, 1, 0, 0, 1, 1}, {2, 3, 2, 1, 1, 1, 2, 1}, {3, 2, 2, 3, 1, 0, 1, 2}};
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] cs : cases) {
                int[] k = {cs[0], cs[1]}, s = {cs[2], cs[3]}, p = {cs[4], cs[5]}, d = {cs[6], cs[7]};
                long h = 7, w = 8;
                long oh = (h + 2L * p[0] - (long) d[0] * (k[0] - 1) - 1) / s[0] + 1;
                long ow = (w + 2L * p[1] - (long) d[1] * (k[1] - 1) - 1) / s[1] + 1;
                Strided x = Tensors.random(t, random, 2, 3, h, w);
                Strided c = Tensors.random(t, random, 2, 3L * k[0] * k[1], oh * ow);
                Strided columns = Tensors.empty(t, 2, 3L * k[0] * k[1], oh * ow);
                Strided image = Tensors.random(t, random, 2, 3, h, w);   // overwritten, not accumulated into
                CPU.im2col(x, k, s, p, d, columns);
                CPU.col2im(c, k, s, p, d, image);
                double left = dot(Tensors.doubles(columns), Tensors.doubles(c));
                double right = dot(Tensors.doubles(x), Tensors.doubles(image));
                assertEquals(left, right, 1e-3 * Math.max(1, Math.abs(left)));
            }
        }
    }

    @Test
    void oneAndThreeSpatialDimsWork() {
        Strided line = Tensors.of(DType.FLOAT32, new long[] {1, 1, 4}, 1, 2, 3, 4);
        Strided columns = Tensors.empty(DType.FLOAT32, 1, 2, 5);
        CPU.im2col(line, new int[] {2}, new int[] {1}, new int[] {1}, new int[] {1}, columns);
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 1, 2, 3, 4, 0}, Tensors.doubles(columns), 0.0);
        Strided volume = Tensors.of(DType.FLOAT64, new long[] {1, 1, 2, 2, 2}, 1, 2, 3, 4, 5, 6, 7, 8);
        Strided cube = Tensors.empty(DType.FLOAT64, 1, 8, 1);
        CPU.im2col(volume, new int[] {2, 2, 2}, new int[] {1, 1, 1}, new int[] {0, 0, 0}, new int[] {1, 1, 1}, cube);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, Tensors.doubles(cube), 0.0);
        Strided back = Tensors.empty(DType.FLOAT64, 1, 1, 2, 2, 2);
        CPU.col2im(cube, new int[] {2, 2, 2}, new int[] {1, 1, 1}, new int[] {0, 0, 0}, new int[] {1, 1, 1}, back);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, Tensors.doubles(back), 0.0);
    }

    @Test
    void rejectsWrongColumnShapesDtypesAndKernels() {
        Strided x = Tensors.empty(DType.FLOAT32, 1, 2, 4, 4);
        assertThrows(IllegalArgumentException.class, () -> CPU.im2col(x, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, Tensors.empty(DType.FLOAT32, 1, 18, 5)));
        assertThrows(IllegalArgumentException.class, () -> CPU.im2col(x, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, Tensors.empty(DType.FLOAT64, 1, 18, 4)));
        assertThrows(IllegalArgumentException.class, () -> CPU.im2col(x, new int[] {5, 5}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, Tensors.empty(DType.FLOAT32, 1, 50, 1)));
        assertThrows(IllegalArgumentException.class, () -> CPU.im2col(Tensors.empty(DType.INT64, 1, 2, 4, 4), new int[] {3, 3},
                new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, Tensors.empty(DType.INT64, 1, 18, 4)));
        Strided overlapping = new Strided(CpuBuffer.allocate(4L * 18 * 4, true), new Layout(new long[] {1, 18, 4},
                new long[] {0, 1, 1}, 0), DType.FLOAT32);
        assertThrows(IllegalArgumentException.class, () -> CPU.im2col(x, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, overlapping));
    }

    @Test
    void combinedConvolutionBackwardNamesBadOperands() {
        org.junit.jupiter.api.Assumptions.assumeTrue(CPU.hasConvolutionBiasGradient(DType.FLOAT32), "oneDNN is not available");
        int[] one = {1, 1}, zero = {0, 0};
        Strided input = Tensors.empty(DType.FLOAT32, 2, 3, 6, 6);
        Strided weight = Tensors.empty(DType.FLOAT32, 4, 3, 3, 3);
        Strided gradOutput = Tensors.empty(DType.FLOAT32, 2, 4, 4, 4);
        IllegalArgumentException biasAlone = assertThrows(IllegalArgumentException.class, () -> CPU.convolutionBackward(gradOutput,
                input, weight, one, zero, one, 1, Tensors.empty(DType.FLOAT32, 2, 3, 6, 6), null, Tensors.empty(DType.FLOAT32, 4)));
        assertEquals("convolution_backward: a bias gradient is computed only with the weight gradient", biasAlone.getMessage());
        IllegalArgumentException wrongBias = assertThrows(IllegalArgumentException.class, () -> CPU.convolutionBackward(gradOutput,
                input, weight, one, zero, one, 1, null, Tensors.empty(DType.FLOAT32, 4, 3, 3, 3), Tensors.empty(DType.FLOAT32, 5)));
        assertEquals("convolution_backward: bias gradient of shape [5] does not match 4 output channels", wrongBias.getMessage());
        IllegalArgumentException wrongOutput = assertThrows(IllegalArgumentException.class, () -> CPU.convolutionBackward(
                Tensors.empty(DType.FLOAT32, 2, 4, 5, 5), input, weight, one, zero, one, 1, null,
                Tensors.empty(DType.FLOAT32, 4, 3, 3, 3), null));
        assertEquals("convolution_backward: input [2, 3, 6, 6], weight [4, 3, 3, 3] and output [2, 4, 5, 5] do not match stride"
                + " [1, 1], padding [0, 0], dilation [1, 1] and groups 1", wrongOutput.getMessage());
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) sum += a[i] * b[i];
        return sum;
    }
}
