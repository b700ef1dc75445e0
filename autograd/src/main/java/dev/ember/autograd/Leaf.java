package dev.ember.autograd;

/** A value whose gradient is accumulated at the end of backward (a tensor that requires grad). */
public interface Leaf<V> {

    /** The accumulated gradient, or null before any backward. */
    V grad();

    void setGrad(V grad);

    /**
     * Stores a gradient that backward made and nothing else holds, so the value may free its
     * memory as soon as it is replaced (unless it was handed out in between).
     */
    default void setOwnedGrad(V grad) { setGrad(grad); }
}
