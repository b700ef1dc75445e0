package dev.ember.nn;

import dev.ember.nn.functional.ActivationFunctions;
import dev.ember.tensor.Tensor;

/**
 * {@code exp(x) / sum(exp(x))} along {@code dim}, like {@code torch.nn.Softmax}.
 *
 * <pre>{@code
 * new Softmax(1).call(Tensor.randn(2, 3));   // rows sum to 1
 * }</pre>
 */
public class Softmax extends Module {
    public final int dim;

    public Softmax(int dim) { this.dim = dim; }

    @Override
    public Tensor forward(Tensor input) { return ActivationFunctions.softmax(input, dim); }

    @Override
    public String extraRepr() { return "dim=" + dim; }
}
