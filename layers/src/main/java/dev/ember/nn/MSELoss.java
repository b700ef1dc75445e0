package dev.ember.nn;

import dev.ember.nn.functional.Losses;
import dev.ember.tensor.Tensor;

/**
 * The mean squared error {@code (input - target)^2}, like {@code torch.nn.MSELoss}.
 *
 * <pre>{@code
 * Tensor loss = new MSELoss().forward(prediction, target);
 * }</pre>
 */
public class MSELoss extends Loss {
    public MSELoss() { this("mean"); }

    public MSELoss(String reduction) { super(reduction); }

    @Override
    public Tensor forward(Tensor input, Tensor target) { return Losses.mseLoss(input, target, reduction); }
}
