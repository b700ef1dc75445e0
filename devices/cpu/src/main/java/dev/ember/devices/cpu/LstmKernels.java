package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Strided;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.ember.devices.cpu.Elements.F32;
import static dev.ember.devices.cpu.Elements.F64;

/**
 * The pointwise part of one LSTM step and of its backward, each in one pass over the step's
 * {@code [N, 4H]} gates (PyTorch's order {@code i, f, g, o}) and {@code [N, H]} states, the
 * products with {@code W_hh} being left to GEMM. Forward:
 * {@code i, f, o = sigmoid(.)}, {@code g = tanh(.)} of the summed input and hidden gates,
 * {@code c = f c_prev + i g}, {@code h = o tanh(c)}; the activated gates are kept for backward.
 * Backward, with {@code t = tanh(c)} recomputed and {@code dh} the sum of the gradients given for
 * h: {@code dc = dc_next + dh o (1 - t^2)}, then the pre-activation gradients
 * {@code di = dc g i (1 - i)}, {@code df = dc c_prev f (1 - f)}, {@code dg = dc i (1 - g^2)},
 * {@code do = dh t o (1 - o)}, and {@code dc_prev = dc f} over the given {@code dc_next}.
 * Rows run in parallel; vector lanes run along the hidden units of a row.
 *
 * <pre>{@code
 * LstmKernels.forward(inputGates, hiddenGates, cellPrevious, gates, cell, hidden);
 * LstmKernels.backward(gates, cellPrevious, cell, gradHidden, null, gradCell, gradGates);
 * }</pre>
 */
final class LstmKernels {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final FloatVector ONE_FLOAT = FloatVector.broadcast(FS, 1f);
    private static final DoubleVector ONE_DOUBLE = DoubleVector.broadcast(DS, 1.0);

    /** Element-operations per hidden unit (four exponentials and two tanh), for the parallel split. */
    private static final long COST = 48;

    private LstmKernels() {}

    static boolean supports(DType dtype) { return dtype == DType.FLOAT32 || dtype == DType.FLOAT64; }

    // ---------------------------------------------------------------- checks

    static void checkForward(Strided inputGates, Strided hiddenGates, Strided cellPrevious, Strided gates, Strided cell,
                             Strided hidden) {
        String name = "lstm_cell";
        long[] shape = gatesShape(name, "inputGates", inputGates);
        DType dtype = inputGates.dtype();
        long rows = shape[0];
        long units = shape[1] / 4;
        operand(name, "hiddenGates", hiddenGates, rows, 4 * units, dtype);
        operand(name, "cellPrevious", cellPrevious, rows, units, dtype);
        operand(name, "gates", gates, rows, 4 * units, dtype);
        operand(name, "cell", cell, rows, units, dtype);
        operand(name, "hidden", hidden, rows, units, dtype);
    }

    static void checkBackward(Strided gates, Strided cellPrevious, Strided cell, Strided gradHidden, Strided gradHiddenExtra,
                              Strided gradCell, Strided gradGates) {
        String name = "lstm_cell_backward";
        long[] shape = gatesShape(name, "gates", gates);
        DType dtype = gates.dtype();
        long rows = shape[0];
        long units = shape[1] / 4;
        operand(name, "cellPrevious", cellPrevious, rows, units, dtype);
        operand(name, "cell", cell, rows, units, dtype);
        operand(name, "gradHidden", gradHidden, rows, units, dtype);
        if (gradHiddenExtra != null) operand(name, "gradHiddenExtra", gradHiddenExtra, rows, units, dtype);
        operand(name, "gradCell", gradCell, rows, units, dtype);
        operand(name, "gradGates", gradGates, rows, 4 * units, dtype);
    }

    private static long[] gatesShape(String name, String what, Strided s) {
        if (s == null) throw new IllegalArgumentException(name + ": " + what + " is null");
        OperandChecks.operand(name, s);
        long[] shape = s.shape();
        if (!supports(s.dtype())) {
            throw new IllegalArgumentException(name + ": expected " + what + " of dtype float32 or float64, got " + s.dtype());
        }
        if (shape.length != 2 || shape[1] % 4 != 0 || !s.layout().isContiguous()) {
            throw new IllegalArgumentException(name + ": expected a contiguous " + what + " of shape [N, 4*H], got shape "
                    + OperandChecks.shape(s) + " with layout " + s.layout());
        }
        return shape;
    }

