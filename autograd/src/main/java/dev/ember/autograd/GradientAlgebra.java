package dev.ember.autograd;

/**
 * The few operations the engine needs on gradient values. The tensor layer implements it for
 * tensors; the engine's own tests implement it for scalars.
 */
public interface GradientAlgebra<V> {

    /** The sum of two gradients for the same value (recorded in the graph when grad mode is on). */
    V add(V left, V right);

    /**
     * {@code owned + addend} where {@code owned} is a gradient the engine alone holds (see
     * {@link #isOwnedGradient}), so it may be updated in place and returned, as PyTorch's input
     * buffer accumulates: a weight used at every step of a recurrence then sums its gradients
     * into one buffer instead of a new one per step. By default, {@link #add}.
     */
    default V addInto(V owned, V addend) { return add(owned, addend); }

    /**
     * A copy cut from the graph that nothing else shares, as stored into a leaf when no graph
     * is being created (so in-place updates of one leaf's gradient never reach another's).
     */
    V detachedCopy(V value);

    /** False when the value holds NaN or infinity; used by anomaly mode. */
    boolean isFinite(V value);

    /**
     * A mark of "now" for {@link #isOwnedGradient}: values made after it are new. By default
     * nothing is ever owned, and every gradient stored into a leaf is a {@link #detachedCopy}.
     */
    default long allocationMark() { return Long.MAX_VALUE; }

    /**
     * True when {@code value}, a gradient that {@code producer} returned (null: a sum the engine
     * made), is the whole of memory made after {@code mark} by a built-in derivative. If no
     * other gradient of the step shares that memory (the engine checks with
     * {@link #sharesMemory}), nothing else holds it, and a leaf may keep it without a copy when
     * {@link #isLeafLayout} allows: PyTorch's "steal the gradient when nothing else refers to it",
     * decided by construction instead of by reference count.
     */
    default boolean isOwnedGradient(Node<V> producer, V value, long mark) { return false; }

    /**
     * Called with an owned gradient (see {@link #isOwnedGradient}) once {@code consumer}, the
     * node it was for, has run and returned nothing that shares its memory: no one can read it
     * again, so its memory may be freed now. By default nothing is done.
     */
    default void release(Node<V> consumer, V value) {}

    /** True when {@code value} is laid out as a leaf's gradient must be (dense, row-major). */
    default boolean isLeafLayout(V value) { return false; }

    /** True when the two values share memory. */
    default boolean sharesMemory(V left, V right) { return left == right; }
}
