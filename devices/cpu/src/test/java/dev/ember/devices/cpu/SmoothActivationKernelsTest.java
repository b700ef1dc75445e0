package dev.ember.devices.cpu;

import static dev.ember.devices.cpu.Tensors.CPU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.BinaryOp;
import dev.ember.devices.DType;
import dev.ember.devices.Strided;
import dev.ember.devices.UnaryOp;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The fused GELU (exact and tanh), SiLU and their backward kernels: float64 scalars against
 * high-precision values, the float32 vector code against float64 over a dense grid with the
 * tails and special values, and the vector, masked-tail, heap (scalar) and strided paths
 * against each other.
 */
class SmoothActivationKernelsTest {

    private static final UnaryOp[] FORWARD = {UnaryOp.GELU, UnaryOp.GELU_TANH, UnaryOp.SILU};
    private static final BinaryOp[] BACKWARD = {BinaryOp.GELU_BACKWARD, BinaryOp.GELU_TANH_BACKWARD, BinaryOp.SILU_BACKWARD};

    private static DoubleUnaryOperator reference(UnaryOp op) {
        return switch (op) {
            case GELU -> SmoothActivations::gelu;
            case GELU_TANH -> SmoothActivations::geluTanh;
            default -> SmoothActivations::silu;
        };
    }

    private static DoubleUnaryOperator reference(BinaryOp op) {
        return switch (op) {
            case GELU_BACKWARD -> SmoothActivations::geluDerivative;
            case GELU_TANH_BACKWARD -> SmoothActivations::geluTanhDerivative;
            default -> SmoothActivations::siluDerivative;
        };
    }

    /**
     * Zeros, infinities, NaN, tiny, huge and underflowing inputs, then every multiple of 1/64 in
     * [-10, 10]; the special values come first so that they take the vector loop, not the tail.
     */
    private static double[] grid() {
        double[] special = {0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 1e-30, -1e-30,
            1e-5, -1e-5, 12.5, -12.5, 13.3, -13.3, 14.5, -14.5, 20, -20, 1e20, -1e20, 3e38, -3e38};
        double[] values = new double[special.length + 1281];
        System.arraycopy(special, 0, values, 0, special.length);
        for (int i = 0; i <= 1280; i++) values[special.length + i] = -10 + i / 64.0;
        return values;
    }

    private static double[] forward(UnaryOp op, DType t, double[] x) {
        Strided out = Tensors.empty(t, x.length);
        CPU.unary(op, Tensors.vector(t, x), out);
        return Tensors.doubles(out);
    }

    private static double[] backward(BinaryOp op, DType t, double[] grad, double[] x) {
        Strided out = Tensors.empty(t, x.length);
        CPU.binary(op, Tensors.vector(t, grad), Tensors.vector(t, x), out);
        return Tensors.doubles(out);
    }

    /**
     * Float32 against float64 on the same (float-rounded) inputs: within {@code relative} (1e-6)
     * of the value's magnitude plus 1e-7 absolute (PyTorch's own float32 gelu is only good to
     * ~1e-7 absolute), and NaN exactly where float64 gives NaN.
     */
    private static void assertFloatClose(double[] expected, double[] actual, double relative, String what) {
        assertFloatClose(expected, actual, relative, null, what);
    }