    private static void operand(String name, String what, Strided s, long rows, long columns, DType dtype) {
        if (s == null) throw new IllegalArgumentException(name + ": " + what + " is null");
        OperandChecks.operand(name, s);
        long[] shape = s.shape();
        if (s.dtype() != dtype) {
            throw new IllegalArgumentException(name + ": expected " + what + " of dtype " + dtype + ", got " + s.dtype());
        }
        if (shape.length != 2 || shape[0] != rows || shape[1] != columns || !s.layout().isContiguous()) {
            throw new IllegalArgumentException(name + ": expected a contiguous " + what + " of shape [" + rows + ", " + columns
                    + "], got shape " + OperandChecks.shape(s) + " with layout " + s.layout());
        }
    }

    // ---------------------------------------------------------------- entry points

    static void forward(Strided inputGates, Strided hiddenGates, Strided cellPrevious, Strided gates, Strided cell,
                        Strided hidden) {
        long rows = inputGates.shape()[0];
        long units = inputGates.shape()[1] / 4;
        Row row = new Row(units, inputGates, hiddenGates, cellPrevious, gates, cell, hidden);
        boolean vector = Elements.vectorFriendly(row.segments);
        boolean single = inputGates.dtype() == DType.FLOAT32;
        Parallel.forRange(rows, units * COST, (start, end) -> {
            for (long r = start; r < end; r++) {
                if (!vector) forwardScalar(row, r, single);
                else if (single) forwardFloat(row, r);
                else forwardDouble(row, r);
            }
        });
    }

    static void backward(Strided gates, Strided cellPrevious, Strided cell, Strided gradHidden, Strided gradHiddenExtra,
                         Strided gradCell, Strided gradGates) {
        long rows = gates.shape()[0];
        long units = gates.shape()[1] / 4;
        // Without an extra gradient, operand 4 is the first one again and is not read.
        Row row = new Row(units, gates, cellPrevious, cell, gradHidden, gradHiddenExtra == null ? gradHidden : gradHiddenExtra,
                gradCell, gradGates);
        boolean extra = gradHiddenExtra != null;
        boolean vector = Elements.vectorFriendly(row.segments);
        boolean single = gates.dtype() == DType.FLOAT32;
        Parallel.forRange(rows, units * COST, (start, end) -> {
            for (long r = start; r < end; r++) {
                if (!vector) backwardScalar(row, r, single, extra);
                else if (single) backwardFloat(row, r, extra);
                else backwardDouble(row, r, extra);
            }
        });
    }

    /** The operands' segments and element offsets; row {@code r} of an operand of width w starts at {@code offset + r * w}. */
    private record Row(long units, MemorySegment[] segments, long[] offsets) {
        Row(long units, Strided... operands) {
            this(units, segmentsOf(operands), offsetsOf(operands));
        }

        private static MemorySegment[] segmentsOf(Strided[] operands) {
            MemorySegment[] segments = new MemorySegment[operands.length];
            for (int i = 0; i < operands.length; i++) segments[i] = ((CpuBuffer) operands[i].buffer()).segment();
            return segments;
        }

        private static long[] offsetsOf(Strided[] operands) {
            long[] offsets = new long[operands.length];
            for (int i = 0; i < operands.length; i++) offsets[i] = operands[i].layout().offset();
            return offsets;
        }

        /** Element index of unit {@code j} of row {@code r} in operand {@code k}, of {@code width} units per row. */
        long at(int k, long r, long width, long j) { return offsets[k] + r * width + j; }
    }

    // ---------------------------------------------------------------- float32

    // Loads and stores are written out in place: a helper taking or returning vectors that C2
    // does not inline makes every vector a heap object.

