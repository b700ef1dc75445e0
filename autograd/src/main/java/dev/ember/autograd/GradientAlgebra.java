package dev.ember.autograd;

/**
 * The few operations the engine needs on gradient values. The tensor layer implements it for
 * tensors; the engine's own tests implement it for scalars.
 */
public interface GradientAlgebra<V> {

    /** The sum of two gradients for the same value (recorded in the graph when grad mode is on). */
    V add(V left, V right);

    /**
     * A copy cut from the graph that nothing else shares, as stored into a leaf when no graph
     * is being created (so in-place updates of one leaf's gradient never reach another's).
     */
    V detachedCopy(V value);

    /** False when the value holds NaN or infinity; used by anomaly mode. */
    boolean isFinite(V value);
}
