package dev.ember.nn;

import dev.ember.nn.functional.ActivationFunctions;
import dev.ember.tensor.Tensor;

/**
 * {@code tanh(x)} elementwise, like {@code torch.nn.Tanh}.
 *
 * <pre>{@code
 * new Tanh().call(Tensor.zeros(2));   // [0., 0.]
 * }</pre>
 */
public class Tanh extends Module {
    public Tanh() {}

    @Override
    public Tensor forward(Tensor input) { return ActivationFunctions.tanh(input); }
}
