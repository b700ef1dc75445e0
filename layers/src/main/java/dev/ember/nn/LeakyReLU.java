package dev.ember.nn;

import dev.ember.nn.functional.ActivationFunctions;
import dev.ember.tensor.Tensor;

/**
 * {@code x} where positive and {@code negativeSlope * x} elsewhere, like {@code torch.nn.LeakyReLU} (slope 0.01 by default).
 *
 * <pre>{@code
 * new LeakyReLU(0.2).call(Tensor.of(new float[] {-1, 2}, 2));   // [-0.2, 2.]
 * }</pre>
 */
public class LeakyReLU extends Module {
    public final double negativeSlope;

    public LeakyReLU() { this(0.01); }

    public LeakyReLU(double negativeSlope) { this.negativeSlope = negativeSlope; }

    @Override
    public Tensor forward(Tensor input) { return ActivationFunctions.leakyRelu(input, negativeSlope); }

    @Override
    public String extraRepr() { return "negative_slope=" + pythonFloat(negativeSlope); }
}
