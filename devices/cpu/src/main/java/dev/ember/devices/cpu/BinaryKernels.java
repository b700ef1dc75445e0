package dev.ember.devices.cpu;

import dev.ember.devices.BinaryOp;
import dev.ember.devices.DType;
import dev.ember.devices.Strided;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

import static dev.ember.devices.cpu.UnaryKernels.DS;
import static dev.ember.devices.cpu.UnaryKernels.FS;
import static dev.ember.devices.cpu.UnaryKernels.ORDER;

/**
 * Elementwise ops of two operands with PyTorch's semantics: MAXIMUM/MINIMUM propagate NaN,
 * REMAINDER takes the divisor's sign and FMOD the dividend's, integer DIV truncates and
 * integer arithmetic is exact 64-bit. float32/float64 unit-stride runs (or a broadcast
 * scalar operand) use the Vector API for the arithmetic ops, THRESHOLD_BACKWARD, the
 * activation backward ops (exact GELU's in float32 only) and the comparisons (whose masks are
 * narrowed to BOOL bytes); other float32/float64 comparisons run in tight scalar loops, and
 * only the remaining dtype/op pairs go through blocks of doubles.
 *
 * <pre>{@code
 * BinaryKernels.apply(BinaryOp.ADD, left, right, output);
 * }</pre>
 */
final class BinaryKernels {

    /** Byte species with as many lanes as the float/double species, for storing masks as BOOL; null if none exists. */
    private static final VectorSpecies<Byte> FLOAT_MASK_BYTES = byteSpecies(FS.length());
    private static final VectorSpecies<Byte> DOUBLE_MASK_BYTES = byteSpecies(DS.length());

    private BinaryKernels() {}

    private static VectorSpecies<Byte> byteSpecies(int lanes) {
        int bits = lanes * 8;
        if (bits < 64 || bits > VectorShape.preferredShape().vectorBitSize()) return null;
        return VectorSpecies.of(byte.class, VectorShape.forBitSize(bits));
    }

    static void apply(BinaryOp op, Strided left, Strided right, Strided output) {
        long numel = output.numel();
        if (numel == 0) return;
        MemorySegment a = ((CpuBuffer) left.buffer()).segment();
        MemorySegment b = ((CpuBuffer) right.buffer()).segment();
        MemorySegment o = ((CpuBuffer) output.buffer()).segment();
        DType t = left.dtype();
        DType ot = output.dtype();
        if (numel <= Parallel.GRAIN_SIZE && left.layout().isContiguous() && right.layout().isContiguous()
                && output.layout().isContiguous()) {
            row(op, t, a, left.layout().offset(), 1, b, right.layout().offset(), 1, ot, o, output.layout().offset(), 1, numel, null);
            return;
        }
        StridedIterator it = new StridedIterator(output.shape(), left.layout(), right.layout(), output.layout());
        long as = it.innerStride(0);
        long bs = it.innerStride(1);
        long os = it.innerStride(2);
        Parallel.forRange(numel, cost(op), (start, end) -> {
            StridedIterator.Cursor c = it.cursor(start);
            Scratch scratch = null;
            for (long remaining = end - start; remaining > 0; ) {
                long n = c.run(remaining);
                if (scratch == null && !vectorised(op, t, ot, as, bs, os)) scratch = new Scratch(end - start);
                row(op, t, a, c.offset(0), as, b, c.offset(1), bs, ot, o, c.offset(2), os, n, scratch);
                c.advance(n);
                remaining -= n;
            }
        });
    }

    private static long cost(BinaryOp op) {
        return switch (op) {
            case POW, ATAN2, GELU_TANH_BACKWARD, SILU_BACKWARD -> 8;
            case GELU_BACKWARD -> 16;
            default -> 1;
        };
    }

    private static boolean vectorised(BinaryOp op, DType t, DType ot, long as, long bs, long os) {
        if (t != DType.FLOAT32 && t != DType.FLOAT64) return false;
        if (op.isPredicate()) return ot == DType.BOOL;
        return os == 1 && (as == 1 || as == 0) && (bs == 1 || bs == 0) && t == ot
                && switch (op) {
                    case ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, THRESHOLD_BACKWARD, GELU_TANH_BACKWARD, SILU_BACKWARD,
                         TANH_BACKWARD, SIGMOID_BACKWARD -> true;
                    // float64 exact GELU has no vector erfc accurate to float64: the scalar path
                    case GELU_BACKWARD -> t == DType.FLOAT32;
                    default -> false;
                };
    }

