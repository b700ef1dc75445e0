package dev.ember.devices.cpu;

import static dev.ember.devices.cpu.Tensors.CPU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.Strided;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused LSTM cell kernels against the formulas computed here in double, for hidden sizes
 * around the vector widths (masked tails), small heap-backed and large native buffers, views at
 * an offset into a larger buffer (a step of a sequence), and both dtypes.
 */
class LstmKernelsTest {

    /** {rows, hidden units}: heap-backed (at most 512 bytes each) and native, tails of several lengths. */
    private static final long[][] SHAPES = {{1, 1}, {2, 3}, {3, 5}, {2, 16}, {5, 17}, {33, 70}, {8, 256}, {4, 129}};

    private static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }

    /** {gates, cell, hidden} by the definition. */
    private static double[][] forward(double[] zIn, double[] zHidden, double[] cPrev, int rows, int units) {
        double[] gates = new double[rows * 4 * units], cell = new double[rows * units], hidden = new double[rows * units];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < units; j++) {
                int g0 = r * 4 * units + j;
                double i = sigmoid(zIn[g0] + zHidden[g0]);
                double f = sigmoid(zIn[g0 + units] + zHidden[g0 + units]);
                double g = Math.tanh(zIn[g0 + 2 * units] + zHidden[g0 + 2 * units]);
                double o = sigmoid(zIn[g0 + 3 * units] + zHidden[g0 + 3 * units]);
                gates[g0] = i;
                gates[g0 + units] = f;
                gates[g0 + 2 * units] = g;
                gates[g0 + 3 * units] = o;
                int at = r * units + j;
                cell[at] = f * cPrev[at] + i * g;
                hidden[at] = o * Math.tanh(cell[at]);
            }
        }
        return new double[][] {gates, cell, hidden};
    }

    /** {gradGates, gradCellPrevious} by differentiating the definition by hand. */
    private static double[][] backward(double[] gates, double[] cPrev, double[] cell, double[] dh, double[] dhExtra, double[] dcNext,
                                       int rows, int units) {
        double[] gradGates = new double[gates.length], gradPrev = new double[cell.length];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < units; j++) {
                int g0 = r * 4 * units + j, at = r * units + j;
                double i = gates[g0], f = gates[g0 + units], g = gates[g0 + 2 * units], o = gates[g0 + 3 * units];
                double t = Math.tanh(cell[at]);
                double gh = dh[at] + (dhExtra == null ? 0 : dhExtra[at]);
                double gc = dcNext[at] + gh * o * (1 - t * t);
                gradGates[g0] = gc * g * i * (1 - i);
                gradGates[g0 + units] = gc * cPrev[at] * f * (1 - f);
                gradGates[g0 + 2 * units] = gc * i * (1 - g * g);
                gradGates[g0 + 3 * units] = gh * t * o * (1 - o);
                gradPrev[at] = gc * f;
            }
        }
        return new double[][] {gradGates, gradPrev};
    }

    /** Step 1 of a two-step buffer: the operand sits at an offset, as a step of a sequence does. */
    private static Strided secondStep(DType dtype, Random random, long rows, long columns) {
        Strided whole = Tensors.random(dtype, random, 2, rows, columns);
        return Tensors.view(whole, new Layout(new long[] {rows, columns}, new long[] {columns, 1}, rows * columns));
    }

    private static void assertClose(double[] expected, Strided actual, double tolerance, String what) {
        double[] values = Tensors.doubles(actual);
        assertEquals(expected.length, values.length, what);
        for (int k = 0; k < expected.length; k++) {
            double scale = Math.max(1, Math.abs(expected[k]));
            assertTrue(Math.abs(expected[k] - values[k]) <= tolerance * scale,
                    what + "[" + k + "]: expected " + expected[k] + ", got " + values[k]);
        }
    }

    @Test
    void forwardAndBackwardMatchTheDefinition() {
        Random random = new Random(11);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double tolerance = dtype == DType.FLOAT32 ? 2e-6 : 1e-13;
            for (long[] shape : SHAPES) {
                for (boolean extra : new boolean[] {false, true}) {
                    long rows = shape[0], units = shape[1];
                    String at = dtype + " " + rows + "x" + units + (extra ? " with extra gradient" : "") + ": ";
                    Strided zIn = secondStep(dtype, random, rows, 4 * units);
                    Strided zHidden = Tensors.random(dtype, random, rows, 4 * units);
                    Strided cPrev = secondStep(dtype, random, rows, units);
                    Strided gates = secondStep(dtype, random, rows, 4 * units);
                    Strided cell = secondStep(dtype, random, rows, units);
                    Strided hidden = secondStep(dtype, random, rows, units);
                    CPU.lstmCell(zIn, zHidden, cPrev, gates, cell, hidden);
                    double[][] expected = forward(Tensors.doubles(zIn), Tensors.doubles(zHidden), Tensors.doubles(cPrev),
                            (int) rows, (int) units);
                    assertClose(expected[0], gates, tolerance, at + "gates");
                    assertClose(expected[1], cell, tolerance * 4, at + "cell");
                    assertClose(expected[2], hidden, tolerance * 4, at + "hidden");

                    Strided dh = secondStep(dtype, random, rows, units);
                    Strided dhExtra = extra ? Tensors.random(dtype, random, rows, units) : null;
                    Strided dc = secondStep(dtype, random, rows, units);
                    Strided gradGates = secondStep(dtype, random, rows, 4 * units);
                    double[] dcBefore = Tensors.doubles(dc);
                    double[][] expectedBackward = backward(Tensors.doubles(gates), Tensors.doubles(cPrev), Tensors.doubles(cell),
                            Tensors.doubles(dh), extra ? Tensors.doubles(dhExtra) : null, dcBefore, (int) rows, (int) units);
                    CPU.lstmCellBackward(gates, cPrev, cell, dh, dhExtra, dc, gradGates);
                    assertClose(expectedBackward[0], gradGates, tolerance * 40, at + "gradGates");
                    assertClose(expectedBackward[1], dc, tolerance * 40, at + "gradCell");
                }
            }
        }
    }

    @Test
    void largeInputsSaturateWithoutNaN() {
        double[] z = {100, -100, 100, -100, 1e30, -1e30, 50, -50};
        Strided zIn = Tensors.of(DType.FLOAT32, new long[] {2, 4}, z);
        Strided zero = Tensors.empty(DType.FLOAT32, 2, 4);
        CPU.copy(Tensors.of(DType.FLOAT32, new long[] {2, 4}, new double[8]), zero);
        Strided cPrev = Tensors.of(DType.FLOAT32, new long[] {2, 1}, 2, -2);
        Strided gates = Tensors.empty(DType.FLOAT32, 2, 4);
        Strided cell = Tensors.empty(DType.FLOAT32, 2, 1);
        Strided hidden = Tensors.empty(DType.FLOAT32, 2, 1);
        CPU.lstmCell(zIn, zero, cPrev, gates, cell, hidden);
        // row 0: i = 1, f = 0, g = 1, o = 0; row 1: i = 1, f = 0, g = 1, o = 0
        assertClose(new double[] {1, 0, 1, 0, 1, 0, 1, 0}, gates, 1e-6, "gates");
        assertClose(new double[] {1, 1}, cell, 1e-6, "cell");
        assertClose(new double[] {0, 0}, hidden, 1e-6, "hidden");
    }

    @Test
    void badOperandsAreReportedBeforeAnyMemoryIsTouched() {
        Strided gates = Tensors.empty(DType.FLOAT32, 2, 8);
        Strided state = Tensors.empty(DType.FLOAT32, 2, 2);
        IllegalArgumentException wrongWidth = assertThrows(IllegalArgumentException.class,
                () -> CPU.lstmCell(gates, gates, Tensors.empty(DType.FLOAT32, 2, 3), gates, state, state));
        assertEquals("lstm_cell: expected a contiguous cellPrevious of shape [2, 2], got shape [2, 3] with layout "
                + Tensors.empty(DType.FLOAT32, 2, 3).layout(), wrongWidth.getMessage());
        IllegalArgumentException notFour = assertThrows(IllegalArgumentException.class,
                () -> CPU.lstmCell(Tensors.empty(DType.FLOAT32, 2, 6), gates, state, gates, state, state));
        assertTrue(notFour.getMessage().startsWith("lstm_cell: expected a contiguous inputGates of shape [N, 4*H], got shape [2, 6]"),
                notFour.getMessage());
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> CPU.lstmCellBackward(gates, state, state, Tensors.empty(DType.FLOAT64, 2, 2), null, state, gates));
        assertEquals("lstm_cell_backward: expected gradHidden of dtype float32, got float64", mixed.getMessage());
        IllegalArgumentException integral = assertThrows(IllegalArgumentException.class,
                () -> CPU.lstmCell(Tensors.empty(DType.INT32, 2, 8), gates, state, gates, state, state));
        assertEquals("lstm_cell: expected inputGates of dtype float32 or float64, got int32", integral.getMessage());
        Strided shortBuffer = Tensors.view(Tensors.empty(DType.FLOAT32, 2, 2),
                new Layout(new long[] {2, 2}, new long[] {2, 1}, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> CPU.lstmCell(gates, gates, shortBuffer, gates, state, state));
        assertTrue(CPU.hasLstmCell(DType.FLOAT32) && CPU.hasLstmCell(DType.FLOAT64) && !CPU.hasLstmCell(DType.BFLOAT16));
    }
}