    /** The same, for a backward op: the absolute part scales with the incoming gradient when it exceeds 1. */
    private static void assertFloatClose(double[] expected, double[] actual, double relative, double[] grad, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Double.isNaN(expected[i])) {
                assertTrue(Double.isNaN(actual[i]), what + " at " + i + ": expected NaN, got " + actual[i]);
            } else if (Double.isInfinite(expected[i])) {
                assertEquals(expected[i], actual[i], what + " at " + i);
            } else {
                double error = Math.abs(actual[i] - expected[i]);
                double absolute = 1e-7 * (grad == null ? 1 : Math.max(1, Math.abs(grad[grad.length == 1 ? 0 : i])));
                assertTrue(error <= relative * Math.abs(expected[i]) + absolute,
                        what + " at " + i + ": expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    /** The largest relative error over the inputs in [from, to] whose float64 value is a normal float32 number. */
    private static double maxRelativeError(double[] x, double[] expected, double[] actual, double from, double to) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!(x[i] >= from && x[i] <= to) || !(Math.abs(expected[i]) >= Float.MIN_NORMAL) || Double.isInfinite(expected[i])) continue;
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.abs(expected[i]));
        }
        return worst;
    }

    private static double[] floatRounded(double[] x) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = (float) x[i];
        return r;
    }

    @Test
    void float64ScalarsMatchHighPrecisionValues() {
        // mpmath at 120 digits: x Φ(x) with Φ from erfc, the tanh form and x sigmoid(x), and their derivatives
        double[] x = {-10, -7.5, -5, -3, -1, -0.5, 0.25, 1, 2.5, 6};
        double[][] expected = {
            {-7.6198530241605261e-23, -2.3931687546831722e-13, -1.4332578593959696e-6, -0.0040496940948902836,
                -0.15865525393145705, -0.15426876936299345, 0.14967658142073093, 0.84134474606854295, 2.4844758366855597,
                5.9999999940804741},
            {-7.6184000964648141e-22, -1.7938314830426484e-12, -7.1469460017922946e-6, -0.011945647204183927,
                -0.083315470587686298, 0.13250487534383716, 0.69537335488363603, 1.0833154705876863, 1.0376110859081452,
                1.0000000354687095},
            {-1.204092348209806e-37, -4.0162682175141396e-18, -2.291796196629506e-7, -0.0036373920817730188,
                -0.1588080093917233, -0.15428599017485608, 0.149675350701685, 0.8411919906082767, 2.4849157339100014,
                5.9999999999156035},
            {-2.7576380638540316e-36, -5.4233923005215781e-17, -1.5463619875325946e-6, -0.011584166630969726,
                -0.082964083845782555, 0.13263009646535769, 0.69535409515106043, 1.0829640838457826, 1.0379515762126662,
                1.0000000007709974},
            {-0.00045397868702434395, -0.0041458397769269964, -0.033464254621424278, -0.14227761953270034,
                -0.26894142136999512, -0.18877033439907272, 0.14054412522144953, 0.73105857863000488, 2.3103545499468911,
                5.9851642610601914},
            {-0.00040856020865708232, -0.0035907694083426035, -0.026547432429665919, -0.088104106015169617,
                0.072329488128513268, 0.26003881269734819, 0.62371002157019769, 0.92767051187148673, 1.0994011113415268,
                1.0123264325915255}};
        DoubleUnaryOperator[] functions = {SmoothActivations::gelu, SmoothActivations::geluDerivative,
            SmoothActivations::geluTanh, SmoothActivations::geluTanhDerivative, SmoothActivations::silu,
            SmoothActivations::siluDerivative};
        for (int f = 0; f < functions.length; f++) {
            for (int i = 0; i < x.length; i++) {
                double value = functions[f].applyAsDouble(x[i]);
                assertEquals(expected[f][i], value, 1e-13 * Math.abs(expected[f][i]), "function " + f + " at " + x[i]);
            }
        }
    }

    @Test
    void float32ForwardMatchesFloat64OnADenseGridWithTails() {
        double[] x = floatRounded(grid());
        for (UnaryOp op : FORWARD) {
            double[] expected = forward(op, DType.FLOAT64, x);
            double[] actual = forward(op, DType.FLOAT32, x);
            assertFloatClose(expected, actual, 1e-6, op.toString());
            // no cancellation in the negative tail: relative accuracy holds down to float32 underflow
            // (the tanh form's argument u reaches ~90 there, and its rounding costs ~1e-7 |u|)
            double relative = maxRelativeError(x, expected, actual, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
            assertTrue(relative <= (op == UnaryOp.GELU_TANH ? 1e-5 : 1e-6), op + " relative error " + relative);
        }
    }

    @Test
    void float32BackwardMatchesFloat64OnADenseGridWithTails() {
        double[] x = floatRounded(grid());
        Random random = new Random(5);
        double[] grad = new double[x.length];
        for (int i = 0; i < grad.length; i++) grad[i] = (float) random.nextGaussian();
        for (BinaryOp op : BACKWARD) {
            double[] expected = backward(op, DType.FLOAT64, grad, x);
            double[] actual = backward(op, DType.FLOAT32, grad, x);
            assertFloatClose(expected, actual, 1e-6, grad, op.toString());
            // relative accuracy in the tails too; near the derivative's root (-0.75 for GELU, -1.28 for
            // SiLU) only the absolute bound above holds
            double relative = Math.max(maxRelativeError(x, expected, actual, Double.NEGATIVE_INFINITY, -2),
                    maxRelativeError(x, expected, actual, 0, Double.POSITIVE_INFINITY));
            assertTrue(relative <= 1e-5, op + " relative error " + relative);
        }
    }

    @Test
    void vectorMaskedTailHeapAndStridedPathsAgree() {
        Random random = new Random(11);
        // widths around the vector length leave every tail length; 64 rows make the buffers native,
        // a single short row stays on the heap and takes the scalar loop
        for (long[] shape : new long[][] {{64, 1}, {64, 7}, {64, 15}, {64, 17}, {64, 33}, {1, 20}}) {
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                Strided x = Tensors.random(t, random, shape);
                Strided grad = Tensors.random(t, random, shape);
                Strided xT = Tensors.transposedCopy(x);
                Strided gradT = Tensors.transposedCopy(grad);
                double relative = t == DType.FLOAT32 ? 1e-6 : 1e-14;
                for (UnaryOp op : FORWARD) {
                    Strided fast = Tensors.empty(t, shape);
                    Strided strided = Tensors.empty(t, shape);
                    CPU.unary(op, x, fast);
                    CPU.unary(op, xT, strided);
                    assertFloatClose(Tensors.doubles(strided), Tensors.doubles(fast), relative, op + " " + t + " " + shape[1]);
                }
                for (BinaryOp op : BACKWARD) {
                    Strided fast = Tensors.empty(t, shape);
                    Strided strided = Tensors.empty(t, shape);
                    CPU.binary(op, grad, x, fast);
                    CPU.binary(op, gradT, xT, strided);
                    assertFloatClose(Tensors.doubles(strided), Tensors.doubles(fast), relative, Tensors.doubles(grad),
                            op + " " + t + " " + shape[1]);
                    // a broadcast gradient (stride 0) through the vector loop
                    Strided one = Tensors.vector(t, 2.0);
                    Strided broadcast = Tensors.view(one, one.layout().expand(shape));
                    CPU.binary(op, broadcast, x, fast);
                    double[] xs = Tensors.doubles(x);
                    double[] expected = new double[xs.length];
                    for (int i = 0; i < xs.length; i++) expected[i] = 2 * reference(op).applyAsDouble(xs[i]);
                    assertFloatClose(expected, Tensors.doubles(fast), relative, new double[] {2}, op + " broadcast gradient " + t);
                }
            }
        }
    }

    @Test
    void specialValuesFollowPyTorch() {
        double inf = Double.POSITIVE_INFINITY;
        double[] x = new double[64];
        double[] special = {inf, -inf, Double.NaN, 0.0, -0.0, -100, 100};
        System.arraycopy(special, 0, x, 0, special.length);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (UnaryOp op : FORWARD) {
                double[] y = forward(op, t, x);
                // infinity times a zero probability is NaN, as in PyTorch
                assertEquals(inf, y[0], op + " " + t);
                assertTrue(Double.isNaN(y[1]) && Double.isNaN(y[2]), op + " " + t);
                assertEquals(0.0, y[3], op + " " + t);
                assertEquals(0.0, Math.abs(y[4]), op + " " + t);
                assertEquals(0.0, y[5], 1e-40, op + " " + t);
                assertEquals(100, y[6], 1e-12, op + " " + t);
            }
            double[] ones = new double[64];
            java.util.Arrays.fill(ones, 1);
            for (BinaryOp op : BACKWARD) {
                double[] dy = backward(op, t, ones, x);
                assertTrue(Double.isNaN(dy[0]) && Double.isNaN(dy[1]) && Double.isNaN(dy[2]), op + " " + t);
                assertEquals(0.5, dy[3], op + " " + t);
                assertEquals(0.5, dy[4], op + " " + t);
                assertEquals(0.0, dy[5], 1e-40, op + " " + t);
                assertEquals(1.0, dy[6], 1e-12, op + " " + t);
            }
        }
    }

    @Test
    void integerOperandsAreRejectedWithTheirDtype() {
        Strided ints = Tensors.ofLongs(DType.INT64, new long[] {2}, 1, 2);
        IllegalArgumentException forward = assertThrows(IllegalArgumentException.class,
                () -> CPU.unary(UnaryOp.GELU, ints, Tensors.empty(DType.INT64, 2)));
        assertTrue(forward.getMessage().contains("gelu") && forward.getMessage().contains("int64"), forward.getMessage());
        IllegalArgumentException backward = assertThrows(IllegalArgumentException.class,
                () -> CPU.binary(BinaryOp.SILU_BACKWARD, ints, ints, Tensors.empty(DType.INT64, 2)));
        assertTrue(backward.getMessage().contains("silu_backward"), backward.getMessage());
    }
}
