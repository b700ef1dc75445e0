package dev.ember.nn;

import dev.ember.nn.functional.LinearFunctions;
import dev.ember.nn.init.Init;
import dev.ember.tensor.Tensor;

/**
 * A fully connected layer {@code y = x W^T + b}, like {@code torch.nn.Linear}: weight
 * {@code [out, in]}, bias {@code [out]}, both initialised uniform in
 * {@code [-1/sqrt(in), 1/sqrt(in)]} as PyTorch does.
 *
 * <pre>{@code
 * Linear fc = new Linear(784, 10);
 * Tensor logits = fc.call(Tensor.randn(64, 784));   // [64, 10]
 * }</pre>
 */
public class Linear extends Module {
    public final long inFeatures;
    public final long outFeatures;
    /** {@code [outFeatures, inFeatures]}. */
    public Parameter weight;
    /** {@code [outFeatures]}, or null without bias. */
    public Parameter bias;

    public Linear(long inFeatures, long outFeatures) { this(inFeatures, outFeatures, true); }

    public Linear(long inFeatures, long outFeatures, boolean bias) {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: in_features and out_features must be non-negative, got "
                    + inFeatures + " and " + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = new Parameter(Tensor.empty(outFeatures, inFeatures));
        this.bias = bias ? new Parameter(Tensor.empty(outFeatures)) : null;
        resetParameters();
    }

    /**
     * PyTorch's initialisation: kaiming-uniform with {@code a = sqrt(5)} for the weight (which is
     * {@code U(-1/sqrt(in), 1/sqrt(in))}) and the same bound for the bias.
     */
    public void resetParameters() {
        Init.kaimingUniform_(weight, Math.sqrt(5));
        if (bias != null) {
            double bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
            Init.uniform_(bias, -bound, bound);
        }
    }

    @Override
    public Tensor forward(Tensor input) { return LinearFunctions.linear(input, weight, bias); }

    @Override
    public String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + pythonBoolean(bias != null);
    }
}
