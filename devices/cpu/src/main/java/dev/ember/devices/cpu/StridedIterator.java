package dev.ember.devices.cpu;

import dev.ember.devices.Layout;

/**
 * Walks several same-shaped layouts together in row-major order, one innermost "row" at a
 * time. Dims are coalesced first (size-1 dims dropped, adjacent dims merged where every
 * operand's strides allow), so contiguous operands become a single row that kernels can
 * hand to the Vector API. The logical row-major order is never changed.
 *
 * <pre>{@code
 * StridedIterator it = new StridedIterator(shape, in.layout(), out.layout());
 * StridedIterator.Cursor c = it.cursor(0);
 * while (...) { kernel(c.offset(0), it.innerStride(0), c.offset(1), it.innerStride(1), c.run(remaining)); c.advance(n); }
 * }</pre>
 */
final class StridedIterator {

    final long[] shape;
    final long[][] strides;
    final long[] offsets;
    final long numel;
    final int rank;

    StridedIterator(long[] shape, Layout... layouts) {
        int operands = layouts.length;
        long[][] st = new long[operands][];
        for (int k = 0; k < operands; k++) st[k] = layouts[k].strides();
        this.offsets = new long[operands];
        for (int k = 0; k < operands; k++) offsets[k] = layouts[k].offset();
        long n = 1;
        for (long s : shape) n *= s;
        this.numel = n;

        long[] cs = new long[shape.length + 1];
        long[][] cst = new long[operands][shape.length + 1];
        int r = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (r > 0 && mergeable(cst, r - 1, st, d, shape[d])) {
                cs[r - 1] *= shape[d];
                for (int k = 0; k < operands; k++) cst[k][r - 1] = st[k][d];
                continue;
            }
            cs[r] = shape[d];
            for (int k = 0; k < operands; k++) cst[k][r] = st[k][d];
            r++;
        }
        if (r == 0) {
            cs[0] = numel == 0 ? 0 : 1;
            for (int k = 0; k < operands; k++) cst[k][0] = 1;
            r = 1;
        }
        this.rank = r;
        this.shape = java.util.Arrays.copyOf(cs, r);
        this.strides = new long[operands][];
        for (int k = 0; k < operands; k++) strides[k] = java.util.Arrays.copyOf(cst[k], r);
    }

    private static boolean mergeable(long[][] cst, int outer, long[][] st, int d, long size) {
        for (int k = 0; k < cst.length; k++) {
            if (cst[k][outer] != st[k][d] * size) return false;
        }
        return true;
    }

    /** Length of the innermost (coalesced) dim. */
    long inner() { return shape[rank - 1]; }

    long innerStride(int operand) { return strides[operand][rank - 1]; }

    /** True when operand k's elements form one run with stride 1 (after coalescing). */
    boolean isContiguous(int operand) { return rank == 1 && strides[operand][0] == 1; }

    Cursor cursor(long startElement) { return new Cursor(startElement); }

    /** A position in the walk: the element offset of every operand at the current element. */
    final class Cursor {
        private final long[] counter = new long[rank];
        private final long[] position;

        Cursor(long start) {
            position = offsets.clone();
            long rest = start;
            for (int d = rank - 1; d >= 0 && rest > 0; d--) {
                long size = shape[d];
                long i = rest % size;
                rest /= size;
                counter[d] = i;
                for (int k = 0; k < position.length; k++) position[k] += i * strides[k][d];
            }
        }

        long offset(int operand) { return position[operand]; }

        /** How many elements remain in the current row, capped at {@code limit}. */
        long run(long limit) { return Math.min(shape[rank - 1] - counter[rank - 1], limit); }

        /** Moves {@code n} elements forward within the current row, carrying into outer dims at its end. */
        void advance(long n) {
            int d = rank - 1;
            counter[d] += n;
            for (int k = 0; k < position.length; k++) position[k] += n * strides[k][d];
            while (counter[d] >= shape[d] && d > 0) {
                for (int k = 0; k < position.length; k++) position[k] -= counter[d] * strides[k][d];
                counter[d] = 0;
                d--;
                counter[d]++;
                for (int k = 0; k < position.length; k++) position[k] += strides[k][d];
            }
        }
    }
}
