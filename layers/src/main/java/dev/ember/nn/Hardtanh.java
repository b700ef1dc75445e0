package dev.ember.nn;

import dev.ember.nn.functional.ActivationFunctions;
import dev.ember.tensor.Tensor;

/**
 * {@code x} clamped to {@code [minVal, maxVal]} ({@code [-1, 1]} by default), like {@code torch.nn.Hardtanh}.
 *
 * <pre>{@code
 * new Hardtanh().call(Tensor.of(new float[] {-3, 0.5f}, 2));   // [-1., 0.5]
 * }</pre>
 */
public class Hardtanh extends Module {
    public final double minVal;
    public final double maxVal;

    public Hardtanh() { this(-1, 1); }

    public Hardtanh(double minVal, double maxVal) {
        if (maxVal < minVal) {
            throw new IllegalArgumentException("Hardtanh: max_val (" + maxVal + ") cannot be less than min_val (" + minVal + ")");
        }
        this.minVal = minVal;
        this.maxVal = maxVal;
    }

    @Override
    public Tensor forward(Tensor input) { return ActivationFunctions.hardtanh(input, minVal, maxVal); }

    @Override
    public String extraRepr() { return "min_val=" + minVal + ", max_val=" + maxVal; }
}
