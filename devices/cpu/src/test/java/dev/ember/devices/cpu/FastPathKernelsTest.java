package dev.ember.devices.cpu;

import static dev.ember.devices.cpu.Tensors.CPU;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.devices.BinaryOp;
import dev.ember.devices.DType;
import dev.ember.devices.Strided;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast paths added for training speed, each checked against a slower path or a definition:
 * threshold_backward, vectorised comparisons, masked tails, max-pool backward, the in-plane
 * max-pool and im2col/col2im loops, and the pool-split GEMM.
 */
class FastPathKernelsTest {

    private static final BinaryOp[] PREDICATES = {BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT, BinaryOp.GE,
        BinaryOp.LOGICAL_AND, BinaryOp.LOGICAL_OR, BinaryOp.LOGICAL_XOR};

    /** Random values rounded to halves, with zeros, ties and a few NaNs, in a native buffer when large. */
    private static Strided values(DType t, Random random, long rows, long cols) {
        Strided s = Tensors.empty(t, rows, cols);
        MemorySegment seg = ((CpuBuffer) s.buffer()).segment();
        for (long i = 0; i < s.numel(); i++) {
            double v = random.nextInt(50) == 0 ? Double.NaN : Math.rint(random.nextGaussian() * 4) / 2;
            Elements.setDouble(seg, t, i, v);
        }
        return s;
    }

