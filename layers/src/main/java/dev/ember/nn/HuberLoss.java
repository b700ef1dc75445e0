package dev.ember.nn;

import dev.ember.nn.functional.Losses;
import dev.ember.tensor.Tensor;

/**
 * Squared error below {@code delta} and {@code delta}-scaled absolute error above it, like {@code torch.nn.HuberLoss}.
 *
 * <pre>{@code
 * Tensor loss = new HuberLoss("mean", 2.0).forward(prediction, target);
 * }</pre>
 */
public class HuberLoss extends Loss {
    /** Where the loss turns from quadratic to linear (1 by default). */
    public final double delta;

    public HuberLoss() { this("mean", 1.0); }

    public HuberLoss(String reduction, double delta) {
        super(reduction);
        this.delta = delta;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) { return Losses.huberLoss(input, target, reduction, delta); }

    @Override
    public String extraRepr() { return "delta=" + delta; }
}
