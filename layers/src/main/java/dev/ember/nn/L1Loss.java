package dev.ember.nn;

import dev.ember.nn.functional.Losses;
import dev.ember.tensor.Tensor;

/**
 * The mean absolute error {@code |input - target|}, like {@code torch.nn.L1Loss}.
 *
 * <pre>{@code
 * Tensor loss = new L1Loss().forward(prediction, target);
 * }</pre>
 */
public class L1Loss extends Loss {
    public L1Loss() { this("mean"); }

    public L1Loss(String reduction) { super(reduction); }

    @Override
    public Tensor forward(Tensor input, Tensor target) { return Losses.l1Loss(input, target, reduction); }
}
