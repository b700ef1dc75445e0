package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused softmax kernels against the composed path they replace: values and gradients on
 * random shapes, dims and layouts, special values, and float64 gradchecks of first and second
 * order on shapes that reach the vectorised rows, the lane blocks of a non-innermost dim and
 * their scalar tails.
 */
class SoftmaxTest {

    private static final double INF = Double.POSITIVE_INFINITY;
    private static final double NAN = Double.NaN;

    private static Tensor fused(Tensor x, int dim, boolean log) { return log ? x.logSoftmax(dim) : x.softmax(dim); }

    private static Tensor composed(Tensor x, int dim, boolean log) {
        return Softmax.composed(x, Dimensions.wrap(dim, x.dim()), log);
    }

    /** A random shape of rank 1 to 4; one dim up to 40 long, so that rows, lane blocks and their tails all occur. */
    private static long[] randomShape(Random random) {
        long[] shape = new long[1 + random.nextInt(4)];
        for (int d = 0; d < shape.length; d++) shape[d] = 1 + random.nextInt(7);
        shape[random.nextInt(shape.length)] = 1 + random.nextInt(40);
        return shape;
    }

    private static Tensor randomInput(Random random, DType dtype, long[] shape) {
        long n = Dimensions.numel(shape);
        double[] values = new double[(int) n];
        for (int i = 0; i < values.length; i++) values[i] = random.nextGaussian() * 4;
        return Tensor.of(values, shape).to(dtype);
    }

    /** The gradient of {@code sum(f(x) * w)} in x. */
    private static Tensor gradient(Tensor x, Tensor w, boolean fusedPath, int dim, boolean log, boolean createGraph) {
        Tensor input = x.detach().requiresGrad_(true);
        Tensor y = fusedPath ? fused(input, dim, log) : composed(input, dim, log);
        return Autograd.grad(List.of(y), List.of(input), List.of(w), createGraph, createGraph, false).get(0);
    }

