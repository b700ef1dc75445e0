package dev.ember.nn;

import dev.ember.nn.functional.ActivationFunctions;
import dev.ember.tensor.Tensor;

/**
 * {@code 1 / (1 + exp(-x))} elementwise, like {@code torch.nn.Sigmoid}.
 *
 * <pre>{@code
 * new Sigmoid().call(Tensor.zeros(2));   // [0.5, 0.5]
 * }</pre>
 */
public class Sigmoid extends Module {
    public Sigmoid() {}

    @Override
    public Tensor forward(Tensor input) { return ActivationFunctions.sigmoid(input); }
}
