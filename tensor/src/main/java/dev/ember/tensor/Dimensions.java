package dev.ember.tensor;

import java.util.Arrays;

/** Dim arguments as PyTorch reads them: negative dims count from the end, checked against the rank. */
final class Dimensions {
    private Dimensions() {}

    /** Wraps {@code dim} for a tensor of rank {@code rank}; rank 0 accepts -1 and 0 like PyTorch. */
    static int wrap(int dim, int rank) {
        int effectiveRank = Math.max(rank, 1);
        if (dim < -effectiveRank || dim >= effectiveRank) {
            throw new IndexOutOfBoundsException("Dimension out of range (expected to be in range of ["
                    + -effectiveRank + ", " + (effectiveRank - 1) + "], but got " + dim + ")");
        }
        return dim < 0 ? dim + effectiveRank : dim;
    }

    /** Wraps a list of dims, rejecting repeats; an empty list means every dim. */
    static int[] wrapAll(int[] dims, int rank) {
        if (dims.length == 0) {
            int[] all = new int[rank];
            for (int d = 0; d < rank; d++) all[d] = d;
            return all;
        }
        int[] wrapped = new int[dims.length];
        boolean[] seen = new boolean[Math.max(rank, 1)];
        for (int i = 0; i < dims.length; i++) {
            wrapped[i] = wrap(dims[i], rank);
            if (seen[wrapped[i]]) {
                throw new IllegalArgumentException("dim " + wrapped[i] + " appears multiple times in the list of dims "
                        + Arrays.toString(dims));
            }
            seen[wrapped[i]] = true;
        }
        Arrays.sort(wrapped);
        return wrapped;
    }

    static String shapeText(long[] shape) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) text.append(", ");
            text.append(shape[i]);
        }
        return text.append(']').toString();
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) n = Math.multiplyExact(n, s);
        return n;
    }
}
