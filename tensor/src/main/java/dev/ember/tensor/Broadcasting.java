package dev.ember.tensor;

/**
 * PyTorch's broadcasting rules: shapes align from the right, and a size of 1 (or a missing
 * dim) stretches to the other size. Gradients of a broadcast input are summed back to its
 * shape by {@link #sumToShape}.
 */
final class Broadcasting {
    private Broadcasting() {}

    static long[] broadcastShapes(long[] left, long[] right) {
        if (java.util.Arrays.equals(left, right)) return left;
        int rank = Math.max(left.length, right.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            int l = left.length - rank + i;
            int r = right.length - rank + i;
            long ls = l >= 0 ? left[l] : 1;
            long rs = r >= 0 ? right[r] : 1;
            if (ls != rs && ls != 1 && rs != 1) {
                throw new IllegalArgumentException("The size of tensor a (" + ls + ") must match the size of tensor b ("
                        + rs + ") at non-singleton dimension " + i + " (shapes " + Dimensions.shapeText(left)
                        + " and " + Dimensions.shapeText(right) + ")");
            }
            out[i] = ls == 1 ? rs : ls;
        }
        return out;
    }

    static long[] broadcastShapes(long[]... shapes) {
        long[] out = new long[0];
        for (long[] shape : shapes) out = broadcastShapes(out, shape);
        return out;
    }

    /** Sums {@code gradient} over the dims that broadcasting stretched, giving {@code shape}. */
    static Tensor sumToShape(Tensor gradient, long[] shape) {
        long[] gradShape = gradient.shape();
        if (java.util.Arrays.equals(gradShape, shape)) return gradient;
        int lead = gradShape.length - shape.length;
        int[] dims = new int[gradShape.length];
        int count = 0;
        for (int d = 0; d < gradShape.length; d++) {
            if (d < lead || (shape[d - lead] == 1 && gradShape[d] != 1)) dims[count++] = d;
        }
        Tensor summed = count == 0 ? gradient : gradient.sum(java.util.Arrays.copyOf(dims, count), true);
        return summed.reshape(shape);
    }
}
