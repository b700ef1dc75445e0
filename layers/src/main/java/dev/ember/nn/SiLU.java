package dev.ember.nn;

import dev.ember.nn.functional.ActivationFunctions;
import dev.ember.tensor.Tensor;

/**
 * {@code x * sigmoid(x)} elementwise (swish), like {@code torch.nn.SiLU}.
 *
 * <pre>{@code
 * new SiLU().call(Tensor.randn(4));
 * }</pre>
 */
public class SiLU extends Module {
    public SiLU() {}

    @Override
    public Tensor forward(Tensor input) { return ActivationFunctions.silu(input); }
}
