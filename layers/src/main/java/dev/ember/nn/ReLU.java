package dev.ember.nn;

import dev.ember.nn.functional.ActivationFunctions;
import dev.ember.tensor.Tensor;

/**
 * {@code max(x, 0)} elementwise, like {@code torch.nn.ReLU}.
 *
 * <pre>{@code
 * new ReLU().call(Tensor.of(new float[] {-1, 2}, 2));   // [0., 2.]
 * }</pre>
 */
public class ReLU extends Module {
    public ReLU() {}

    @Override
    public Tensor forward(Tensor input) { return ActivationFunctions.relu(input); }
}
