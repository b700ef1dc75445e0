package dev.ember.nn.functional;

import dev.ember.tensor.FusedNormalization;
import dev.ember.tensor.Tensor;

/**
 * How a normalisation over some dims of an input maps onto the fused kernels'
 * {@code [outer, groups, inner]} view: the kept dims must form one block, with normalised dims
 * before it ({@code outer}) and after it ({@code inner}); the weight and bias (already shaped to
 * broadcast against the input) must vary along kept dims only (one value per group: batch and
 * instance norm) or along inner dims only (one per inner position: layer norm).
 *
 * <pre>{@code
 * // batch norm of [8, 3, 5, 5] over dims {0, 2, 3}, weight [3, 1, 1]: outer 8, groups 3, inner 25
 * NormalizationGeometry g = NormalizationGeometry.of(x, new int[] {0, 2, 3}, weight, bias);
 * }</pre>
 *
 * @param statisticsShape the input's shape with the normalised dims set to 1 (one element per group)
 * @param innerShape the input's shape with every dim before the inner block set to 1
 */
record NormalizationGeometry(long outer, long groups, long inner, boolean affinePerGroup, long[] statisticsShape,
                             long[] innerShape) {

    private enum Variation { NONE, KEPT, INNER, UNSUPPORTED }

    /** The geometry of normalising {@code x} over {@code dims}, or null when the fused kernels do not apply. */
    static NormalizationGeometry of(Tensor x, int[] dims, Tensor weight, Tensor bias) {
        long[] shape = x.shape();
        int rank = shape.length;
        if (rank == 0 || x.numel() == 0 || !FusedNormalization.isAvailable(x)) return null;
        boolean[] normalized = new boolean[rank];
        for (int d : dims) normalized[d < 0 ? d + rank : d] = true;
        int first = 0;
        while (first < rank && normalized[first]) first++;
        if (first == rank) first = 0;
        int last = rank;
        while (last > first && normalized[last - 1]) last--;
        for (int d = first; d < last; d++) {
            if (normalized[d]) return null;
        }
        Variation weightVaries = variation(weight, x, first, last);
        Variation biasVaries = variation(bias, x, first, last);
        if (weightVaries == Variation.UNSUPPORTED || biasVaries == Variation.UNSUPPORTED) return null;
        boolean perInner = weightVaries == Variation.INNER || biasVaries == Variation.INNER;
        if (perInner && (weightVaries == Variation.KEPT || biasVaries == Variation.KEPT)) return null;
        long outer = 1;
        long groups = 1;
        long inner = 1;
        long[] statisticsShape = new long[rank];
        long[] innerShape = new long[rank];
        for (int d = 0; d < rank; d++) {
            if (d < first) outer *= shape[d];
            else if (d < last) groups *= shape[d];
            else inner *= shape[d];
            statisticsShape[d] = normalized[d] ? 1 : shape[d];
            innerShape[d] = d >= last ? shape[d] : 1;
        }
        if (perInner && inner > Integer.MAX_VALUE - 8) return null;
        return new NormalizationGeometry(outer, groups, inner, !perInner, statisticsShape, innerShape);
    }

    /** Along which block of dims {@code t} has more than one value (NONE for a null or constant {@code t}). */
    private static Variation variation(Tensor t, Tensor x, int first, int last) {
        if (t == null) return Variation.NONE;
        long[] shape = x.shape();
        long[] own = t.shape();
        if (t.dtype() != x.dtype() || !t.device().equals(x.device()) || own.length > shape.length) return Variation.UNSUPPORTED;
        boolean kept = false;
        boolean inner = false;
        for (int d = 0; d < shape.length; d++) {
            int aligned = d - (shape.length - own.length);
            long size = aligned >= 0 ? own[aligned] : 1;
            if (size == 1) continue;
            if (size != shape[d] || d < first) return Variation.UNSUPPORTED;
            if (d < last) kept = true;
            else inner = true;
        }
        if (kept && inner) return Variation.UNSUPPORTED;
        return kept ? Variation.KEPT : inner ? Variation.INNER : Variation.NONE;
    }

    /** A broadcast-shaped weight or bias as the kernels take it: one value per group or per inner position. */
    Tensor flatAffine(Tensor t) {
        if (t == null) return null;
        return t.expand(affinePerGroup ? statisticsShape : innerShape).contiguous().reshape(-1);
    }

    /** A flat weight or bias gradient in the input's rank, for the node to sum back to the parameter's shape. */
    Tensor affineGradient(Tensor flat) {
        return flat == null ? null : flat.view(affinePerGroup ? statisticsShape : innerShape);
    }
}
