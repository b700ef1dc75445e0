package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Strided;
import dev.ember.devices.UnaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Elementwise ops of one operand. float32/float64 runs with unit stride use the Vector API
 * for the common ops; everything else goes through blocks of doubles (floating dtypes) or
 * longs (integral and bool dtypes, exact), one loop per op.
 *
 * <pre>{@code
 * UnaryKernels.apply(UnaryOp.EXP, input, output);
 * }</pre>
 */
final class UnaryKernels {

    static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private UnaryKernels() {}

    static void apply(UnaryOp op, Strided input, Strided output) {
        long numel = output.numel();
        if (numel == 0) return;
        MemorySegment a = ((CpuBuffer) input.buffer()).segment();
        MemorySegment o = ((CpuBuffer) output.buffer()).segment();
        DType t = input.dtype();
        DType ot = output.dtype();
        if (numel <= Parallel.GRAIN_SIZE && input.layout().isContiguous() && output.layout().isContiguous()) {
            row(op, t, a, input.layout().offset(), 1, ot, o, output.layout().offset(), 1, numel, null, numel);
            return;
        }
        StridedIterator it = new StridedIterator(output.shape(), input.layout(), output.layout());
        long as = it.innerStride(0);
        long os = it.innerStride(1);
        Parallel.forRange(numel, cost(op), (start, end) -> {
            StridedIterator.Cursor c = it.cursor(start);
            // made only when a row needs it: vectorised rows do not, and a chunk's scratch
            // arrays were most of a training step's Java garbage
            Scratch scratch = null;
            for (long remaining = end - start; remaining > 0; ) {
                long n = c.run(remaining);
                scratch = row(op, t, a, c.offset(0), as, ot, o, c.offset(1), os, n, scratch, end - start);
                c.advance(n);
                remaining -= n;
            }
        });
    }