    private static void forwardFloat(Row row, long r) {
        MemorySegment in = row.segments[0], hid = row.segments[1], prev = row.segments[2], out = row.segments[3];
        MemorySegment cellOut = row.segments[4], hiddenOut = row.segments[5];
        long units = row.units;
        long a = 4 * (row.at(0, r, 4 * units, 0)), b = 4 * (row.at(1, r, 4 * units, 0)), p = 4 * (row.at(2, r, units, 0));
        long q = 4 * (row.at(3, r, 4 * units, 0)), c0 = 4 * (row.at(4, r, units, 0)), h0 = 4 * (row.at(5, r, units, 0));
        long gate = 4 * units;
        for (long j = 0; j < units; j += FS.length()) {
            VectorMask<Float> m = FS.indexInRange(j, units);
            long k = 4 * j;
            FloatVector zi = FloatVector.fromMemorySegment(FS, in, a + k, ORDER, m)
                    .add(FloatVector.fromMemorySegment(FS, hid, b + k, ORDER, m));
            FloatVector zf = FloatVector.fromMemorySegment(FS, in, a + gate + k, ORDER, m)
                    .add(FloatVector.fromMemorySegment(FS, hid, b + gate + k, ORDER, m));
            FloatVector zg = FloatVector.fromMemorySegment(FS, in, a + 2 * gate + k, ORDER, m)
                    .add(FloatVector.fromMemorySegment(FS, hid, b + 2 * gate + k, ORDER, m));
            FloatVector zo = FloatVector.fromMemorySegment(FS, in, a + 3 * gate + k, ORDER, m)
                    .add(FloatVector.fromMemorySegment(FS, hid, b + 3 * gate + k, ORDER, m));
            // sigmoid as 1 / (1 + exp(-z)): exp overflows to inf and 1 / inf is 0, never NaN
            FloatVector i = ONE_FLOAT.div(zi.neg().lanewise(VectorOperators.EXP).add(ONE_FLOAT));
            FloatVector f = ONE_FLOAT.div(zf.neg().lanewise(VectorOperators.EXP).add(ONE_FLOAT));
            FloatVector g = zg.lanewise(VectorOperators.TANH);
            FloatVector o = ONE_FLOAT.div(zo.neg().lanewise(VectorOperators.EXP).add(ONE_FLOAT));
            FloatVector c = f.mul(FloatVector.fromMemorySegment(FS, prev, p + k, ORDER, m)).add(i.mul(g));
            i.intoMemorySegment(out, q + k, ORDER, m);
            f.intoMemorySegment(out, q + gate + k, ORDER, m);
            g.intoMemorySegment(out, q + 2 * gate + k, ORDER, m);
            o.intoMemorySegment(out, q + 3 * gate + k, ORDER, m);
            c.intoMemorySegment(cellOut, c0 + k, ORDER, m);
            o.mul(c.lanewise(VectorOperators.TANH)).intoMemorySegment(hiddenOut, h0 + k, ORDER, m);
        }
    }

    private static void backwardFloat(Row row, long r, boolean extra) {
        MemorySegment gates = row.segments[0], prev = row.segments[1], cells = row.segments[2], gradH = row.segments[3];
        MemorySegment gradExtra = row.segments[4], gradC = row.segments[5], gradGates = row.segments[6];
        long units = row.units;
        long a = 4 * (row.at(0, r, 4 * units, 0)), p = 4 * (row.at(1, r, units, 0)), c0 = 4 * (row.at(2, r, units, 0));
        long d = 4 * (row.at(3, r, units, 0)), e = 4 * (row.at(4, r, units, 0)), dc0 = 4 * (row.at(5, r, units, 0));
        long q = 4 * (row.at(6, r, 4 * units, 0));
        long gate = 4 * units;
        for (long j = 0; j < units; j += FS.length()) {
            VectorMask<Float> m = FS.indexInRange(j, units);
            long k = 4 * j;
            FloatVector i = FloatVector.fromMemorySegment(FS, gates, a + k, ORDER, m);
            FloatVector f = FloatVector.fromMemorySegment(FS, gates, a + gate + k, ORDER, m);
            FloatVector g = FloatVector.fromMemorySegment(FS, gates, a + 2 * gate + k, ORDER, m);
            FloatVector o = FloatVector.fromMemorySegment(FS, gates, a + 3 * gate + k, ORDER, m);
            FloatVector t = FloatVector.fromMemorySegment(FS, cells, c0 + k, ORDER, m).lanewise(VectorOperators.TANH);
            FloatVector dh = FloatVector.fromMemorySegment(FS, gradH, d + k, ORDER, m);
            if (extra) dh = dh.add(FloatVector.fromMemorySegment(FS, gradExtra, e + k, ORDER, m));
            FloatVector dc = FloatVector.fromMemorySegment(FS, gradC, dc0 + k, ORDER, m)
                    .add(dh.mul(o).mul(ONE_FLOAT.sub(t.mul(t))));
            dc.mul(g).mul(i).mul(ONE_FLOAT.sub(i)).intoMemorySegment(gradGates, q + k, ORDER, m);
            dc.mul(FloatVector.fromMemorySegment(FS, prev, p + k, ORDER, m)).mul(f).mul(ONE_FLOAT.sub(f))
                    .intoMemorySegment(gradGates, q + gate + k, ORDER, m);
            dc.mul(i).mul(ONE_FLOAT.sub(g.mul(g))).intoMemorySegment(gradGates, q + 2 * gate + k, ORDER, m);
            dh.mul(t).mul(o).mul(ONE_FLOAT.sub(o)).intoMemorySegment(gradGates, q + 3 * gate + k, ORDER, m);
            dc.mul(f).intoMemorySegment(gradC, dc0 + k, ORDER, m);
        }
    }

