package dev.ember.nn;

import dev.ember.nn.functional.ActivationFunctions;
import dev.ember.tensor.Tensor;

/**
 * {@code x - logsumexp(x)} along {@code dim}, like {@code torch.nn.LogSoftmax}.
 *
 * <pre>{@code
 * new LogSoftmax(1).call(Tensor.randn(2, 3));
 * }</pre>
 */
public class LogSoftmax extends Module {
    public final int dim;

    public LogSoftmax(int dim) { this.dim = dim; }

    @Override
    public Tensor forward(Tensor input) { return ActivationFunctions.logSoftmax(input, dim); }

    @Override
    public String extraRepr() { return "dim=" + dim; }
}
