package dev.ember.nn;

import dev.ember.tensor.Tensor;

/**
 * Returns its input unchanged, like {@code torch.nn.Identity}: a placeholder where a layer is
 * optional.
 *
 * <pre>{@code
 * Module activation = useRelu ? new ReLU() : new Identity();
 * }</pre>
 */
public class Identity extends Module {
    public Identity() {}

    @Override
    public Tensor forward(Tensor input) { return input; }
}
