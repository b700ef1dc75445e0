package dev.ember.nn;

import dev.ember.nn.functional.ActivationFunctions;
import dev.ember.tensor.Tensor;

/**
 * {@code log(1 + exp(beta x)) / beta}, linear where {@code beta x > threshold}, like
 * {@code torch.nn.Softplus} (beta 1, threshold 20 by default).
 *
 * <pre>{@code
 * new Softplus().call(Tensor.zeros(1));   // [0.6931]
 * }</pre>
 */
public class Softplus extends Module {
    public final double beta;
    public final double threshold;

    public Softplus() { this(1, 20); }

    public Softplus(double beta, double threshold) {
        this.beta = beta;
        this.threshold = threshold;
    }

    @Override
    public Tensor forward(Tensor input) { return ActivationFunctions.softplus(input, beta, threshold); }

    @Override
    public String extraRepr() { return "beta=" + pythonNumber(beta) + ", threshold=" + pythonNumber(threshold); }

    /** Whole numbers as PyTorch prints Python ints ({@code 20}), others as doubles. */
    private static String pythonNumber(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
