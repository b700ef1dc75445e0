package dev.ember.nn;

import dev.ember.nn.functional.ActivationFunctions;
import dev.ember.tensor.Tensor;

/**
 * The Gaussian error linear unit {@code x * Phi(x)}, like {@code torch.nn.GELU}: exact
 * ({@code approximate = "none"}, the default) or with the tanh approximation ({@code "tanh"}).
 *
 * <pre>{@code
 * new GELU("tanh").call(Tensor.randn(4));
 * }</pre>
 */
public class GELU extends Module {
    /** {@code "none"} or {@code "tanh"}. */
    public final String approximate;

    public GELU() { this("none"); }

    public GELU(String approximate) {
        if (!"none".equals(approximate) && !"tanh".equals(approximate)) {
            throw new IllegalArgumentException("approximate argument must be either none or tanh, got '" + approximate + "'");
        }
        this.approximate = approximate;
    }

    @Override
    public Tensor forward(Tensor input) { return ActivationFunctions.gelu(input, approximate); }

    @Override
    public String extraRepr() { return "approximate='" + approximate + "'"; }
}
