package dev.ember.nn;

import dev.ember.nn.functional.ActivationFunctions;
import dev.ember.tensor.Tensor;

/**
 * {@code x * tanh(softplus(x))} elementwise, like {@code torch.nn.Mish}.
 *
 * <pre>{@code
 * new Mish().call(Tensor.randn(4));
 * }</pre>
 */
public class Mish extends Module {
    public Mish() {}

    @Override
    public Tensor forward(Tensor input) { return ActivationFunctions.mish(input); }
}