    // ---------------------------------------------------------------- float64

    private static void forwardDouble(Row row, long r) {
        MemorySegment in = row.segments[0], hid = row.segments[1], prev = row.segments[2], out = row.segments[3];
        MemorySegment cellOut = row.segments[4], hiddenOut = row.segments[5];
        long units = row.units;
        long a = 8 * (row.at(0, r, 4 * units, 0)), b = 8 * (row.at(1, r, 4 * units, 0)), p = 8 * (row.at(2, r, units, 0));
        long q = 8 * (row.at(3, r, 4 * units, 0)), c0 = 8 * (row.at(4, r, units, 0)), h0 = 8 * (row.at(5, r, units, 0));
        long gate = 8 * units;
        for (long j = 0; j < units; j += DS.length()) {
            VectorMask<Double> m = DS.indexInRange(j, units);
            long k = 8 * j;
            DoubleVector zi = DoubleVector.fromMemorySegment(DS, in, a + k, ORDER, m)
                    .add(DoubleVector.fromMemorySegment(DS, hid, b + k, ORDER, m));
            DoubleVector zf = DoubleVector.fromMemorySegment(DS, in, a + gate + k, ORDER, m)
                    .add(DoubleVector.fromMemorySegment(DS, hid, b + gate + k, ORDER, m));
            DoubleVector zg = DoubleVector.fromMemorySegment(DS, in, a + 2 * gate + k, ORDER, m)
                    .add(DoubleVector.fromMemorySegment(DS, hid, b + 2 * gate + k, ORDER, m));
            DoubleVector zo = DoubleVector.fromMemorySegment(DS, in, a + 3 * gate + k, ORDER, m)
                    .add(DoubleVector.fromMemorySegment(DS, hid, b + 3 * gate + k, ORDER, m));
            DoubleVector i = ONE_DOUBLE.div(zi.neg().lanewise(VectorOperators.EXP).add(ONE_DOUBLE));
            DoubleVector f = ONE_DOUBLE.div(zf.neg().lanewise(VectorOperators.EXP).add(ONE_DOUBLE));
            DoubleVector g = zg.lanewise(VectorOperators.TANH);
            DoubleVector o = ONE_DOUBLE.div(zo.neg().lanewise(VectorOperators.EXP).add(ONE_DOUBLE));
            DoubleVector c = f.mul(DoubleVector.fromMemorySegment(DS, prev, p + k, ORDER, m)).add(i.mul(g));
            i.intoMemorySegment(out, q + k, ORDER, m);
            f.intoMemorySegment(out, q + gate + k, ORDER, m);
            g.intoMemorySegment(out, q + 2 * gate + k, ORDER, m);
            o.intoMemorySegment(out, q + 3 * gate + k, ORDER, m);
            c.intoMemorySegment(cellOut, c0 + k, ORDER, m);
            o.mul(c.lanewise(VectorOperators.TANH)).intoMemorySegment(hiddenOut, h0 + k, ORDER, m);
        }
    }