    /**
     * Vector loads and stores only touch the operands that are not broadcast, so a broadcast
     * scalar (often a small heap-backed buffer, like a bias) does not rule the vector loop out.
     */
    private static boolean vectorFriendly(MemorySegment a, long as, MemorySegment b, long bs, MemorySegment o) {
        return (as == 0 || a.isNative()) && (bs == 0 || b.isNative()) && o.isNative();
    }

    /**
     * {@code op} over one contiguous run of {@code n} elements (element offsets), output dtype
     * {@code t}, on the calling thread: for kernels that walk runs of their own (index_add).
     * {@code scratch} is used only by dtypes without a vector loop; make one per task.
     */
    static void contiguousRun(BinaryOp op, DType t, MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment o,
                              long oo, long n, Scratch scratch) {
        row(op, t, a, ao, 1, b, bo, 1, t, o, oo, 1, n, scratch);
    }

    private static void row(BinaryOp op, DType t, MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                            DType ot, MemorySegment o, long oo, long os, long n, Scratch scratch) {
        if (vectorised(op, t, ot, as, bs, os)) {
            if (op.isPredicate()) {
                if (t == DType.FLOAT32) floatPredicateRow(op, a, ao, as, b, bo, bs, o, oo, os, n);
                else doublePredicateRow(op, a, ao, as, b, bo, bs, o, oo, os, n);
            } else if (t == DType.FLOAT32) floatRow(op, a, ao, as, b, bo, bs, o, oo, n);
            else doubleRow(op, a, ao, as, b, bo, bs, o, oo, n);
            return;
        }
        if (scratch == null) scratch = new Scratch(n);
        int block = scratch.block();
        boolean exact = !Elements.floating(t);
        for (long done = 0; done < n; ) {
            int m = (int) Math.min(block, n - done);
            long ai = ao + done * as;
            long bi = bo + done * bs;
            long oi = oo + done * os;
            if (exact) {
                Elements.readLongs(a, t, ai, as, scratch.lx, m);
                Elements.readLongs(b, t, bi, bs, scratch.ly, m);
                longOp(op, scratch.lx, scratch.ly, scratch.lr, m);
                Elements.writeLongs(o, ot, oi, os, scratch.lr, m);
            } else {
                Elements.readDoubles(a, t, ai, as, scratch.x, m);
                Elements.readDoubles(b, t, bi, bs, scratch.y, m);
                if (op.isPredicate()) {
                    predicate(op, scratch.x, scratch.y, scratch.lr, m);
                    Elements.writeLongs(o, ot, oi, os, scratch.lr, m);
                } else {
                    doubleOp(op, scratch.x, scratch.y, scratch.r, m);
                    Elements.writeDoubles(o, ot, oi, os, scratch.r, m);
                }
            }
            done += m;
        }
    }

    static ArithmeticException divisionByZero() {
        return new ArithmeticException("ZeroDivisionError: integer division by zero");
    }

