package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Strided;

import java.util.Arrays;

/**
 * The cheap checks every CPU kernel runs before touching memory, so that a wrong call is an
 * exception naming shapes and dtypes, never a JVM crash.
 */
final class OperandChecks {

    private OperandChecks() {}

    /** Checks that the operand lives in an open CPU buffer and its layout stays inside it. */
    static void operand(Object op, Strided s) {
        if (s == null) throw new IllegalArgumentException(name(op) + ": operand is null");
        if (!(s.buffer() instanceof CpuBuffer)) {
            throw new IllegalArgumentException(name(op) + ": expected a cpu buffer, got " + s.buffer().getClass().getSimpleName()
                    + " on " + s.buffer().device());
        }
        s.checkBounds();
    }

    static void sameShape(Object op, Strided a, Strided b) {
        if (!sameShape(a.layout(), b.layout())) {
            throw new IllegalArgumentException(name(op) + ": shapes differ: " + shape(a) + " and " + shape(b));
        }
    }

    static void dtype(Object op, String what, Strided s, DType expected) {
        if (s.dtype() != expected) {
            throw new IllegalArgumentException(name(op) + ": expected " + what + " of dtype " + expected + ", got " + s.dtype());
        }
    }

    static void sameDtype(Object op, Strided a, Strided b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(name(op) + ": operands have different dtypes " + a.dtype() + " and " + b.dtype());
        }
    }

    static void notFloating(Object op, Strided s) {
        if (s.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(name(op) + " is not implemented for " + s.dtype());
        }
    }

    static void floating(Object op, Strided s) {
        if (!s.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(name(op) + " is not implemented for " + s.dtype());
        }
    }

    static int dim(Object op, int dim, int rank) {
        int d = dim < 0 ? dim + Math.max(rank, 1) : dim;
        if (d < 0 || d >= Math.max(rank, 1) || (rank == 0 && d != 0)) {
            throw new IndexOutOfBoundsException(name(op) + ": dimension out of range (expected to be in range of ["
                    + -Math.max(rank, 1) + ", " + (Math.max(rank, 1) - 1) + "], but got " + dim + ")");
        }
        return d;
    }

    private static boolean sameShape(dev.ember.devices.Layout a, dev.ember.devices.Layout b) {
        if (a.dim() != b.dim()) return false;
        for (int d = 0; d < a.dim(); d++) if (a.size(d) != b.size(d)) return false;
        return true;
    }

    /** An op's name as PyTorch spells it; built only when a message needs it, so checks never allocate. */
    static String name(Object op) {
        return op instanceof Enum<?> e ? e.name().toLowerCase(java.util.Locale.ROOT) : String.valueOf(op);
    }

    static String shape(Strided s) { return Arrays.toString(s.layout().shape()); }
}
