package dev.ember.autograd;

import java.util.List;

/**
 * The node at the end of every path to a leaf: adds the arriving gradient into the leaf's
 * {@code grad}. Without {@code createGraph} the stored gradient is detached, so memory from
 * one step's graph never outlives it: a copy, unless nothing else holds the gradient.
 */
public final class AccumulateGradient<V> extends Node<V> {

    private final Leaf<V> leaf;
    private final GradientAlgebra<V> algebra;

    public AccumulateGradient(Leaf<V> leaf, GradientAlgebra<V> algebra) {
        super("AccumulateGrad", List.of(), 1);
        this.leaf = leaf;
        this.algebra = algebra;
    }

    public Leaf<V> leaf() { return leaf; }

    @Override
    protected List<V> apply(List<V> gradOutputs) { return accumulate(gradOutputs.get(0), false); }

    /**
     * {@link #apply} for a gradient that nothing else holds (the engine decides, see
     * {@link GradientAlgebra#isOwnedGradient}): a leaf without a gradient keeps it as it is.
     */
    List<V> applyOwned(List<V> gradOutputs) { return accumulate(gradOutputs.get(0), true); }

    private List<V> accumulate(V incoming, boolean owned) {
        if (incoming == null) return List.of();
        V existing = leaf.grad();
        if (existing == null && owned && algebra.isLeafLayout(incoming)) {
            leaf.setOwnedGrad(incoming);
            return List.of();
        }
        if (GradMode.isEnabled()) {
            // createGraph: the stored gradient is part of a graph and may be shared
            leaf.setGrad(existing == null ? incoming : algebra.add(existing, incoming));
        } else {
            // a sum made without recording is as new as a copy
            leaf.setOwnedGrad(existing == null ? algebra.detachedCopy(incoming) : algebra.add(existing, incoming));
        }
        return List.of();
    }

    @Override
    void release() {
        // Accumulation saves nothing, and a leaf's node is reused by every backward pass.
    }
}
