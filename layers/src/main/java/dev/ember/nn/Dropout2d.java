package dev.ember.nn;

import dev.ember.nn.functional.DropoutFunctions;
import dev.ember.tensor.Tensor;

/**
 * Zeroes whole channels of {@code [N, C, H, W]} with probability {@code p} in training mode
 * and scales the rest by {@code 1 / (1 - p)}, like {@code torch.nn.Dropout2d}.
 *
 * <pre>{@code
 * Tensor y = new Dropout2d(0.2).call(Tensor.randn(8, 16, 12, 12));
 * }</pre>
 */
public class Dropout2d extends Module {
    public final double p;

    public Dropout2d() { this(0.5); }

    public Dropout2d(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        this.p = p;
    }

    @Override
    public Tensor forward(Tensor input) { return DropoutFunctions.dropout2d(input, p, training); }

    @Override
    public String extraRepr() { return "p=" + pythonFloat(p) + ", inplace=False"; }
}
