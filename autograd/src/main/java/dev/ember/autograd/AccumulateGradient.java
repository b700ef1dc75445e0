package dev.ember.autograd;

import java.util.List;

/**
 * The node at the end of every path to a leaf: adds the arriving gradient into the leaf's
 * {@code grad}. Without {@code createGraph} the stored gradient is detached, so memory from
 * one step's graph never outlives it.
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
    protected List<V> apply(List<V> gradOutputs) {
        V incoming = gradOutputs.get(0);
        if (incoming == null) return List.of();
        boolean recording = GradMode.isEnabled();
        V stored = recording ? incoming : algebra.detachedCopy(incoming);
        V existing = leaf.grad();
        leaf.setGrad(existing == null ? stored : algebra.add(existing, stored));
        return List.of();
    }

    @Override
    void release() {
        // Accumulation saves nothing, and a leaf's node is reused by every backward pass.
    }
}