    static void longOp(BinaryOp op, long[] x, long[] y, long[] r, int n) {
        switch (op) {
            case ADD -> { for (int j = 0; j < n; j++) r[j] = x[j] + y[j]; }
            case SUB -> { for (int j = 0; j < n; j++) r[j] = x[j] - y[j]; }
            case MUL -> { for (int j = 0; j < n; j++) r[j] = x[j] * y[j]; }
            case DIV -> { for (int j = 0; j < n; j++) { if (y[j] == 0) throw divisionByZero(); r[j] = x[j] / y[j]; } }
            case POW -> { for (int j = 0; j < n; j++) r[j] = pow(x[j], y[j]); }
            case MAXIMUM -> { for (int j = 0; j < n; j++) r[j] = Math.max(x[j], y[j]); }
            case MINIMUM -> { for (int j = 0; j < n; j++) r[j] = Math.min(x[j], y[j]); }
            case ATAN2 -> { for (int j = 0; j < n; j++) r[j] = (long) Math.atan2(x[j], y[j]); }
            case FMOD -> { for (int j = 0; j < n; j++) { if (y[j] == 0) throw divisionByZero(); r[j] = x[j] % y[j]; } }
            case REMAINDER -> { for (int j = 0; j < n; j++) { if (y[j] == 0) throw divisionByZero(); r[j] = Math.floorMod(x[j], y[j]); } }
            case FLOOR_DIVIDE -> { for (int j = 0; j < n; j++) { if (y[j] == 0) throw divisionByZero(); r[j] = Math.floorDiv(x[j], y[j]); } }
            case BITWISE_AND -> { for (int j = 0; j < n; j++) r[j] = x[j] & y[j]; }
            case BITWISE_OR -> { for (int j = 0; j < n; j++) r[j] = x[j] | y[j]; }
            case BITWISE_XOR -> { for (int j = 0; j < n; j++) r[j] = x[j] ^ y[j]; }
            case EQ -> { for (int j = 0; j < n; j++) r[j] = x[j] == y[j] ? 1 : 0; }
            case NE -> { for (int j = 0; j < n; j++) r[j] = x[j] != y[j] ? 1 : 0; }
            case LT -> { for (int j = 0; j < n; j++) r[j] = x[j] < y[j] ? 1 : 0; }
            case LE -> { for (int j = 0; j < n; j++) r[j] = x[j] <= y[j] ? 1 : 0; }
            case GT -> { for (int j = 0; j < n; j++) r[j] = x[j] > y[j] ? 1 : 0; }
            case GE -> { for (int j = 0; j < n; j++) r[j] = x[j] >= y[j] ? 1 : 0; }
            case LOGICAL_AND -> { for (int j = 0; j < n; j++) r[j] = x[j] != 0 && y[j] != 0 ? 1 : 0; }
            case LOGICAL_OR -> { for (int j = 0; j < n; j++) r[j] = x[j] != 0 || y[j] != 0 ? 1 : 0; }
            case LOGICAL_XOR -> { for (int j = 0; j < n; j++) r[j] = (x[j] != 0) != (y[j] != 0) ? 1 : 0; }
            case THRESHOLD_BACKWARD -> { for (int j = 0; j < n; j++) r[j] = y[j] <= 0 ? 0 : x[j]; }
            case GELU_BACKWARD, GELU_TANH_BACKWARD, SILU_BACKWARD, TANH_BACKWARD, SIGMOID_BACKWARD ->
                    throw new IllegalStateException(op + " has no integer loop");
        }
    }

    /** Exact integer power by repeated squaring (wrapping on overflow, as C does). */
    static long pow(long base, long exponent) {
        if (exponent < 0) {
            throw new ArithmeticException("Integers to negative integer powers are not allowed.");
        }
        long result = 1;
        while (exponent > 0) {
            if ((exponent & 1) != 0) result *= base;
            base *= base;
            exponent >>= 1;
        }
        return result;
    }

    static void doubleOp(BinaryOp op, double[] x, double[] y, double[] r, int n) {
        switch (op) {
            case ADD -> { for (int j = 0; j < n; j++) r[j] = x[j] + y[j]; }
            case SUB -> { for (int j = 0; j < n; j++) r[j] = x[j] - y[j]; }
            case MUL -> { for (int j = 0; j < n; j++) r[j] = x[j] * y[j]; }
            case DIV -> { for (int j = 0; j < n; j++) r[j] = x[j] / y[j]; }
            case POW -> { for (int j = 0; j < n; j++) r[j] = Math.pow(x[j], y[j]); }
            case MAXIMUM -> { for (int j = 0; j < n; j++) r[j] = Math.max(x[j], y[j]); }
            case MINIMUM -> { for (int j = 0; j < n; j++) r[j] = Math.min(x[j], y[j]); }
            case ATAN2 -> { for (int j = 0; j < n; j++) r[j] = Math.atan2(x[j], y[j]); }
            case FMOD -> { for (int j = 0; j < n; j++) r[j] = x[j] % y[j]; }
            case REMAINDER -> { for (int j = 0; j < n; j++) r[j] = remainder(x[j], y[j]); }
            case FLOOR_DIVIDE -> { for (int j = 0; j < n; j++) r[j] = floorDivide(x[j], y[j]); }
            case THRESHOLD_BACKWARD -> { for (int j = 0; j < n; j++) r[j] = y[j] <= 0 ? 0 : x[j]; }
            case GELU_BACKWARD -> { for (int j = 0; j < n; j++) r[j] = x[j] * SmoothActivations.geluDerivative(y[j]); }
            case GELU_TANH_BACKWARD -> { for (int j = 0; j < n; j++) r[j] = x[j] * SmoothActivations.geluTanhDerivative(y[j]); }
            case SILU_BACKWARD -> { for (int j = 0; j < n; j++) r[j] = x[j] * SmoothActivations.siluDerivative(y[j]); }
            case TANH_BACKWARD -> { for (int j = 0; j < n; j++) r[j] = x[j] * (1 - y[j] * y[j]); }
            case SIGMOID_BACKWARD -> { for (int j = 0; j < n; j++) r[j] = x[j] * (1 - y[j]) * y[j]; }
            default -> throw new IllegalStateException(op + " has no floating loop");
        }
    }