    private static void backwardDouble(Row row, long r, boolean extra) {
        MemorySegment gates = row.segments[0], prev = row.segments[1], cells = row.segments[2], gradH = row.segments[3];
        MemorySegment gradExtra = row.segments[4], gradC = row.segments[5], gradGates = row.segments[6];
        long units = row.units;
        long a = 8 * (row.at(0, r, 4 * units, 0)), p = 8 * (row.at(1, r, units, 0)), c0 = 8 * (row.at(2, r, units, 0));
        long d = 8 * (row.at(3, r, units, 0)), e = 8 * (row.at(4, r, units, 0)), dc0 = 8 * (row.at(5, r, units, 0));
        long q = 8 * (row.at(6, r, 4 * units, 0));
        long gate = 8 * units;
        for (long j = 0; j < units; j += DS.length()) {
            VectorMask<Double> m = DS.indexInRange(j, units);
            long k = 8 * j;
            DoubleVector i = DoubleVector.fromMemorySegment(DS, gates, a + k, ORDER, m);
            DoubleVector f = DoubleVector.fromMemorySegment(DS, gates, a + gate + k, ORDER, m);
            DoubleVector g = DoubleVector.fromMemorySegment(DS, gates, a + 2 * gate + k, ORDER, m);
            DoubleVector o = DoubleVector.fromMemorySegment(DS, gates, a + 3 * gate + k, ORDER, m);
            DoubleVector t = DoubleVector.fromMemorySegment(DS, cells, c0 + k, ORDER, m).lanewise(VectorOperators.TANH);
            DoubleVector dh = DoubleVector.fromMemorySegment(DS, gradH, d + k, ORDER, m);
            if (extra) dh = dh.add(DoubleVector.fromMemorySegment(DS, gradExtra, e + k, ORDER, m));
            DoubleVector dc = DoubleVector.fromMemorySegment(DS, gradC, dc0 + k, ORDER, m)
                    .add(dh.mul(o).mul(ONE_DOUBLE.sub(t.mul(t))));
            dc.mul(g).mul(i).mul(ONE_DOUBLE.sub(i)).intoMemorySegment(gradGates, q + k, ORDER, m);
            dc.mul(DoubleVector.fromMemorySegment(DS, prev, p + k, ORDER, m)).mul(f).mul(ONE_DOUBLE.sub(f))
                    .intoMemorySegment(gradGates, q + gate + k, ORDER, m);
            dc.mul(i).mul(ONE_DOUBLE.sub(g.mul(g))).intoMemorySegment(gradGates, q + 2 * gate + k, ORDER, m);
            dh.mul(t).mul(o).mul(ONE_DOUBLE.sub(o)).intoMemorySegment(gradGates, q + 3 * gate + k, ORDER, m);
            dc.mul(f).intoMemorySegment(gradC, dc0 + k, ORDER, m);
        }
    }

    // ---------------------------------------------------------------- heap segments (small buffers), both dtypes

    private static void forwardScalar(Row row, long r, boolean single) {
        long units = row.units;
        long wide = 4 * units;
        for (long j = 0; j < units; j++) {
            double i = SpecialFunctions.sigmoid(get(row, 0, r, wide, j, single) + get(row, 1, r, wide, j, single));
            double f = SpecialFunctions.sigmoid(get(row, 0, r, wide, units + j, single) + get(row, 1, r, wide, units + j, single));
            double g = Math.tanh(get(row, 0, r, wide, 2 * units + j, single) + get(row, 1, r, wide, 2 * units + j, single));
            double o = SpecialFunctions.sigmoid(get(row, 0, r, wide, 3 * units + j, single)
                    + get(row, 1, r, wide, 3 * units + j, single));
            double c = f * get(row, 2, r, units, j, single) + i * g;
            set(row, 3, r, wide, j, i, single);
            set(row, 3, r, wide, units + j, f, single);
            set(row, 3, r, wide, 2 * units + j, g, single);
            set(row, 3, r, wide, 3 * units + j, o, single);
            set(row, 4, r, units, j, c, single);
            set(row, 5, r, units, j, o * Math.tanh(c), single);
        }
    }

    private static void backwardScalar(Row row, long r, boolean single, boolean extra) {
        long units = row.units;
        long wide = 4 * units;
        for (long j = 0; j < units; j++) {
            double i = get(row, 0, r, wide, j, single);
            double f = get(row, 0, r, wide, units + j, single);
            double g = get(row, 0, r, wide, 2 * units + j, single);
            double o = get(row, 0, r, wide, 3 * units + j, single);
            double t = Math.tanh(get(row, 2, r, units, j, single));
            double dh = get(row, 3, r, units, j, single) + (extra ? get(row, 4, r, units, j, single) : 0);
            double dc = get(row, 5, r, units, j, single) + dh * o * (1 - t * t);
            set(row, 6, r, wide, j, dc * g * i * (1 - i), single);
            set(row, 6, r, wide, units + j, dc * get(row, 1, r, units, j, single) * f * (1 - f), single);
            set(row, 6, r, wide, 2 * units + j, dc * i * (1 - g * g), single);
            set(row, 6, r, wide, 3 * units + j, dh * t * o * (1 - o), single);
            set(row, 5, r, units, j, dc * f, single);
        }
    }

    private static double get(Row row, int k, long r, long width, long j, boolean single) {
        long index = row.at(k, r, width, j);
        return single ? row.segments[k].getAtIndex(F32, index) : row.segments[k].getAtIndex(F64, index);
    }

    private static void set(Row row, int k, long r, long width, long j, double value, boolean single) {
        long index = row.at(k, r, width, j);
        if (single) row.segments[k].setAtIndex(F32, index, (float) value);
        else row.segments[k].setAtIndex(F64, index, value);
    }
}