    private static void assertClose(Tensor expected, Tensor actual, double tolerance, String where) {
        assertArrayEquals(expected.shape(), actual.shape(), where);
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            boolean same = Double.compare(e[i], a[i]) == 0 || Math.abs(e[i] - a[i]) <= tolerance * (1 + Math.abs(e[i]));
            assertTrue(same, where + ": element " + i + " expected " + e[i] + ", got " + a[i]);
        }
    }

    @Test
    void fusedKernelsMatchTheComposedPathOnRandomShapesAndDims() {
        Random random = new Random(20240611L);
        for (int c = 0; c < 120; c++) {
            DType dtype = c % 3 == 2 ? DType.FLOAT32 : DType.FLOAT64;
            double tolerance = dtype == DType.FLOAT64 ? 1e-12 : 2e-5;
            long[] shape = randomShape(random);
            int dim = random.nextInt(shape.length) - (random.nextBoolean() ? shape.length : 0);
            boolean log = random.nextBoolean();
            Tensor x = randomInput(random, dtype, shape);
            Tensor w = randomInput(random, dtype, shape);
            String where = "case " + c + ": " + (log ? "logSoftmax" : "softmax") + " of " + dtype + " "
                    + Dimensions.shapeText(shape) + " over dim " + dim;
            assertClose(composed(x, dim, log), fused(x, dim, log), tolerance, where);
            Tensor expected = gradient(x, w, false, dim, log, false);
            assertClose(expected, gradient(x, w, true, dim, log, false), tolerance, where + " (backward kernel)");
            if (dtype == DType.FLOAT64) {
                assertClose(expected, gradient(x, w, true, dim, log, true), tolerance, where + " (composed backward)");
            }
        }
    }

    @Test
    void stridedInputsAndGradientsGiveTheValuesOfTheirContiguousCopies() {
        Random random = new Random(77L);
        Tensor base = randomInput(random, DType.FLOAT64, new long[] {24, 3, 20});
        Tensor[] views = {
            base.transpose(0, 2),                 // [20, 3, 24], every dim strided
            base.narrow(2, 3, 13),                // rows with a gap between them
            base.select(1, 2),                    // [24, 20] with row stride 60
            base.narrow(0, 0, 1).expand(5, 3, 20) // stride 0
        };
        for (Tensor view : views) {
            for (int dim = 0; dim < view.dim(); dim++) {
                for (boolean log : new boolean[] {false, true}) {
                    String where = (log ? "logSoftmax" : "softmax") + " of strides " + java.util.Arrays.toString(view.stride())
                            + " over dim " + dim;
                    assertFalse(view.isContiguous(), where);
                    assertClose(fused(view.contiguous(), dim, log), fused(view, dim, log), 0, where);
                    Tensor w = randomInput(random, DType.FLOAT64, view.shape());
                    Tensor wStrided = w.transpose(0, 1).contiguous().transpose(0, 1);
                    assertClose(gradient(view.contiguous(), w, false, dim, log, false),
                            gradient(view, wStrided, true, dim, log, false), 1e-12, where + " (backward)");
                }
            }
        }
    }

    @Test
    void specialRowsFollowPyTorch() {
        // torch 1.13: a row with NaN, +inf, or only -inf is NaN throughout; -inf entries of an
        // otherwise finite row give probability 0 and log-probability -inf.
        double[] rows = {
            -INF, -INF, -INF,
            1, -INF, 2,
            1, NAN, 2,
            INF, 1, 2,
            INF, INF, 0};
        double[] softmax = {NAN, NAN, NAN, 0.2689414213699951, 0, 0.7310585786300049, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
        double[] logSoftmax = {NAN, NAN, NAN, -1.3132616875182228, -INF, -0.31326168751822286, NAN, NAN, NAN, NAN, NAN, NAN,
            NAN, NAN, NAN};
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double tolerance = dtype == DType.FLOAT32 ? 1e-6 : 1e-15;
            Tensor x = Tensor.of(rows, 5, 3).to(dtype);
            assertClose(Tensor.of(softmax, 5, 3), x.softmax(1), tolerance, dtype + " softmax rows");
            assertClose(Tensor.of(logSoftmax, 5, 3), x.logSoftmax(1), tolerance, dtype + " logSoftmax rows");
            assertClose(Tensor.of(softmax, 5, 3), composed(x, 1, false), tolerance, dtype + " composed softmax");
            assertClose(Tensor.of(logSoftmax, 5, 3), composed(x, 1, true), tolerance, dtype + " composed logSoftmax");
            Tensor columns = x.t().contiguous();
            assertClose(Tensor.of(softmax, 5, 3).t(), columns.softmax(0), tolerance, dtype + " softmax columns");
            assertClose(Tensor.of(logSoftmax, 5, 3).t(), columns.logSoftmax(0), tolerance, dtype + " logSoftmax columns");
        }
    }

    @Test
    void specialValuesInLongRowsAndColumnsMatchTheComposedPath() {
        // 37 and 41 elements: vector lanes plus a tail, in native buffers; specials land in both parts
        Random random = new Random(3L);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (long[] shape : new long[][] {{6, 37}, {3, 41, 20}}) {
                Tensor x = randomInput(random, dtype, shape);
                double[] values = x.toDoubleArray();
                values[2] = -INF;
                values[values.length / 2] = -INF;
                values[values.length - 1] = -INF;
                values[(int) shape[shape.length - 1] + 5] = NAN;
                values[2 * (int) shape[shape.length - 1] + 33] = INF;
                for (int i = 3 * (int) shape[shape.length - 1]; i < 4 * shape[shape.length - 1]; i++) values[i] = -INF;
                Tensor special = Tensor.of(values, shape).to(dtype);
                for (int dim = 0; dim < shape.length; dim++) {
                    for (boolean log : new boolean[] {false, true}) {
                        String where = dtype + " " + (log ? "logSoftmax" : "softmax") + " of " + Dimensions.shapeText(shape)
                                + " over dim " + dim;
                        assertClose(composed(special, dim, log), fused(special, dim, log), 2e-6, where);
                    }
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesOnRowsLaneBlocksAndTails() {
        // float64 vectors hold 8 (AVX-512) or 4 lanes: 30 = vector part + tail, inner 9 = a lane block + a scalar column
        Object[][] cases = {{new long[] {3, 30}, 1}, {new long[] {3, 30}, 0}, {new long[] {2, 5, 9}, 1}, {new long[] {2, 5, 9}, -1},
            {new long[] {4}, 0}};
        Random random = new Random(11L);
        for (Object[] c : cases) {
            long[] shape = (long[]) c[0];
            int dim = (int) c[1];
            for (boolean log : new boolean[] {false, true}) {
                Tensor x = randomInput(random, DType.FLOAT64, shape).requiresGrad_(true);
                String where = (log ? "logSoftmax" : "softmax") + " of " + Dimensions.shapeText(shape) + " over dim " + dim;
                assertTrue(GradCheck.check(in -> fused(in.get(0), dim, log), List.of(x)), where);
                assertTrue(GradCheck.checkSecondOrder(in -> fused(in.get(0), dim, log), List.of(x)), where);
            }
        }
        Tensor transposed = randomInput(random, DType.FLOAT64, new long[] {9, 4}).t().requiresGrad_(true);
        assertTrue(GradCheck.checkSecondOrder(in -> in.get(0).logSoftmax(1).mul(in.get(0)), List.of(transposed)));
    }

    @Test
    void fusedOpsRecordOneNodeNamedAsInPyTorch() {
        Tensor x = Tensor.randn(DType.FLOAT64, 2, 3).requiresGrad_(true);
        assertEquals("SoftmaxBackward0", x.softmax(1).gradFn().name());
        assertEquals("LogSoftmaxBackward0", x.logSoftmax(0).gradFn().name());
        assertEquals("SoftmaxBackward0", x.to(DType.FLOAT32).softmax(-1).gradFn().name());
    }

    @Test
    void modifyingTheOutputInPlaceBeforeBackwardIsCaught() {
        Tensor x = Tensor.randn(DType.FLOAT64, 2, 3).requiresGrad_(true);
        Tensor y = x.softmax(1);
        Tensor loss = y.sum();
        y.detach().mul_(2);
        IllegalStateException error = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(error.getMessage().contains("modified by an inplace operation"), error.getMessage());
    }

    @Test
    void scalarsEmptyTensorsAndIntegersBehaveAsBefore() {
        assertEquals(1.0, Tensor.scalar(3.0).softmax(0).item());
        assertEquals(0.0, Tensor.scalar(3.0).logSoftmax(-1).item());
        assertArrayEquals(new long[] {0, 3}, Tensor.zeros(DType.FLOAT32, 0, 3).softmax(1).shape());
        assertArrayEquals(new long[] {2, 0}, Tensor.zeros(DType.FLOAT64, 2, 0).logSoftmax(1).shape());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new long[] {1, 2}, 2).softmax(0));
        assertEquals("softmax(): expected a floating point input, got int64", error.getMessage());
        error = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new long[] {1, 2}, 2).logSoftmax(0));
        assertEquals("log_softmax(): expected a floating point input, got int64", error.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.randn(2, 3).softmax(2));
    }

    @Test
    void float16TakesTheComposedPath() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor half = x.to(DType.FLOAT16).softmax(1);
        assertEquals(DType.FLOAT16, half.dtype());
        assertClose(x.softmax(1), half.to(DType.FLOAT64), 1e-3, "float16 softmax");
    }
}