    static long cost(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, RELU, SQUARE, RECIPROCAL, SIGN, FLOOR, CEIL, ROUND, TRUNC, BITWISE_NOT,
                 LOGICAL_NOT, ISNAN, ISINF, ISFINITE, SQRT -> 1;
            default -> 8;
        };
    }

    /** One run of {@code n} elements; returns the scratch it used (made here, sized for {@code extent}, when null and needed). */
    private static Scratch row(UnaryOp op, DType t, MemorySegment a, long ao, long as, DType ot, MemorySegment o,
                               long oo, long os, long n, Scratch scratch, long extent) {
        if (as == 1 && os == 1 && t == ot) {
            if (t == DType.FLOAT32 && floatRow(op, a, ao, o, oo, n)) return scratch;
            if (t == DType.FLOAT64 && doubleRow(op, a, ao, o, oo, n)) return scratch;
        }
        if (scratch == null) scratch = new Scratch(extent);
        int block = scratch.block();
        boolean exact = !Elements.floating(t) && integerOp(op);
        for (long done = 0; done < n; ) {
            int m = (int) Math.min(block, n - done);
            long ai = ao + done * as;
            long oi = oo + done * os;
            if (exact) {
                Elements.readLongs(a, t, ai, as, scratch.lx, m);
                longOp(op, t, scratch.lx, scratch.lr, m);
                Elements.writeLongs(o, ot, oi, os, scratch.lr, m);
            } else if (op.isPredicate()) {
                Elements.readDoubles(a, t, ai, as, scratch.x, m);
                predicate(op, scratch.x, scratch.lr, m);
                Elements.writeLongs(o, ot, oi, os, scratch.lr, m);
            } else {
                Elements.readDoubles(a, t, ai, as, scratch.x, m);
                doubleOp(op, scratch.x, scratch.r, m);
                Elements.writeDoubles(o, ot, oi, os, scratch.r, m);
            }
            done += m;
        }
        return scratch;
    }

    /** Ops with an exact integer meaning; the rest compute integers through double. */
    private static boolean integerOp(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, SQUARE, SIGN, RELU, FLOOR, CEIL, ROUND, TRUNC, BITWISE_NOT,
                 LOGICAL_NOT, ISNAN, ISINF, ISFINITE -> true;
            default -> false;
        };
    }

    private static void longOp(UnaryOp op, DType t, long[] x, long[] r, int n) {
        switch (op) {
            case NEG -> { for (int j = 0; j < n; j++) r[j] = -x[j]; }
            case ABS -> { for (int j = 0; j < n; j++) r[j] = Math.abs(x[j]); }
            case SQUARE -> { for (int j = 0; j < n; j++) r[j] = x[j] * x[j]; }
            case SIGN -> { for (int j = 0; j < n; j++) r[j] = Long.signum(x[j]); }
            case RELU -> { for (int j = 0; j < n; j++) r[j] = Math.max(x[j], 0); }
            case FLOOR, CEIL, ROUND, TRUNC -> System.arraycopy(x, 0, r, 0, n);
            case BITWISE_NOT -> {
                if (t == DType.BOOL) for (int j = 0; j < n; j++) r[j] = x[j] ^ 1;
                else for (int j = 0; j < n; j++) r[j] = ~x[j];
            }
            case LOGICAL_NOT -> { for (int j = 0; j < n; j++) r[j] = x[j] == 0 ? 1 : 0; }
            case ISNAN, ISINF -> java.util.Arrays.fill(r, 0, n, 0);
            case ISFINITE -> java.util.Arrays.fill(r, 0, n, 1);
            default -> throw new IllegalStateException(op + " has no integer loop");
        }
    }

    private static void predicate(UnaryOp op, double[] x, long[] r, int n) {
        switch (op) {
            case LOGICAL_NOT -> { for (int j = 0; j < n; j++) r[j] = x[j] == 0 ? 1 : 0; }
            case ISNAN -> { for (int j = 0; j < n; j++) r[j] = Double.isNaN(x[j]) ? 1 : 0; }
            case ISINF -> { for (int j = 0; j < n; j++) r[j] = Double.isInfinite(x[j]) ? 1 : 0; }
            case ISFINITE -> { for (int j = 0; j < n; j++) r[j] = Double.isFinite(x[j]) ? 1 : 0; }
            default -> throw new IllegalStateException(op + " is not a predicate");
        }
    }

    static void doubleOp(UnaryOp op, double[] x, double[] r, int n) {
        switch (op) {
            case NEG -> { for (int j = 0; j < n; j++) r[j] = -x[j]; }
            case ABS -> { for (int j = 0; j < n; j++) r[j] = Math.abs(x[j]); }
            case EXP -> { for (int j = 0; j < n; j++) r[j] = Math.exp(x[j]); }
            case EXP2 -> { for (int j = 0; j < n; j++) r[j] = Math.pow(2, x[j]); }
            case LOG -> { for (int j = 0; j < n; j++) r[j] = Math.log(x[j]); }
            case LOG2 -> { for (int j = 0; j < n; j++) r[j] = SpecialFunctions.log2(x[j]); }
            case LOG10 -> { for (int j = 0; j < n; j++) r[j] = Math.log10(x[j]); }
            case SQRT -> { for (int j = 0; j < n; j++) r[j] = Math.sqrt(x[j]); }
            case RSQRT -> { for (int j = 0; j < n; j++) r[j] = 1 / Math.sqrt(x[j]); }
            case SIN -> { for (int j = 0; j < n; j++) r[j] = Math.sin(x[j]); }
            case COS -> { for (int j = 0; j < n; j++) r[j] = Math.cos(x[j]); }
            case TAN -> { for (int j = 0; j < n; j++) r[j] = Math.tan(x[j]); }
            case ASIN -> { for (int j = 0; j < n; j++) r[j] = Math.asin(x[j]); }
            case ACOS -> { for (int j = 0; j < n; j++) r[j] = Math.acos(x[j]); }
            case ATAN -> { for (int j = 0; j < n; j++) r[j] = Math.atan(x[j]); }
            case SINH -> { for (int j = 0; j < n; j++) r[j] = Math.sinh(x[j]); }
            case COSH -> { for (int j = 0; j < n; j++) r[j] = Math.cosh(x[j]); }
            case TANH -> { for (int j = 0; j < n; j++) r[j] = Math.tanh(x[j]); }
            case ASINH -> { for (int j = 0; j < n; j++) r[j] = SpecialFunctions.asinh(x[j]); }
            case ACOSH -> { for (int j = 0; j < n; j++) r[j] = SpecialFunctions.acosh(x[j]); }
            case ATANH -> { for (int j = 0; j < n; j++) r[j] = SpecialFunctions.atanh(x[j]); }
            case SIGMOID -> { for (int j = 0; j < n; j++) r[j] = SpecialFunctions.sigmoid(x[j]); }
            case RELU -> { for (int j = 0; j < n; j++) r[j] = Math.max(x[j], 0.0); }
            case FLOOR -> { for (int j = 0; j < n; j++) r[j] = Math.floor(x[j]); }
            case CEIL -> { for (int j = 0; j < n; j++) r[j] = Math.ceil(x[j]); }
            case ROUND -> { for (int j = 0; j < n; j++) r[j] = Math.rint(x[j]); }
            case TRUNC -> { for (int j = 0; j < n; j++) r[j] = SpecialFunctions.trunc(x[j]); }
            case SIGN -> { for (int j = 0; j < n; j++) r[j] = x[j] > 0 ? 1 : x[j] < 0 ? -1 : 0; }
            case RECIPROCAL -> { for (int j = 0; j < n; j++) r[j] = 1 / x[j]; }
            case SQUARE -> { for (int j = 0; j < n; j++) r[j] = x[j] * x[j]; }
            case LOG1P -> { for (int j = 0; j < n; j++) r[j] = Math.log1p(x[j]); }
            case EXPM1 -> { for (int j = 0; j < n; j++) r[j] = Math.expm1(x[j]); }
            case ERF -> { for (int j = 0; j < n; j++) r[j] = SpecialFunctions.erf(x[j]); }
            case ERFC -> { for (int j = 0; j < n; j++) r[j] = SpecialFunctions.erfc(x[j]); }
            case GELU -> { for (int j = 0; j < n; j++) r[j] = SmoothActivations.gelu(x[j]); }
            case GELU_TANH -> { for (int j = 0; j < n; j++) r[j] = SmoothActivations.geluTanh(x[j]); }
            case SILU -> { for (int j = 0; j < n; j++) r[j] = SmoothActivations.silu(x[j]); }
            case BITWISE_NOT, LOGICAL_NOT, ISNAN, ISINF, ISFINITE ->
                    throw new IllegalStateException(op + " has no floating loop");
        }
    }

    private static FloatVector fload(MemorySegment s, long index) {
        return FloatVector.fromMemorySegment(FS, s, index * Float.BYTES, ORDER);
    }

    private static DoubleVector dload(MemorySegment s, long index) {
        return DoubleVector.fromMemorySegment(DS, s, index * Double.BYTES, ORDER);
    }

    /** The Vector API loop for one unit-stride float32 run; false when the op has none. */
    /**
     * One small method per op on purpose: when all the loops shared one method, a training run
     * that first used an op late (an evaluation pass) made C2 throw the whole method away and
     * recompile it again and again, and in between the vector code ran unintrinsified, boxing
     * every vector (a 2-3x slower training loop and hundreds of MB/s of garbage).
     */
    private static boolean floatRow(UnaryOp op, MemorySegment a, long ao, MemorySegment o, long oo, long n) {
        boolean friendly = Elements.vectorFriendly(a, o);
        long bound = friendly ? n - n % FS.length() : 0;
        long i = switch (op) {
            case NEG -> floatNeg(a, ao, o, oo, bound);
            case ABS -> floatAbs(a, ao, o, oo, bound);
            case SQRT -> floatSqrt(a, ao, o, oo, bound);
            case SQUARE -> floatSquare(a, ao, o, oo, bound);
            case RELU -> floatRelu(a, ao, o, oo, bound);
            case EXP -> floatExp(a, ao, o, oo, bound);
            case LOG -> floatLog(a, ao, o, oo, bound);
            case TANH -> floatTanh(a, ao, o, oo, bound);
            case SIGMOID -> floatSigmoid(a, ao, o, oo, bound);
            case GELU -> floatGelu(a, ao, o, oo, bound);
            case GELU_TANH -> floatGeluTanh(a, ao, o, oo, bound);
            case SILU -> floatSilu(a, ao, o, oo, bound);
            default -> -1;
        };
        if (i < 0) return false;
        if (i < n) {
            // the smooth activations cost as much per scalar element as per vector: one masked step
            if (friendly && (op == UnaryOp.GELU || op == UnaryOp.GELU_TANH || op == UnaryOp.SILU)) {
                floatSmoothTail(op, a, ao, o, oo, i, n);
            } else {
                floatTail(op, a, ao, o, oo, i, n);
            }
        }
        return true;
    }

    private static void floatSmoothTail(UnaryOp op, MemorySegment a, long ao, MemorySegment o, long oo, long from, long n) {
        VectorMask<Float> mask = FS.indexInRange(from, n);
        FloatVector x = FloatVector.fromMemorySegment(FS, a, (ao + from) * 4, ORDER, mask);
        FloatVector r = switch (op) {
            case GELU -> SmoothActivations.gelu(x);
            case GELU_TANH -> SmoothActivations.geluTanh(x);
            default -> SmoothActivations.silu(x);
        };
        r.intoMemorySegment(o, (oo + from) * 4, ORDER, mask);
    }

    /**
     * Elements {@code [from, n)} one at a time, in double as the reference loops compute. One loop
     * per op rather than a switch inside one loop: C2 speculates on the profile of a switch inside
     * a loop, and a later op then traps and recompiles the method (see BinaryKernels.floatScalarRow).
     */
    private static void floatTail(UnaryOp op, MemorySegment a, long ao, MemorySegment o, long oo, long from, long n) {
        switch (op) {
            case NEG -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F32, oo + i, -a.getAtIndex(Elements.F32, ao + i)); }
            case ABS -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F32, oo + i, Math.abs(a.getAtIndex(Elements.F32, ao + i))); }
            case SQRT -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F32, oo + i, (float) Math.sqrt(a.getAtIndex(Elements.F32, ao + i))); }
            case SQUARE -> {
                for (long i = from; i < n; i++) {
                    double x = a.getAtIndex(Elements.F32, ao + i);
                    o.setAtIndex(Elements.F32, oo + i, (float) (x * x));
                }
            }
            case RELU -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F32, oo + i, Math.max(a.getAtIndex(Elements.F32, ao + i), 0f)); }
            case EXP -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F32, oo + i, (float) Math.exp(a.getAtIndex(Elements.F32, ao + i))); }
            case LOG -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F32, oo + i, (float) Math.log(a.getAtIndex(Elements.F32, ao + i))); }
            case TANH -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F32, oo + i, (float) Math.tanh(a.getAtIndex(Elements.F32, ao + i))); }
            case SIGMOID -> {
                for (long i = from; i < n; i++) {
                    o.setAtIndex(Elements.F32, oo + i, (float) SpecialFunctions.sigmoid(a.getAtIndex(Elements.F32, ao + i)));
                }
            }
            case GELU -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F32, oo + i, SmoothActivations.gelu(a.getAtIndex(Elements.F32, ao + i))); }
            case GELU_TANH -> {
                for (long i = from; i < n; i++) {
                    o.setAtIndex(Elements.F32, oo + i, (float) SmoothActivations.geluTanh((double) a.getAtIndex(Elements.F32, ao + i)));
                }
            }
            case SILU -> {
                for (long i = from; i < n; i++) {
                    o.setAtIndex(Elements.F32, oo + i, (float) SmoothActivations.silu((double) a.getAtIndex(Elements.F32, ao + i)));
                }
            }
            default -> throw new IllegalStateException(op + " is not vectorised");
        }
    }

    /** {@link #floatTail} for float64. */
    private static void doubleTail(UnaryOp op, MemorySegment a, long ao, MemorySegment o, long oo, long from, long n) {
        switch (op) {
            case NEG -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, -a.getAtIndex(Elements.F64, ao + i)); }
            case ABS -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, Math.abs(a.getAtIndex(Elements.F64, ao + i))); }
            case SQRT -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, Math.sqrt(a.getAtIndex(Elements.F64, ao + i))); }
            case SQUARE -> {
                for (long i = from; i < n; i++) {
                    double x = a.getAtIndex(Elements.F64, ao + i);
                    o.setAtIndex(Elements.F64, oo + i, x * x);
                }
            }
            case RELU -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, Math.max(a.getAtIndex(Elements.F64, ao + i), 0.0)); }
            case EXP -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, Math.exp(a.getAtIndex(Elements.F64, ao + i))); }
            case LOG -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, Math.log(a.getAtIndex(Elements.F64, ao + i))); }
            case TANH -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, Math.tanh(a.getAtIndex(Elements.F64, ao + i))); }
            case SIGMOID -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, SpecialFunctions.sigmoid(a.getAtIndex(Elements.F64, ao + i))); }
            case GELU -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, SmoothActivations.gelu(a.getAtIndex(Elements.F64, ao + i))); }
            case GELU_TANH -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, SmoothActivations.geluTanh(a.getAtIndex(Elements.F64, ao + i))); }
            case SILU -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, SmoothActivations.silu(a.getAtIndex(Elements.F64, ao + i))); }
            default -> throw new IllegalStateException(op + " is not vectorised");
        }
    }

    private static long floatNeg(MemorySegment a, long ao, MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) fload(a, ao + i).neg().intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static long floatAbs(MemorySegment a, long ao, MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) fload(a, ao + i).abs().intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static long floatSqrt(MemorySegment a, long ao, MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) fload(a, ao + i).sqrt().intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static long floatSquare(MemorySegment a, long ao, MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) {
            FloatVector v = fload(a, ao + i);
            v.mul(v).intoMemorySegment(o, (oo + i) * 4, ORDER);
        }
        return i;
    }

    private static long floatRelu(MemorySegment a, long ao, MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) fload(a, ao + i).max(0f).intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static long floatExp(MemorySegment a, long ao, MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) fload(a, ao + i).lanewise(VectorOperators.EXP).intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static long floatLog(MemorySegment a, long ao, MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) fload(a, ao + i).lanewise(VectorOperators.LOG).intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static long floatTanh(MemorySegment a, long ao, MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) fload(a, ao + i).lanewise(VectorOperators.TANH).intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static long floatSigmoid(MemorySegment a, long ao, MemorySegment o, long oo, long bound) {
        // 1/(1+exp(-x)) cannot produce NaN in IEEE: exp overflows to inf and 1/inf is 0
        FloatVector one = FloatVector.broadcast(FS, 1f);
        long i = 0;
        for (; i < bound; i += FS.length()) {
            FloatVector e = fload(a, ao + i).neg().lanewise(VectorOperators.EXP);
            one.div(e.add(one)).intoMemorySegment(o, (oo + i) * 4, ORDER);
        }
        return i;
    }

    private static long floatGelu(MemorySegment a, long ao, MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) SmoothActivations.gelu(fload(a, ao + i)).intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static long floatGeluTanh(MemorySegment a, long ao, MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) SmoothActivations.geluTanh(fload(a, ao + i)).intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static long floatSilu(MemorySegment a, long ao, MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) SmoothActivations.silu(fload(a, ao + i)).intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static boolean doubleRow(UnaryOp op, MemorySegment a, long ao, MemorySegment o, long oo, long n) {
        int step = DS.length();
        long bound = Elements.vectorFriendly(a, o) ? n - n % step : 0;
        long i = 0;
        switch (op) {
            case NEG -> { for (; i < bound; i += step) dload(a, ao + i).neg().intoMemorySegment(o, (oo + i) * 8, ORDER); }
            case ABS -> { for (; i < bound; i += step) dload(a, ao + i).abs().intoMemorySegment(o, (oo + i) * 8, ORDER); }
            case SQRT -> { for (; i < bound; i += step) dload(a, ao + i).sqrt().intoMemorySegment(o, (oo + i) * 8, ORDER); }
            case SQUARE -> { for (; i < bound; i += step) { DoubleVector v = dload(a, ao + i); v.mul(v).intoMemorySegment(o, (oo + i) * 8, ORDER); } }
            case RELU -> { for (; i < bound; i += step) dload(a, ao + i).max(0.0).intoMemorySegment(o, (oo + i) * 8, ORDER); }
            case EXP -> { for (; i < bound; i += step) dload(a, ao + i).lanewise(VectorOperators.EXP).intoMemorySegment(o, (oo + i) * 8, ORDER); }
            case LOG -> { for (; i < bound; i += step) dload(a, ao + i).lanewise(VectorOperators.LOG).intoMemorySegment(o, (oo + i) * 8, ORDER); }
            case TANH -> { for (; i < bound; i += step) dload(a, ao + i).lanewise(VectorOperators.TANH).intoMemorySegment(o, (oo + i) * 8, ORDER); }
            case SIGMOID -> {
                DoubleVector one = DoubleVector.broadcast(DS, 1.0);
                for (; i < bound; i += step) {
                    DoubleVector e = dload(a, ao + i).neg().lanewise(VectorOperators.EXP);
                    one.div(e.add(one)).intoMemorySegment(o, (oo + i) * 8, ORDER);
                }
            }
            case GELU_TANH -> { for (; i < bound; i += step) SmoothActivations.geluTanh(dload(a, ao + i)).intoMemorySegment(o, (oo + i) * 8, ORDER); }
            case SILU -> { for (; i < bound; i += step) SmoothActivations.silu(dload(a, ao + i)).intoMemorySegment(o, (oo + i) * 8, ORDER); }
            default -> { return false; }
        }
        if (i < n) doubleTail(op, a, ao, o, oo, i, n);
        return true;
    }
}
