package dev.ember.nn;

import dev.ember.tensor.Tensor;

/**
 * Flattens dims {@code startDim..endDim} into one, like {@code torch.nn.Flatten} (by default
 * everything but the batch dim).
 *
 * <pre>{@code
 * new Flatten().call(Tensor.zeros(64, 32, 5, 5));   // [64, 800]
 * }</pre>
 */
public class Flatten extends Module {
    public final int startDim;
    public final int endDim;

    public Flatten() { this(1, -1); }

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    @Override
    public Tensor forward(Tensor input) { return input.flatten(startDim, endDim); }

    @Override
    public String extraRepr() { return "start_dim=" + startDim + ", end_dim=" + endDim; }
}
