package dev.ember.nn;

import dev.ember.nn.functional.Normalization;
import dev.ember.nn.init.Init;
import dev.ember.tensor.Tensor;

/**
 * Root-mean-square normalization over the trailing dims {@code normalizedShape}, like
 * {@code torch.nn.RMSNorm} (PyTorch 2.4): {@code x / sqrt(mean(x^2) + eps) * weight}, with
 * {@code weight} ones when {@code elementwiseAffine}; a null {@code eps} is the machine epsilon of
 * the input's dtype.
 *
 * <pre>{@code
 * RMSNorm norm = new RMSNorm(4096);
 * Tensor y = norm.call(Tensor.randn(2, 7, 4096));
 * }</pre>
 */
public class RMSNorm extends Module {
    public final long[] normalizedShape;
    /** Null for the input dtype's machine epsilon. */
    public final Double eps;
    public final boolean elementwiseAffine;
    public Parameter weight;

    public RMSNorm(long... normalizedShape) { this(normalizedShape, null, true); }

    public RMSNorm(long[] normalizedShape, Double eps, boolean elementwiseAffine) {
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.elementwiseAffine = elementwiseAffine;
        if (elementwiseAffine) weight = new Parameter(Tensor.empty(normalizedShape));
        resetParameters();
    }

    public void resetParameters() {
        if (weight != null) Init.ones_(weight);
    }

    @Override
    public Tensor forward(Tensor input) { return Normalization.rmsNorm(input, normalizedShape, weight, eps); }

    @Override
    public String extraRepr() {
        return PythonTuples.tuple(normalizedShape) + ", eps=" + (eps == null ? "None" : pythonFloat(eps))
                + ", elementwise_affine=" + pythonBoolean(elementwiseAffine);
    }
}
