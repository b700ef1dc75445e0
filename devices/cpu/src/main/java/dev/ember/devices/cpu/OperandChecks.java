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
    static void operand(String op, Strided s) {
        if (s == null) throw new IllegalArgumentException(op + ": operand is null");
        if (!(s.buffer() instanceof CpuBuffer)) {
            throw new IllegalArgumentException(op + ": expected a cpu buffer, got " + s.buffer().getClass().getSimpleName()
                    + " on " + s.buffer().device());
        }
        s.checkBounds();
    }

    static void sameShape(String op, Strided a, Strided b) {
        if (!Arrays.equals(a.layout().shape(), b.layout().shape())) {
            throw new IllegalArgumentException(op + ": shapes differ: " + shape(a) + " and " + shape(b));
        }
    }

    static void dtype(String op, String what, Strided s, DType expected) {
        if (s.dtype() != expected) {
            throw new IllegalArgumentException(op + ": expected " + what + " of dtype " + expected + ", got " + s.dtype());
        }
    }

    static void sameDtype(String op, Strided a, Strided b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": operands have different dtypes " + a.dtype() + " and " + b.dtype());
        }
    }

    static void notFloating(String op, Strided s) {
        if (s.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + " is not implemented for " + s.dtype());
        }
    }

    static int dim(String op, int dim, int rank) {
        int d = dim < 0 ? dim + Math.max(rank, 1) : dim;
        if (d < 0 || d >= Math.max(rank, 1) || (rank == 0 && d != 0)) {
            throw new IndexOutOfBoundsException(op + ": dimension out of range (expected to be in range of ["
                    + -Math.max(rank, 1) + ", " + (Math.max(rank, 1) - 1) + "], but got " + dim + ")");
        }
        return d;
    }

    static String shape(Strided s) { return Arrays.toString(s.layout().shape()); }
}