    /** Python's modulo: the result takes the sign of the divisor. */
    static double remainder(double a, double b) {
        double m = a % b;
        if (m != 0 && (m < 0) != (b < 0)) m += b;
        return m;
    }

    /** PyTorch's floor division for floats, which corrects the rounding of (a - fmod(a, b)) / b. */
    static double floorDivide(double a, double b) {
        if (b == 0) return a / b;
        double mod = a % b;
        double div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0)) div -= 1;
        if (div == 0) return Math.copySign(0.0, a / b);
        double floor = Math.floor(div);
        if (div - floor > 0.5) floor += 1;
        return floor;
    }

    private static void predicate(BinaryOp op, double[] x, double[] y, long[] r, int n) {
        switch (op) {
            case EQ -> { for (int j = 0; j < n; j++) r[j] = x[j] == y[j] ? 1 : 0; }
            case NE -> { for (int j = 0; j < n; j++) r[j] = x[j] != y[j] ? 1 : 0; }
            case LT -> { for (int j = 0; j < n; j++) r[j] = x[j] < y[j] ? 1 : 0; }
            case LE -> { for (int j = 0; j < n; j++) r[j] = x[j] <= y[j] ? 1 : 0; }
            case GT -> { for (int j = 0; j < n; j++) r[j] = x[j] > y[j] ? 1 : 0; }
            case GE -> { for (int j = 0; j < n; j++) r[j] = x[j] >= y[j] ? 1 : 0; }
            case LOGICAL_AND -> { for (int j = 0; j < n; j++) r[j] = x[j] != 0 && y[j] != 0 ? 1 : 0; }
            case LOGICAL_OR -> { for (int j = 0; j < n; j++) r[j] = x[j] != 0 || y[j] != 0 ? 1 : 0; }
            case LOGICAL_XOR -> { for (int j = 0; j < n; j++) r[j] = (x[j] != 0) != (y[j] != 0) ? 1 : 0; }
            default -> throw new IllegalStateException(op + " is not a predicate");
        }
    }

    private static FloatVector fv(MemorySegment s, long off, long stride, long i) {
        return stride == 0 ? FloatVector.broadcast(FS, s.getAtIndex(Elements.F32, off))
                : FloatVector.fromMemorySegment(FS, s, (off + i) * Float.BYTES, ORDER);
    }

    private static DoubleVector dv(MemorySegment s, long off, long stride, long i) {
        return stride == 0 ? DoubleVector.broadcast(DS, s.getAtIndex(Elements.F64, off))
                : DoubleVector.fromMemorySegment(DS, s, (off + i) * Double.BYTES, ORDER);
    }

    private static void floatRow(BinaryOp op, MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                                 MemorySegment o, long oo, long n) {
        int step = FS.length();
        boolean friendly = vectorFriendly(a, as, b, bs, o);
        long bound = friendly ? n - n % step : 0;
        // one small method per op, so that a first use of an op does not make C2 recompile the
        // others' loops (see UnaryKernels.floatRow)
        long i = switch (op) {
            case ADD -> floatAdd(a, ao, as, b, bo, bs, o, oo, bound);
            case SUB -> floatSub(a, ao, as, b, bo, bs, o, oo, bound);
            case MUL -> floatMul(a, ao, as, b, bo, bs, o, oo, bound);
            case DIV -> floatDiv(a, ao, as, b, bo, bs, o, oo, bound);
            case MAXIMUM -> floatMaximum(a, ao, as, b, bo, bs, o, oo, bound);
            case MINIMUM -> floatMinimum(a, ao, as, b, bo, bs, o, oo, bound);
            case THRESHOLD_BACKWARD -> floatThresholdBackward(a, ao, as, b, bo, bs, o, oo, bound);
            case GELU_BACKWARD -> floatGeluBackward(a, ao, as, b, bo, bs, o, oo, bound);
            case GELU_TANH_BACKWARD -> floatGeluTanhBackward(a, ao, as, b, bo, bs, o, oo, bound);
            case SILU_BACKWARD -> floatSiluBackward(a, ao, as, b, bo, bs, o, oo, bound);
            case TANH_BACKWARD -> floatTanhBackward(a, ao, as, b, bo, bs, o, oo, bound);
            case SIGMOID_BACKWARD -> floatSigmoidBackward(a, ao, as, b, bo, bs, o, oo, bound);
            default -> throw new IllegalStateException(op + " is not vectorised");
        };
        if (friendly && i < n) {
            // one masked step for the tail: rows are often short (a conv's output width), and
            // a 16-lane tail done element by element would cost as much as the vector part
            VectorMask<Float> mask = FS.indexInRange(i, n);
            FloatVector x = as == 0 ? FloatVector.broadcast(FS, a.getAtIndex(Elements.F32, ao))
                    : FloatVector.fromMemorySegment(FS, a, (ao + i) * 4, ORDER, mask);
            FloatVector y = bs == 0 ? FloatVector.broadcast(FS, b.getAtIndex(Elements.F32, bo))
                    : FloatVector.fromMemorySegment(FS, b, (bo + i) * 4, ORDER, mask);
            FloatVector r = switch (op) {
                case ADD -> x.add(y);
                case SUB -> x.sub(y);
                case MUL -> x.mul(y);
                case DIV -> x.div(y);
                case MAXIMUM -> x.max(y);
                case MINIMUM -> x.min(y);
                case GELU_BACKWARD -> x.mul(SmoothActivations.geluDerivative(y));
                case GELU_TANH_BACKWARD -> x.mul(SmoothActivations.geluTanhDerivative(y));
                case SILU_BACKWARD -> x.mul(SmoothActivations.siluDerivative(y));
                case TANH_BACKWARD -> x.mul(y.mul(y).neg().add(1f));
                case SIGMOID_BACKWARD -> x.mul(y.neg().add(1f)).mul(y);
                default -> x.blend(0f, y.compare(VectorOperators.LE, 0f));
            };
            r.intoMemorySegment(o, (oo + i) * 4, ORDER, mask);
            return;
        }
        if (i < n) floatScalarRow(op, a, ao, as, b, bo, bs, o, oo, i, n);
    }

    /**
     * Elements {@code [from, n)} one at a time (small heap-backed or strided operands). One loop
     * per op, not a switch inside one loop: with the switch in the loop, C2 hoisted a check
     * speculated from the profile out of it, the next op failed it, and the row's method was
     * recompiled about twice a second for a whole CNN training epoch (half the speed).
     */
    private static void floatScalarRow(BinaryOp op, MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                                       MemorySegment o, long oo, long from, long n) {
        switch (op) {
            case ADD -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F32, oo + i, fa(a, ao, as, i) + fa(b, bo, bs, i)); }
            case SUB -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F32, oo + i, fa(a, ao, as, i) - fa(b, bo, bs, i)); }
            case MUL -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F32, oo + i, fa(a, ao, as, i) * fa(b, bo, bs, i)); }
            case DIV -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F32, oo + i, fa(a, ao, as, i) / fa(b, bo, bs, i)); }
            case MAXIMUM -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F32, oo + i, Math.max(fa(a, ao, as, i), fa(b, bo, bs, i))); }
            case MINIMUM -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F32, oo + i, Math.min(fa(a, ao, as, i), fa(b, bo, bs, i))); }
            case THRESHOLD_BACKWARD -> {
                for (long i = from; i < n; i++) o.setAtIndex(Elements.F32, oo + i, fa(b, bo, bs, i) <= 0 ? 0f : fa(a, ao, as, i));
            }
            case GELU_BACKWARD -> {
                for (long i = from; i < n; i++) {
                    o.setAtIndex(Elements.F32, oo + i, fa(a, ao, as, i) * SmoothActivations.geluDerivative(fa(b, bo, bs, i)));
                }
            }
            case GELU_TANH_BACKWARD -> {
                for (long i = from; i < n; i++) {
                    o.setAtIndex(Elements.F32, oo + i, (float) (fa(a, ao, as, i) * SmoothActivations.geluTanhDerivative(fa(b, bo, bs, i))));
                }
            }
            case SILU_BACKWARD -> {
                for (long i = from; i < n; i++) {
                    o.setAtIndex(Elements.F32, oo + i, (float) (fa(a, ao, as, i) * SmoothActivations.siluDerivative(fa(b, bo, bs, i))));
                }
            }
            case TANH_BACKWARD -> {
                for (long i = from; i < n; i++) {
                    float y = fa(b, bo, bs, i);
                    o.setAtIndex(Elements.F32, oo + i, fa(a, ao, as, i) * (1 - y * y));
                }
            }
            case SIGMOID_BACKWARD -> {
                for (long i = from; i < n; i++) {
                    float y = fa(b, bo, bs, i);
                    o.setAtIndex(Elements.F32, oo + i, fa(a, ao, as, i) * (1 - y) * y);
                }
            }
            default -> throw new IllegalStateException(op + " is not vectorised");
        }
    }

    private static float fa(MemorySegment s, long offset, long stride, long i) {
        return s.getAtIndex(Elements.F32, offset + i * stride);
    }

    private static long floatAdd(MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs, MemorySegment o, long oo,
                                  long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) fv(a, ao, as, i).add(fv(b, bo, bs, i)).intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static long floatSub(MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs, MemorySegment o, long oo,
                                  long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) fv(a, ao, as, i).sub(fv(b, bo, bs, i)).intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static long floatMul(MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs, MemorySegment o, long oo,
                                  long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) fv(a, ao, as, i).mul(fv(b, bo, bs, i)).intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static long floatDiv(MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs, MemorySegment o, long oo,
                                  long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) fv(a, ao, as, i).div(fv(b, bo, bs, i)).intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static long floatMaximum(MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs, MemorySegment o, long oo,
                                  long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) fv(a, ao, as, i).max(fv(b, bo, bs, i)).intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static long floatMinimum(MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs, MemorySegment o, long oo,
                                  long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) fv(a, ao, as, i).min(fv(b, bo, bs, i)).intoMemorySegment(o, (oo + i) * 4, ORDER);
        return i;
    }

    private static long floatThresholdBackward(MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                                               MemorySegment o, long oo, long bound) {
        long i = 0;
        // "input <= 0" is false for NaN, so NaN passes the gradient, as in PyTorch
        for (; i < bound; i += FS.length()) {
            fv(a, ao, as, i).blend(0f, fv(b, bo, bs, i).compare(VectorOperators.LE, 0f)).intoMemorySegment(o, (oo + i) * 4, ORDER);
        }
        return i;
    }

    private static long floatGeluBackward(MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                                          MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) {
            fv(a, ao, as, i).mul(SmoothActivations.geluDerivative(fv(b, bo, bs, i))).intoMemorySegment(o, (oo + i) * 4, ORDER);
        }
        return i;
    }

    private static long floatGeluTanhBackward(MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                                              MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) {
            fv(a, ao, as, i).mul(SmoothActivations.geluTanhDerivative(fv(b, bo, bs, i))).intoMemorySegment(o, (oo + i) * 4, ORDER);
        }
        return i;
    }

    private static long floatSiluBackward(MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                                          MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) {
            fv(a, ao, as, i).mul(SmoothActivations.siluDerivative(fv(b, bo, bs, i))).intoMemorySegment(o, (oo + i) * 4, ORDER);
        }
        return i;
    }

    private static long floatTanhBackward(MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                                          MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) {
            FloatVector y = fv(b, bo, bs, i);
            fv(a, ao, as, i).mul(y.mul(y).neg().add(1f)).intoMemorySegment(o, (oo + i) * 4, ORDER);
        }
        return i;
    }

    private static long floatSigmoidBackward(MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                                             MemorySegment o, long oo, long bound) {
        long i = 0;
        for (; i < bound; i += FS.length()) {
            FloatVector y = fv(b, bo, bs, i);
            fv(a, ao, as, i).mul(y.neg().add(1f)).mul(y).intoMemorySegment(o, (oo + i) * 4, ORDER);
        }
        return i;
    }

    private static void doubleRow(BinaryOp op, MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                                  MemorySegment o, long oo, long n) {
        int step = DS.length();
        long bound = vectorFriendly(a, as, b, bs, o) ? n - n % step : 0;
        long i = 0;
        switch (op) {
            case ADD -> { for (; i < bound; i += step) dv(a, ao, as, i).add(dv(b, bo, bs, i)).intoMemorySegment(o, (oo + i) * 8, ORDER); }
            case SUB -> { for (; i < bound; i += step) dv(a, ao, as, i).sub(dv(b, bo, bs, i)).intoMemorySegment(o, (oo + i) * 8, ORDER); }
            case MUL -> { for (; i < bound; i += step) dv(a, ao, as, i).mul(dv(b, bo, bs, i)).intoMemorySegment(o, (oo + i) * 8, ORDER); }
            case DIV -> { for (; i < bound; i += step) dv(a, ao, as, i).div(dv(b, bo, bs, i)).intoMemorySegment(o, (oo + i) * 8, ORDER); }
            case MAXIMUM -> { for (; i < bound; i += step) dv(a, ao, as, i).max(dv(b, bo, bs, i)).intoMemorySegment(o, (oo + i) * 8, ORDER); }
            case MINIMUM -> { for (; i < bound; i += step) dv(a, ao, as, i).min(dv(b, bo, bs, i)).intoMemorySegment(o, (oo + i) * 8, ORDER); }
            case THRESHOLD_BACKWARD -> {
                for (; i < bound; i += step) {
                    dv(a, ao, as, i).blend(0.0, dv(b, bo, bs, i).compare(VectorOperators.LE, 0.0))
                            .intoMemorySegment(o, (oo + i) * 8, ORDER);
                }
            }
            case GELU_TANH_BACKWARD -> {
                for (; i < bound; i += step) {
                    dv(a, ao, as, i).mul(SmoothActivations.geluTanhDerivative(dv(b, bo, bs, i))).intoMemorySegment(o, (oo + i) * 8, ORDER);
                }
            }
            case SILU_BACKWARD -> {
                for (; i < bound; i += step) {
                    dv(a, ao, as, i).mul(SmoothActivations.siluDerivative(dv(b, bo, bs, i))).intoMemorySegment(o, (oo + i) * 8, ORDER);
                }
            }
            case TANH_BACKWARD -> {
                for (; i < bound; i += step) {
                    DoubleVector y = dv(b, bo, bs, i);
                    dv(a, ao, as, i).mul(y.mul(y).neg().add(1.0)).intoMemorySegment(o, (oo + i) * 8, ORDER);
                }
            }
            case SIGMOID_BACKWARD -> {
                for (; i < bound; i += step) {
                    DoubleVector y = dv(b, bo, bs, i);
                    dv(a, ao, as, i).mul(y.neg().add(1.0)).mul(y).intoMemorySegment(o, (oo + i) * 8, ORDER);
                }
            }
            default -> throw new IllegalStateException(op + " is not vectorised");
        }
        if (i < n) doubleScalarRow(op, a, ao, as, b, bo, bs, o, oo, i, n);
    }

    /** {@link #floatScalarRow} for float64: one loop per op. */
    private static void doubleScalarRow(BinaryOp op, MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                                        MemorySegment o, long oo, long from, long n) {
        switch (op) {
            case ADD -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, da(a, ao, as, i) + da(b, bo, bs, i)); }
            case SUB -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, da(a, ao, as, i) - da(b, bo, bs, i)); }
            case MUL -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, da(a, ao, as, i) * da(b, bo, bs, i)); }
            case DIV -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, da(a, ao, as, i) / da(b, bo, bs, i)); }
            case MAXIMUM -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, Math.max(da(a, ao, as, i), da(b, bo, bs, i))); }
            case MINIMUM -> { for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, Math.min(da(a, ao, as, i), da(b, bo, bs, i))); }
            case THRESHOLD_BACKWARD -> {
                for (long i = from; i < n; i++) o.setAtIndex(Elements.F64, oo + i, da(b, bo, bs, i) <= 0 ? 0.0 : da(a, ao, as, i));
            }
            case GELU_TANH_BACKWARD -> {
                for (long i = from; i < n; i++) {
                    o.setAtIndex(Elements.F64, oo + i, da(a, ao, as, i) * SmoothActivations.geluTanhDerivative(da(b, bo, bs, i)));
                }
            }
            case SILU_BACKWARD -> {
                for (long i = from; i < n; i++) {
                    o.setAtIndex(Elements.F64, oo + i, da(a, ao, as, i) * SmoothActivations.siluDerivative(da(b, bo, bs, i)));
                }
            }
            case TANH_BACKWARD -> {
                for (long i = from; i < n; i++) {
                    double y = da(b, bo, bs, i);
                    o.setAtIndex(Elements.F64, oo + i, da(a, ao, as, i) * (1 - y * y));
                }
            }
            case SIGMOID_BACKWARD -> {
                for (long i = from; i < n; i++) {
                    double y = da(b, bo, bs, i);
                    o.setAtIndex(Elements.F64, oo + i, da(a, ao, as, i) * (1 - y) * y);
                }
            }
            default -> throw new IllegalStateException(op + " is not vectorised");
        }
    }

    private static double da(MemorySegment s, long offset, long stride, long i) {
        return s.getAtIndex(Elements.F64, offset + i * stride);
    }

    private static VectorOperators.Comparison comparison(BinaryOp op) {
        return switch (op) {
            case EQ -> VectorOperators.EQ;
            case NE -> VectorOperators.NE;
            case LT -> VectorOperators.LT;
            case LE -> VectorOperators.LE;
            case GT -> VectorOperators.GT;
            case GE -> VectorOperators.GE;
            default -> null;
        };
    }

    /** A float32 comparison or logical op into BOOL bytes: vector masks on unit-stride runs, a tight loop otherwise. */
    private static void floatPredicateRow(BinaryOp op, MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                                          MemorySegment o, long oo, long os, long n) {
        long i = 0;
        VectorOperators.Comparison comparison = comparison(op);
        if (comparison != null && FLOAT_MASK_BYTES != null && os == 1 && (as == 0 || as == 1) && (bs == 0 || bs == 1)
                && vectorFriendly(a, as, b, bs, o)) {
            int step = FS.length();
            long bound = n - n % step;
            ByteVector zero = ByteVector.zero(FLOAT_MASK_BYTES);
            for (; i < bound; i += step) {
                VectorMask<Float> mask = fv(a, ao, as, i).compare(comparison, fv(b, bo, bs, i));
                zero.blend((byte) 1, mask.cast(FLOAT_MASK_BYTES)).intoMemorySegment(o, oo + i, ORDER);
            }
        }
        if (i < n) predicateScalarRow(op, true, a, ao, as, b, bo, bs, o, oo, os, i, n);
    }

    private static void doublePredicateRow(BinaryOp op, MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                                           MemorySegment o, long oo, long os, long n) {
        long i = 0;
        VectorOperators.Comparison comparison = comparison(op);
        if (comparison != null && DOUBLE_MASK_BYTES != null && os == 1 && (as == 0 || as == 1) && (bs == 0 || bs == 1)
                && vectorFriendly(a, as, b, bs, o)) {
            int step = DS.length();
            long bound = n - n % step;
            ByteVector zero = ByteVector.zero(DOUBLE_MASK_BYTES);
            for (; i < bound; i += step) {
                VectorMask<Double> mask = dv(a, ao, as, i).compare(comparison, dv(b, bo, bs, i));
                zero.blend((byte) 1, mask.cast(DOUBLE_MASK_BYTES)).intoMemorySegment(o, oo + i, ORDER);
            }
        }
        if (i < n) predicateScalarRow(op, false, a, ao, as, b, bo, bs, o, oo, os, i, n);
    }

    /**
     * Elements {@code [from, n)} of a comparison or logical op one at a time, float32 or float64
     * read as double; one loop per op for the reason given at {@link #floatScalarRow}.
     */
    private static void predicateScalarRow(BinaryOp op, boolean single, MemorySegment a, long ao, long as, MemorySegment b,
                                           long bo, long bs, MemorySegment o, long oo, long os, long from, long n) {
        switch (op) {
            case EQ -> { for (long i = from; i < n; i++) truth(o, oo + i * os, value(single, a, ao, as, i) == value(single, b, bo, bs, i)); }
            case NE -> { for (long i = from; i < n; i++) truth(o, oo + i * os, value(single, a, ao, as, i) != value(single, b, bo, bs, i)); }
            case LT -> { for (long i = from; i < n; i++) truth(o, oo + i * os, value(single, a, ao, as, i) < value(single, b, bo, bs, i)); }
            case LE -> { for (long i = from; i < n; i++) truth(o, oo + i * os, value(single, a, ao, as, i) <= value(single, b, bo, bs, i)); }
            case GT -> { for (long i = from; i < n; i++) truth(o, oo + i * os, value(single, a, ao, as, i) > value(single, b, bo, bs, i)); }
            case GE -> { for (long i = from; i < n; i++) truth(o, oo + i * os, value(single, a, ao, as, i) >= value(single, b, bo, bs, i)); }
            case LOGICAL_AND -> {
                for (long i = from; i < n; i++) {
                    truth(o, oo + i * os, value(single, a, ao, as, i) != 0 && value(single, b, bo, bs, i) != 0);
                }
            }
            case LOGICAL_OR -> {
                for (long i = from; i < n; i++) {
                    truth(o, oo + i * os, value(single, a, ao, as, i) != 0 || value(single, b, bo, bs, i) != 0);
                }
            }
            case LOGICAL_XOR -> {
                for (long i = from; i < n; i++) {
                    truth(o, oo + i * os, (value(single, a, ao, as, i) != 0) != (value(single, b, bo, bs, i) != 0));
                }
            }
            default -> throw new IllegalStateException(op + " is not a predicate");
        }
    }

    private static double value(boolean single, MemorySegment s, long offset, long stride, long i) {
        return single ? s.getAtIndex(Elements.F32, offset + i * stride) : s.getAtIndex(Elements.F64, offset + i * stride);
    }

    private static void truth(MemorySegment o, long index, boolean value) {
        o.set(Elements.I8, index, value ? (byte) 1 : (byte) 0);
    }
}
