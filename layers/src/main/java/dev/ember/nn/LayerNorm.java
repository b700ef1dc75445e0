package dev.ember.nn;

import dev.ember.nn.functional.Normalization;
import dev.ember.nn.init.Init;
import dev.ember.tensor.Tensor;

/**
 * Layer normalization over the trailing dims {@code normalizedShape}, like
 * {@code torch.nn.LayerNorm}: each sample standardised (biased variance) then scaled by
 * {@code weight} (ones) and shifted by {@code bias} (zeros), both of size
 * {@code normalizedShape}, when {@code elementwiseAffine}.
 *
 * <pre>{@code
 * LayerNorm norm = new LayerNorm(512);
 * Tensor y = norm.call(Tensor.randn(8, 16, 512));
 * }</pre>
 */
public class LayerNorm extends Module {
    public final long[] normalizedShape;
    public final double eps;
    public final boolean elementwiseAffine;
    public Parameter weight;
    public Parameter bias;

    public LayerNorm(long... normalizedShape) { this(normalizedShape, 1e-5, true, true); }

    public LayerNorm(long[] normalizedShape, double eps, boolean elementwiseAffine) {
        this(normalizedShape, eps, elementwiseAffine, true);
    }

    /** @param bias false for a scale-only layer norm (PyTorch 2.1's {@code bias=False}) */
    public LayerNorm(long[] normalizedShape, double eps, boolean elementwiseAffine, boolean bias) {
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.elementwiseAffine = elementwiseAffine;
        if (elementwiseAffine) {
            weight = new Parameter(Tensor.empty(normalizedShape));
            if (bias) this.bias = new Parameter(Tensor.empty(normalizedShape));
        }
        resetParameters();
    }

    public void resetParameters() {
        if (weight != null) Init.ones_(weight);
        if (bias != null) Init.zeros_(bias);
    }

    @Override
    public Tensor forward(Tensor input) { return Normalization.layerNorm(input, normalizedShape, weight, bias, eps); }

    @Override
    public String extraRepr() {
        return PythonTuples.tuple(normalizedShape) + ", eps=" + pythonFloat(eps) + ", elementwise_affine=" + pythonBoolean(elementwiseAffine);
    }
}