    @Test
    void thresholdBackwardPassesTheGradientWhereTheInputIsPositiveOrNaN() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Strided grad = Tensors.vector(t, 1, 2, 3, 4, 5, 6);
            Strided input = Tensors.vector(t, -1, 0, 2, Double.NaN, 0.5, -0.0);
            Strided out = Tensors.empty(t, 6);
            CPU.binary(BinaryOp.THRESHOLD_BACKWARD, grad, input, out);
            assertArrayEquals(new double[] {0, 0, 3, 4, 5, 0}, Tensors.doubles(out), 0.0, t.toString());
        }
        Strided grad = Tensors.ofLongs(DType.INT64, new long[] {3}, 7, 8, 9);
        Strided input = Tensors.ofLongs(DType.INT64, new long[] {3}, 1, 0, -2);
        Strided out = Tensors.empty(DType.INT64, 3);
        CPU.binary(BinaryOp.THRESHOLD_BACKWARD, grad, input, out);
        assertArrayEquals(new long[] {7, 0, 0}, Tensors.longs(out));
    }

    @Test
    void tanhAndSigmoidBackwardScaleTheGradientByTheirDerivativeInTheOutput() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16}) {
            Strided grad = Tensors.vector(t, 2, -4, 1, 0.5);
            Strided output = Tensors.vector(t, 0.5, -0.5, 1, 0.25);
            Strided tanh = Tensors.empty(t, 4);
            Strided sigmoid = Tensors.empty(t, 4);
            CPU.binary(BinaryOp.TANH_BACKWARD, grad, output, tanh);
            CPU.binary(BinaryOp.SIGMOID_BACKWARD, grad, output, sigmoid);
            // g (1 - y²) and g (1 - y) y
            assertArrayEquals(new double[] {1.5, -3, 0, 0.46875}, Tensors.doubles(tanh), 0.0, t.toString());
            assertArrayEquals(new double[] {0.5, 3, 0, 0.09375}, Tensors.doubles(sigmoid), 0.0, t.toString());
        }
    }

    @Test
    void vectorMaskedTailAndStridedPathsAgree() {
        Random random = new Random(3);
        BinaryOp[] ops = {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MAXIMUM, BinaryOp.MINIMUM,
            BinaryOp.THRESHOLD_BACKWARD, BinaryOp.TANH_BACKWARD, BinaryOp.SIGMOID_BACKWARD};
        // widths around the vector length leave every tail length; 300 rows make the buffers native
        for (long cols : new long[] {1, 7, 15, 17, 26, 33, 121}) {
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                Strided a = values(t, random, 300, cols);
                Strided b = values(t, random, 300, cols);
                Strided aT = Tensors.transposedCopy(a);
                Strided bT = Tensors.transposedCopy(b);
                for (BinaryOp op : ops) {
                    Strided fast = Tensors.empty(t, 300, cols);
                    Strided slow = Tensors.empty(t, 300, cols);
                    CPU.binary(op, a, b, fast);
                    CPU.binary(op, aT, bT, slow);
                    assertArrayEquals(Tensors.doubles(slow), Tensors.doubles(fast), 0.0, op + " " + t + " width " + cols);
                }
                // a small heap-backed operand broadcast along the rows (a bias) through the vector path
                Strided bias = Tensors.random(t, random, 1, cols);
                Strided row = Tensors.view(bias, bias.layout().expand(new long[] {300, cols}));
                Strided sum = Tensors.empty(t, 300, cols);
                CPU.binary(BinaryOp.ADD, a, row, sum);
                double[] av = Tensors.doubles(a), bv = Tensors.doubles(bias), sv = Tensors.doubles(sum);
                for (int i = 0; i < sv.length; i++) {
                    double expected = t == DType.FLOAT32 ? (float) (av[i] + bv[(int) (i % cols)]) : av[i] + bv[(int) (i % cols)];
                    assertEquals(expected, sv[i], 0.0, "bias add " + t + " at " + i);
                }
            }
        }
    }

    @Test
    void comparisonsOnVectorAndScalarPathsAgreeIncludingNaN() {
        Random random = new Random(5);
        for (long cols : new long[] {3, 16, 31, 64, 70}) {
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                Strided a = values(t, random, 200, cols);
                Strided b = values(t, random, 200, cols);
                double[] av = Tensors.doubles(a), bv = Tensors.doubles(b);
                Strided aT = Tensors.transposedCopy(a);
                Strided bT = Tensors.transposedCopy(b);
                for (BinaryOp op : PREDICATES) {
                    Strided fast = Tensors.empty(DType.BOOL, 200, cols);
                    Strided slow = Tensors.empty(DType.BOOL, 200, cols);
                    CPU.binary(op, a, b, fast);
                    CPU.binary(op, aT, bT, slow);
                    double[] f = Tensors.doubles(fast);
                    assertArrayEquals(Tensors.doubles(slow), f, 0.0, op + " " + t);
                    for (int i = 0; i < f.length; i++) {
                        assertEquals(expected(op, av[i], bv[i]) ? 1.0 : 0.0, f[i], 0.0, op + " " + t + " at " + i);
                    }
                    // against a broadcast scalar zero, as relu's mask does
                    Strided zero = Tensors.vector(t, 0);
                    Strided zeros = Tensors.view(zero, zero.layout().expand(new long[] {200, cols}));
                    CPU.binary(op, a, zeros, fast);
                    f = Tensors.doubles(fast);
                    for (int i = 0; i < f.length; i++) {
                        assertEquals(expected(op, av[i], 0) ? 1.0 : 0.0, f[i], 0.0, op + " " + t + " vs 0 at " + i);
                    }
                }
            }
        }
    }

    private static boolean expected(BinaryOp op, double x, double y) {
        return switch (op) {
            case EQ -> x == y;
            case NE -> x != y;
            case LT -> x < y;
            case LE -> x <= y;
            case GT -> x > y;
            case GE -> x >= y;
            case LOGICAL_AND -> x != 0 && y != 0;
            case LOGICAL_OR -> x != 0 || y != 0;
            default -> (x != 0) != (y != 0);
        };
    }

    @Test
    void maxPoolBackwardAddsEachGradientAtItsWindowsPosition() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            // overlapping windows may pick the same cell, whose gradients then add up
            Strided grad = Tensors.of(t, new long[] {1, 2, 1, 3}, 1, 2, 4, 10, 20, 40);
            Strided indices = Tensors.ofLongs(DType.INT64, new long[] {1, 2, 1, 3}, 1, 1, 3, 0, 2, 2);
            Strided out = Tensors.of(t, new long[] {1, 2, 1, 4}, 9, 9, 9, 9, 9, 9, 9, 9);
            CPU.maxPoolBackward(grad, indices, out);
            assertArrayEquals(new double[] {0, 3, 0, 4, 10, 0, 60, 0}, Tensors.doubles(out), 0.0, t.toString());
        }
    }

    @Test
    void maxPoolBackwardMatchesTheDefaultScatterAddOnLargeBatches() {
        Random random = new Random(11);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Strided x = Tensors.random(t, random, 8, 16, 12, 12);
            Strided values = Tensors.empty(t, 8, 16, 6, 6);
            Strided indices = Tensors.empty(DType.INT64, 8, 16, 6, 6);
            CPU.maxPool(x, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, values, indices);
            Strided grad = Tensors.random(t, random, 8, 16, 6, 6);
            Strided fast = Tensors.empty(t, 8, 16, 12, 12);
            Strided reference = Tensors.empty(t, 8, 16, 12, 12);
            CPU.maxPoolBackward(grad, indices, fast);
            new dev.ember.devices.Backend() {
                @Override public dev.ember.devices.DeviceType deviceType() { return CPU.deviceType(); }
                @Override public boolean isAvailable() { return true; }
                @Override public String unavailableReason() { return null; }
                @Override public int deviceCount() { return 1; }
                @Override public dev.ember.devices.Buffer allocate(dev.ember.devices.Device d, long n, boolean z) { return CPU.allocate(d, n, z); }
                @Override public long liveBytes() { return 0; }
                @Override public void copyFromHost(MemorySegment h, dev.ember.devices.Buffer b, long o, long n) { }
                @Override public void copyToHost(dev.ember.devices.Buffer b, long o, MemorySegment h, long n) { }
                @Override public void copy(Strided s, Strided d) { CPU.copy(s, d); }
                @Override public void fill(Strided d, double v) { CPU.fill(d, v); }
                @Override public void unary(dev.ember.devices.UnaryOp op, Strided i, Strided o) { }
                @Override public void binary(BinaryOp op, Strided l, Strided r, Strided o) { }
                @Override public void ternary(dev.ember.devices.TernaryOp op, Strided a, Strided b, Strided c, Strided o) { }
                @Override public void reduce(dev.ember.devices.ReduceOp op, Strided i, int[] dims, Strided o) { }
                @Override public void scan(dev.ember.devices.ScanOp op, Strided i, int dim, Strided o) { }
                @Override public void sort(Strided i, int dim, boolean descending, Strided v, Strided ix) { }
                @Override public void matmul(Strided l, Strided r, Strided o) { }
                @Override public void indexSelect(Strided i, int dim, Strided ix, Strided o) { }
                @Override public void indexAdd(Strided tg, int dim, Strided ix, Strided s) { }
                @Override public void gather(Strided i, int dim, Strided ix, Strided o) { }
                @Override public void scatter(Strided tg, int dim, Strided ix, Strided s, boolean acc) { CPU.scatter(tg, dim, ix, s, acc); }
                @Override public void random(dev.ember.devices.RandomOp op, Strided o, long seed, long offset, double a, double b) { }
            }.maxPoolBackward(grad, indices, reference);
            assertArrayEquals(Tensors.doubles(reference), Tensors.doubles(fast), t == DType.FLOAT32 ? 1e-5 : 1e-12, t.toString());
        }
    }

    @Test
    void maxPoolBackwardRejectsIndicesOutsideThePlane() {
        Strided grad = Tensors.of(DType.FLOAT32, new long[] {1, 1, 1, 2}, 1, 2);
        Strided indices = Tensors.ofLongs(DType.INT64, new long[] {1, 1, 1, 2}, 0, 4);
        Strided out = Tensors.empty(DType.FLOAT32, 1, 1, 2, 2);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> CPU.maxPoolBackward(grad, indices, out));
        assertEquals("max_pool_backward: index 4 is out of bounds for an input plane of 4 elements", e.getMessage());
        Strided wrongType = Tensors.of(DType.FLOAT32, new long[] {1, 1, 1, 2}, 0, 1);
        assertThrows(IllegalArgumentException.class, () -> CPU.maxPoolBackward(grad, wrongType, out));
    }

    @Test
    void inPlaneMaxPoolMatchesTheGeneralWindowLoopIncludingNaN() {
        Random random = new Random(13);
        int[][] shapes = {{2, 2, 2, 2}, {3, 3, 1, 1}, {3, 2, 2, 1}, {2, 3, 1, 3}};
        for (int[] kernelAndStride : shapes) {
            int[] k = {kernelAndStride[0], kernelAndStride[1]};
            int[] s = {kernelAndStride[2], kernelAndStride[3]};
            Strided x = values(DType.FLOAT32, random, 3 * 4 * 11, 13);
            Strided x4 = Tensors.view(x, dev.ember.devices.Layout.contiguous(3, 4, 11, 13));
            long oh = (11 - k[0]) / s[0] + 1, ow = (13 - k[1]) / s[1] + 1;
            Strided fast = Tensors.empty(DType.FLOAT32, 3, 4, oh, ow);
            Strided fastIndices = Tensors.empty(DType.INT64, 3, 4, oh, ow);
            CPU.maxPool(x4, k, s, new int[] {0, 0}, new int[] {1, 1}, fast, fastIndices);
            // a transposed (non-dense) input takes the general loop
            Strided xT = Tensors.transposedCopy(x4);
            Strided general = Tensors.empty(DType.FLOAT32, 3, 4, oh, ow);
            Strided generalIndices = Tensors.empty(DType.INT64, 3, 4, oh, ow);
            CPU.maxPool(xT, k, s, new int[] {0, 0}, new int[] {1, 1}, general, generalIndices);
            assertArrayEquals(Tensors.doubles(general), Tensors.doubles(fast), 0.0, java.util.Arrays.toString(kernelAndStride));
            assertArrayEquals(Tensors.longs(generalIndices), Tensors.longs(fastIndices), java.util.Arrays.toString(kernelAndStride));
        }
    }

    @Test
    void floatIm2colAndCol2imMatchTheDoublePaths() {
        Random random = new Random(17);
        int[][] configs = {{3, 3, 1, 1, 0, 0, 1, 1}, {3, 2, 2, 1, 1, 2, 1, 2}, {2, 2, 3, 2, 1, 1, 2, 1}, {1, 1, 1, 1, 0, 0, 1, 1}};
        for (int[] c : configs) {
            int[] k = {c[0], c[1]}, s = {c[2], c[3]}, p = {c[4], c[5]}, d = {c[6], c[7]};
            long h = 9, w = 11;
            long oh = (h + 2L * p[0] - (long) d[0] * (k[0] - 1) - 1) / s[0] + 1;
            long ow = (w + 2L * p[1] - (long) d[1] * (k[1] - 1) - 1) / s[1] + 1;
            Strided x64 = Tensors.random(DType.FLOAT64, random, 2, 3, h, w);
            Strided x32 = Tensors.empty(DType.FLOAT32, 2, 3, h, w);
            CPU.copy(x64, x32);
            Strided x32as64 = Tensors.empty(DType.FLOAT64, 2, 3, h, w);
            CPU.copy(x32, x32as64);
            Strided columns32 = Tensors.empty(DType.FLOAT32, 2, 3L * k[0] * k[1], oh * ow);
            Strided columns64 = Tensors.empty(DType.FLOAT64, 2, 3L * k[0] * k[1], oh * ow);
            CPU.im2col(x32, k, s, p, d, columns32);
            CPU.im2col(x32as64, k, s, p, d, columns64);
            assertArrayEquals(Tensors.doubles(columns64), Tensors.doubles(columns32), 0.0, "im2col " + java.util.Arrays.toString(c));
            Strided image32 = Tensors.empty(DType.FLOAT32, 2, 3, h, w);
            Strided image64 = Tensors.empty(DType.FLOAT64, 2, 3, h, w);
            CPU.col2im(columns32, k, s, p, d, image32);
            CPU.col2im(columns64, k, s, p, d, image64);
            assertArrayEquals(Tensors.doubles(image64), Tensors.doubles(image32), 1e-5, "col2im " + java.util.Arrays.toString(c));
        }
    }

    @Test
    void gemmSplitOverThePoolMatchesANaiveProduct() {
        Random random = new Random(19);
        // large enough to be split: along n (n >= m) and along m, with each operand transposed or not
        long[][] sizes = {{40, 300, 200}, {300, 90, 100}};
        for (long[] mkn : sizes) {
            for (int layout = 0; layout < 4; layout++) {
                long m = mkn[0], k = mkn[1], n = mkn[2];
                Strided a = Tensors.random(DType.FLOAT32, random, 1, m, k);
                Strided b = Tensors.random(DType.FLOAT32, random, 1, k, n);
                if ((layout & 1) != 0) a = Tensors.transposedCopy(a);
                if ((layout & 2) != 0) b = Tensors.transposedCopy(b);
                Strided out = Tensors.empty(DType.FLOAT32, 1, m, n);
                CPU.matmul(a, b, out);
                double[] av = Tensors.doubles(a), bv = Tensors.doubles(b), ov = Tensors.doubles(out);
                for (int i = 0; i < m; i += 7) {
                    for (int j = 0; j < n; j++) {
                        double sum = 0;
                        for (int q = 0; q < k; q++) sum += av[(int) (i * k + q)] * bv[(int) (q * n + j)];
                        assertEquals(sum, ov[(int) (i * n + j)], 1e-3 * Math.max(1, Math.abs(sum)), m + "x" + k + "x" + n + " layout " + layout);
                    }
                }
            }
        }
    }
}
