package dev.ember.nn;

import dev.ember.nn.functional.ActivationFunctions;
import dev.ember.tensor.Tensor;

/**
 * {@code x} where positive and {@code alpha * (exp(x) - 1)} elsewhere, like {@code torch.nn.ELU} (alpha 1 by default).
 *
 * <pre>{@code
 * new ELU().call(Tensor.of(new float[] {-1, 2}, 2));   // [-0.6321, 2.]
 * }</pre>
 */
public class ELU extends Module {
    public final double alpha;

    public ELU() { this(1.0); }

    public ELU(double alpha) { this.alpha = alpha; }

    @Override
    public Tensor forward(Tensor input) { return ActivationFunctions.elu(input, alpha); }

    @Override
    public String extraRepr() { return "alpha=" + pythonFloat(alpha); }
}
