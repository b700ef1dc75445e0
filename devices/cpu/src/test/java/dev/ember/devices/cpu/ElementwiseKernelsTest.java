package dev.ember.devices.cpu;

import dev.ember.devices.BinaryOp;
import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.Strided;
import dev.ember.devices.TernaryOp;
import dev.ember.devices.UnaryOp;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.ember.devices.cpu.Tensors.CPU;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElementwiseKernelsTest {

    private static double[] unary(UnaryOp op, DType t, double... values) {
        Strided x = Tensors.vector(t, values);
        Strided y = Tensors.empty(op.isPredicate() ? DType.BOOL : t, values.length);
        CPU.unary(op, x, y);
        return Tensors.doubles(y);
    }

    private static double[] binary(BinaryOp op, DType t, double[] a, double[] b) {
        Strided y = Tensors.empty(op.isPredicate() ? DType.BOOL : t, a.length);
        CPU.binary(op, Tensors.vector(t, a), Tensors.vector(t, b), y);
        return Tensors.doubles(y);
    }

    private static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Double.isNaN(expected[i])) {
                assertTrue(Double.isNaN(actual[i]), what + " at " + i + ": expected NaN, got " + actual[i]);
            } else {
                double scale = Math.max(1, Math.abs(expected[i]));
                assertEquals(expected[i], actual[i], tolerance * scale, what + " at " + i);
            }
        }
    }

    @Test
    void vectorAndStridedPathsAgreeOnRandomShapes() {
        Random random = new Random(42);
        UnaryOp[] unaryOps = {UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SQRT, UnaryOp.RELU, UnaryOp.EXP, UnaryOp.TANH,
                UnaryOp.SIGMOID, UnaryOp.LOG, UnaryOp.SQUARE, UnaryOp.SIN};
        BinaryOp[] binaryOps = {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MAXIMUM, BinaryOp.MINIMUM};
        for (int trial = 0; trial < 30; trial++) {
            long rows = 1 + random.nextInt(40);
            long cols = 1 + random.nextInt(70);
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                double tolerance = t == DType.FLOAT32 ? 2e-6 : 1e-14;
                Strided a = Tensors.random(t, random, rows, cols);
                Strided b = Tensors.random(t, random, rows, cols);
                Strided aT = Tensors.transposedCopy(a);
                Strided bT = Tensors.transposedCopy(b);
                for (UnaryOp op : unaryOps) {
                    Strided fast = Tensors.empty(t, rows, cols);
                    Strided slow = Tensors.empty(t, rows, cols);
                    CPU.unary(op, a, fast);
                    CPU.unary(op, aT, slow);
                    assertClose(Tensors.doubles(slow), Tensors.doubles(fast), tolerance, op + " " + t);
                }
                for (BinaryOp op : binaryOps) {
                    Strided fast = Tensors.empty(t, rows, cols);
                    Strided slow = Tensors.empty(t, rows, cols);
                    CPU.binary(op, a, b, fast);
                    CPU.binary(op, aT, bT, slow);
                    assertClose(Tensors.doubles(slow), Tensors.doubles(fast), 0, op + " " + t);
                    // a broadcast scalar on the right (stride 0) through the vector path
                    Strided scalar = Tensors.vector(t, 1.5);
                    Strided expanded = Tensors.view(scalar, scalar.layout().expand(new long[] {rows, cols}));
                    CPU.binary(op, a, expanded, fast);
                    double[] as = Tensors.doubles(a);
                    double[] expected = new double[as.length];
                    for (int i = 0; i < as.length; i++) expected[i] = reference(op, as[i], 1.5, t);
                    assertClose(expected, Tensors.doubles(fast), 0, op + " scalar " + t);
                }
            }
        }
    }

    private static double reference(BinaryOp op, double x, double y, DType t) {
        double r = switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MAXIMUM -> Math.max(x, y);
            default -> Math.min(x, y);
        };
        return t == DType.FLOAT32 ? (float) r : r;
    }

    @Test
    void largeBroadcastOperandsRunInParallel() {
        Random random = new Random(3);
        Strided a = Tensors.random(DType.FLOAT32, random, 300, 257);
        Strided row = Tensors.random(DType.FLOAT32, random, 257);
        Strided rowExpanded = Tensors.view(row, row.layout().expand(new long[] {300, 257}));
        Strided out = Tensors.empty(DType.FLOAT32, 300, 257);
        CPU.binary(BinaryOp.MUL, a, rowExpanded, out);
        double[] as = Tensors.doubles(a), rs = Tensors.doubles(row), os = Tensors.doubles(out);
        for (int i = 0; i < os.length; i++) assertEquals((float) (as[i] * rs[i % 257]), os[i], 0);
    }

    @Test
    void inPlaceOutputMayBeTheFirstInput() {
        Strided a = Tensors.vector(DType.FLOAT32, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17);
        CPU.binary(BinaryOp.ADD, a, a, a);
        assertEquals(34, Tensors.doubles(a)[16]);
        assertEquals(2, Tensors.doubles(a)[0]);
    }

    @Test
    void nanPropagatesThroughMaximumMinimumAndRelu() {
        double nan = Double.NaN;
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16}) {
            double[] a = {nan, 1, 2, nan, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
            double[] b = {1, nan, 1, nan, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, nan};
            double[] max = binary(BinaryOp.MAXIMUM, t, a, b);
            double[] min = binary(BinaryOp.MINIMUM, t, a, b);
            for (int i : new int[] {0, 1, 3, 16}) {
                assertTrue(Double.isNaN(max[i]), t + " max " + i);
                assertTrue(Double.isNaN(min[i]), t + " min " + i);
            }
            assertEquals(2, max[2]);
            assertEquals(1, min[2]);
            double[] relu = unary(UnaryOp.RELU, t, nan, -1, 2, nan, -3, 4, 5, 6, 7, nan);
            assertTrue(Double.isNaN(relu[0]) && Double.isNaN(relu[3]) && Double.isNaN(relu[9]));
            assertEquals(0, relu[1]);
            assertEquals(2, relu[2]);
        }
    }

    @Test
    void remainderFmodAndFloorDivideFollowPyTorch() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.INT32}) {
            double[] a = {7, -7, 7, -7};
            double[] b = {3, 3, -3, -3};
            assertArrayEquals(new double[] {1, 2, -2, -1}, binary(BinaryOp.REMAINDER, t, a, b), "remainder " + t);
            assertArrayEquals(new double[] {1, -1, 1, -1}, binary(BinaryOp.FMOD, t, a, b), "fmod " + t);
            assertArrayEquals(new double[] {2, -3, -3, 2}, binary(BinaryOp.FLOOR_DIVIDE, t, a, b), "floor_divide " + t);
        }
        assertArrayEquals(new double[] {2, -2, -2, 2}, binary(BinaryOp.DIV, DType.INT64, new double[] {7, -7, 7, -7}, new double[] {3, 3, -3, -3}));
    }

    @Test
    void integerDivisionByZeroThrows() {
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> binary(BinaryOp.DIV, DType.INT32, new double[] {1, 2}, new double[] {1, 0}));
        assertTrue(e.getMessage().contains("ZeroDivisionError"));
        assertThrows(ArithmeticException.class, () -> binary(BinaryOp.REMAINDER, DType.INT64, new double[] {1}, new double[] {0}));
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY}, binary(BinaryOp.DIV, DType.FLOAT32, new double[] {1}, new double[] {0}));
    }

    @Test
    void integerArithmeticIsExactBeyondTwoToThe53() {
        long big = (1L << 55) + 3;
        Strided a = Tensors.ofLongs(DType.INT64, new long[] {3}, big, big, big);
        Strided b = Tensors.ofLongs(DType.INT64, new long[] {3}, 1, 2, 3);
        Strided out = Tensors.empty(DType.INT64, 3);
        CPU.binary(BinaryOp.ADD, a, b, out);
        assertArrayEquals(new long[] {big + 1, big + 2, big + 3}, Tensors.longs(out));
        CPU.binary(BinaryOp.MUL, a, b, out);
        assertArrayEquals(new long[] {big, 2 * big, 3 * big}, Tensors.longs(out));
        CPU.binary(BinaryOp.POW, b, b, out);
        assertArrayEquals(new long[] {1, 4, 27}, Tensors.longs(out));
        CPU.binary(BinaryOp.MAXIMUM, a, b, out);
        assertArrayEquals(new long[] {big, big, big}, Tensors.longs(out));
        Strided power = Tensors.ofLongs(DType.INT64, new long[] {1}, 3);
        Strided exponent = Tensors.ofLongs(DType.INT64, new long[] {1}, 39);
        Strided result = Tensors.empty(DType.INT64, 1);
        CPU.binary(BinaryOp.POW, power, exponent, result);
        assertEquals(4052555153018976267L, Tensors.longs(result)[0]);
    }

    @Test
    void integerPowerToANegativeExponentThrows() {
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> binary(BinaryOp.POW, DType.INT32, new double[] {2}, new double[] {-1}));
        assertEquals("Integers to negative integer powers are not allowed.", e.getMessage());
    }

    @Test
    void smallIntegersWrapLikeC() {
        assertArrayEquals(new double[] {-128, 0}, binary(BinaryOp.ADD, DType.INT8, new double[] {127, 255}, new double[] {1, 1}));
        assertArrayEquals(new double[] {0, 255}, binary(BinaryOp.ADD, DType.UINT8, new double[] {255, 0}, new double[] {1, 255}));
        assertArrayEquals(new double[] {1, 1, 0}, binary(BinaryOp.ADD, DType.BOOL, new double[] {1, 1, 0}, new double[] {1, 0, 0}));
    }

    @Test
    void comparisonsAndLogicalOpsWriteBool() {
        double nan = Double.NaN;
        double[] a = {1, 2, 3, nan};
        double[] b = {2, 2, 2, nan};
        assertArrayEquals(new double[] {1, 0, 0, 0}, binary(BinaryOp.LT, DType.FLOAT32, a, b));
        assertArrayEquals(new double[] {1, 1, 0, 0}, binary(BinaryOp.LE, DType.FLOAT64, a, b));
        assertArrayEquals(new double[] {0, 1, 0, 0}, binary(BinaryOp.EQ, DType.FLOAT16, a, b));
        assertArrayEquals(new double[] {1, 0, 1, 1}, binary(BinaryOp.NE, DType.FLOAT32, a, b));
        assertArrayEquals(new double[] {0, 0, 1, 0}, binary(BinaryOp.GT, DType.INT32, new double[] {1, 2, 3, 0}, new double[] {2, 2, 2, 0}));
        assertArrayEquals(new double[] {0, 1, 1, 1}, binary(BinaryOp.LOGICAL_AND, DType.FLOAT32, new double[] {0, 2, -1, nan}, new double[] {1, 1, 1, 1}));
        assertArrayEquals(new double[] {1, 0, 0}, binary(BinaryOp.LOGICAL_XOR, DType.INT64, new double[] {0, 3, 0}, new double[] {5, 7, 0}));
        assertArrayEquals(new double[] {1, 0, 1}, unary(UnaryOp.LOGICAL_NOT, DType.INT16, 0, 4, 0));
        assertArrayEquals(new double[] {0, 1, 0, 0}, unary(UnaryOp.ISNAN, DType.FLOAT32, 1, nan, Double.POSITIVE_INFINITY, 0));
        assertArrayEquals(new double[] {0, 0, 1, 0}, unary(UnaryOp.ISINF, DType.FLOAT64, 1, nan, Double.NEGATIVE_INFINITY, 0));
        assertArrayEquals(new double[] {1, 0, 0, 1}, unary(UnaryOp.ISFINITE, DType.FLOAT64, 1, nan, Double.NEGATIVE_INFINITY, 0));
    }

    @Test
    void bitwiseOpsOnIntegersAndBool() {
        assertArrayEquals(new double[] {4, 7, 3}, binary(BinaryOp.BITWISE_AND, DType.INT32, new double[] {12, 7, 3}, new double[] {6, 15, 7}));
        assertArrayEquals(new double[] {14, 15, 7}, binary(BinaryOp.BITWISE_OR, DType.INT32, new double[] {12, 7, 3}, new double[] {6, 15, 7}));
        assertArrayEquals(new double[] {-1, -8}, unary(UnaryOp.BITWISE_NOT, DType.INT64, 0, 7));
        assertArrayEquals(new double[] {1, 0}, unary(UnaryOp.BITWISE_NOT, DType.BOOL, 0, 1));
        assertArrayEquals(new double[] {255, 248}, unary(UnaryOp.BITWISE_NOT, DType.UINT8, 0, 7));
        assertThrows(IllegalArgumentException.class, () -> unary(UnaryOp.BITWISE_NOT, DType.FLOAT32, 1));
        assertThrows(IllegalArgumentException.class,
                () -> binary(BinaryOp.BITWISE_XOR, DType.FLOAT64, new double[] {1}, new double[] {1}));
    }

    @Test
    void unaryOpsMatchPyTorchValues() {
        double nan = Double.NaN;
        assertArrayEquals(new double[] {2, 2, -2, 0, 4, -4}, unary(UnaryOp.ROUND, DType.FLOAT64, 2.5, 1.5, -2.5, 0.4, 3.5, -3.5));
        assertArrayEquals(new double[] {1, -1, 0, 0}, unary(UnaryOp.SIGN, DType.FLOAT32, 3, -0.5, 0, nan));
        assertArrayEquals(new double[] {1, -1, 0}, unary(UnaryOp.SIGN, DType.INT32, 3, -7, 0));
        assertArrayEquals(new double[] {2, -2}, unary(UnaryOp.TRUNC, DType.FLOAT32, 2.7, -2.7));
        assertArrayEquals(new double[] {3, 10, -1}, unary(UnaryOp.LOG2, DType.FLOAT64, 8, 1024, 0.5));
        assertArrayEquals(new double[] {1, 0, 0.5}, unary(UnaryOp.SIGMOID, DType.FLOAT64, 1000, -1000, 0));
        assertArrayEquals(new double[] {1, 0, 0.5}, unary(UnaryOp.SIGMOID, DType.FLOAT32, 1000, -1000, 0));
        double[] s = unary(UnaryOp.SIGMOID, DType.FLOAT64, -800, 40);
        assertEquals(0, s[0]);
        assertEquals(1, s[1], 1e-16);
        assertClose(new double[] {0.881373587019543, 1.3169578969248166, 0.5493061443340549},
                new double[] {unary(UnaryOp.ASINH, DType.FLOAT64, 1)[0], unary(UnaryOp.ACOSH, DType.FLOAT64, 2)[0],
                        unary(UnaryOp.ATANH, DType.FLOAT64, 0.5)[0]}, 1e-15, "inverse hyperbolic");
        assertArrayEquals(new double[] {0.5, 0.25}, unary(UnaryOp.RSQRT, DType.FLOAT32, 4, 16));
        assertArrayEquals(new double[] {-4, 9}, unary(UnaryOp.NEG, DType.INT8, 4, -9));
        assertArrayEquals(new double[] {16, 81}, unary(UnaryOp.SQUARE, DType.INT16, 4, -9));
    }

    @Test
    void ternaryWhereLerpClamp() {
        Strided cond = Tensors.vector(DType.BOOL, 1, 0, 1);
        Strided a = Tensors.vector(DType.INT64, 1, 2, 3);
        Strided b = Tensors.vector(DType.INT64, 10, 20, 30);
        Strided out = Tensors.empty(DType.INT64, 3);
        CPU.ternary(TernaryOp.WHERE, cond, a, b, out);
        assertArrayEquals(new long[] {1, 20, 3}, Tensors.longs(out));

        Strided x = Tensors.vector(DType.FLOAT32, 0, 10, Float.NaN);
        Strided y = Tensors.vector(DType.FLOAT32, 10, 20, 1);
        Strided w = Tensors.vector(DType.FLOAT32, 0.5f, 0.25f, 0.5f);
        Strided r = Tensors.empty(DType.FLOAT32, 3);
        CPU.ternary(TernaryOp.LERP, x, y, w, r);
        assertArrayEquals(new double[] {5, 12.5, Double.NaN}, Tensors.doubles(r));

        Strided lo = Tensors.vector(DType.FLOAT64, 0);
        Strided hi = Tensors.vector(DType.FLOAT64, 1);
        Strided v = Tensors.vector(DType.FLOAT64, -1, 0.5, 2, Double.NaN);
        Strided clamped = Tensors.empty(DType.FLOAT64, 4);
        CPU.ternary(TernaryOp.CLAMP, v, Tensors.view(lo, lo.layout().expand(new long[] {4})),
                Tensors.view(hi, hi.layout().expand(new long[] {4})), clamped);
        assertArrayEquals(new double[] {0, 0.5, 1, Double.NaN}, Tensors.doubles(clamped));
        assertThrows(IllegalArgumentException.class, () -> CPU.ternary(TernaryOp.WHERE, a, a, b, out));
    }

    @Test
    void badOperandsGiveMessagesNamingShapesAndDtypes() {
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> CPU.binary(BinaryOp.ADD,
                Tensors.empty(DType.FLOAT32, 2, 3), Tensors.empty(DType.FLOAT32, 3, 2), Tensors.empty(DType.FLOAT32, 2, 3)));
        assertTrue(shape.getMessage().contains("[2, 3]") && shape.getMessage().contains("[3, 2]"), shape.getMessage());
        IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class, () -> CPU.binary(BinaryOp.ADD,
                Tensors.empty(DType.FLOAT32, 2), Tensors.empty(DType.INT64, 2), Tensors.empty(DType.FLOAT32, 2)));
        assertTrue(dtype.getMessage().contains("float32") && dtype.getMessage().contains("int64"), dtype.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CPU.binary(BinaryOp.LT,
                Tensors.empty(DType.FLOAT32, 2), Tensors.empty(DType.FLOAT32, 2), Tensors.empty(DType.FLOAT32, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> CPU.unary(UnaryOp.EXP, Tensors.empty(DType.FLOAT32, 2), Tensors.empty(DType.FLOAT64, 2)));
    }

    @Test
    void zeroSizedAndScalarOperandsWork() {
        Strided empty = Tensors.empty(DType.FLOAT32, 0, 3);
        CPU.unary(UnaryOp.EXP, empty, Tensors.empty(DType.FLOAT32, 0, 3));
        Strided scalar = Tensors.of(DType.FLOAT64, new long[0], 2);
        Strided out = Tensors.empty(DType.FLOAT64);
        CPU.binary(BinaryOp.MUL, scalar, scalar, out);
        assertArrayEquals(new double[] {4}, Tensors.doubles(out));
        Strided strided = Tensors.view(Tensors.vector(DType.FLOAT32, 1, 2, 3, 4, 5, 6), new Layout(new long[] {3}, new long[] {2}, 1));
        Strided r = Tensors.empty(DType.FLOAT32, 3);
        CPU.unary(UnaryOp.SQUARE, strided, r);
        assertArrayEquals(new double[] {4, 16, 36}, Tensors.doubles(r));
    }
}
