package dev.ember.nn;

import dev.ember.nn.functional.Losses;
import dev.ember.tensor.Tensor;

/**
 * Squared error below {@code beta} and absolute error above it, like {@code torch.nn.SmoothL1Loss}.
 *
 * <pre>{@code
 * Tensor loss = new SmoothL1Loss("mean", 0.5).forward(prediction, target);
 * }</pre>
 */
public class SmoothL1Loss extends Loss {
    /** Where the loss turns from quadratic to linear (1 by default). */
    public final double beta;

    public SmoothL1Loss() { this("mean", 1.0); }

    public SmoothL1Loss(String reduction, double beta) {
        super(reduction);
        this.beta = beta;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) { return Losses.smoothL1Loss(input, target, reduction, beta); }

    @Override
    public String extraRepr() { return "beta=" + beta; }
}
