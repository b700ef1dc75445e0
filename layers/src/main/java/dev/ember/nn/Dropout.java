package dev.ember.nn;

import dev.ember.nn.functional.DropoutFunctions;
import dev.ember.tensor.Tensor;

/**
 * Zeroes each element with probability {@code p} in training mode and scales the rest by
 * {@code 1 / (1 - p)}, like {@code torch.nn.Dropout}; in evaluation mode it passes its input
 * through.
 *
 * <pre>{@code
 * Dropout dropout = new Dropout(0.25);
 * Tensor y = dropout.call(x);   // after model.eval(): y == x
 * }</pre>
 */
public class Dropout extends Module {
    public final double p;

    public Dropout() { this(0.5); }

    public Dropout(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        this.p = p;
    }

    @Override
    public Tensor forward(Tensor input) { return DropoutFunctions.dropout(input, p, training); }

    @Override
    public String extraRepr() { return "p=" + pythonFloat(p) + ", inplace=False"; }
}
