package dev.ember.autograd;

/** A value whose gradient is accumulated at the end of backward (a tensor that requires grad). */
public interface Leaf<V> {

    /** The accumulated gradient, or null before any backward. */
    V grad();

    void setGrad(V grad);
}
