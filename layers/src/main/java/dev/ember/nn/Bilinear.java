package dev.ember.nn;

import dev.ember.nn.functional.LinearFunctions;
import dev.ember.nn.init.Init;
import dev.ember.tensor.Tensor;

/**
 * A bilinear map of two inputs {@code y_k = x1^T W_k x2 + b_k}, like {@code torch.nn.Bilinear}:
 * weight {@code [out, in1, in2]} and bias {@code [out]}, initialised uniform in
 * {@code [-1/sqrt(in1), 1/sqrt(in1)]}.
 *
 * <pre>{@code
 * Bilinear b = new Bilinear(20, 30, 40);
 * Tensor y = b.call(Tensor.randn(128, 20), Tensor.randn(128, 30));   // [128, 40]
 * }</pre>
 */
public class Bilinear extends Module {
    public final long in1Features;
    public final long in2Features;
    public final long outFeatures;
    /** {@code [outFeatures, in1Features, in2Features]}. */
    public Parameter weight;
    /** {@code [outFeatures]}, or null without bias. */
    public Parameter bias;

    public Bilinear(long in1Features, long in2Features, long outFeatures) { this(in1Features, in2Features, outFeatures, true); }

    public Bilinear(long in1Features, long in2Features, long outFeatures, boolean bias) {
        this.in1Features = in1Features;
        this.in2Features = in2Features;
        this.outFeatures = outFeatures;
        this.weight = new Parameter(Tensor.empty(outFeatures, in1Features, in2Features));
        this.bias = bias ? new Parameter(Tensor.empty(outFeatures)) : null;
        resetParameters();
    }

    public void resetParameters() {
        double bound = 1 / Math.sqrt(in1Features);
        Init.uniform_(weight, -bound, bound);
        if (bias != null) Init.uniform_(bias, -bound, bound);
    }

    /** {@code forward(input1, input2)}. */
    @Override
    public Tensor forward(Tensor... inputs) {
        if (inputs.length != 2) {
            throw new IllegalArgumentException("Bilinear.forward() takes 2 inputs but " + inputs.length + " were given");
        }
        return forward(inputs[0], inputs[1]);
    }

    public Tensor forward(Tensor input1, Tensor input2) { return LinearFunctions.bilinear(input1, input2, weight, bias); }

    @Override
    public String extraRepr() {
        return "in1_features=" + in1Features + ", in2_features=" + in2Features + ", out_features=" + outFeatures
                + ", bias=" + pythonBoolean(bias != null);
    }
}
