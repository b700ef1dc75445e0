package dev.ember.nn.functional;

import dev.ember.autograd.GradMode;
import dev.ember.tensor.Function;
import dev.ember.tensor.FunctionContext;
import dev.ember.tensor.Tensor;

/**
 * Standardisation over some dims with an optional affine map, as one node in the graph:
 * {@code y = (x - mean) / sqrt(var + eps) * weight + bias}, with the biased variance. It is the
 * core of batch, layer, group and instance norm.
 *
 * <p>The backward is the closed form, with {@code c = x - mean}, {@code s = invstd} and sums
 * over the normalised dims ({@code M} elements): for a weight constant within each group
 * (batch, instance norm) {@code dx = w s (g - sum(g) / M - c s^2 sum(g c) / M)},
 * {@code dw = s sum(g c)}, {@code db = sum(g)}; for an elementwise weight (layer norm) the same
 * with {@code g w} in place of {@code g} inside the sums — two reductions and a few elementwise passes instead of the backward of
 * every op of the composite. {@code weight} and {@code bias} come already shaped to broadcast
 * against {@code x} (for example {@code [C, 1, 1]}); their gradients are summed back to that
 * shape. Under {@code createGraph} the backward recomputes the statistics from the saved input
 * with recorded ops, so second-order gradients are exact.
 */
final class NormalizeFunction extends Function {
    private final int[] dims;
    private final double eps;
    /** The statistics of the last forward (keepdim shape), read by callers that track running statistics. */
    Tensor mean;
    Tensor biasedVariance;

    NormalizeFunction(int[] dims, double eps) {
        this.dims = dims;
        this.eps = eps;
    }

    @Override
    public String name() { return "NativeNormBackward"; }

    @Override
    protected Tensor forward(FunctionContext ctx, Tensor... inputs) {
        Tensor x = inputs[0];
        Tensor weight = inputs[1];
        mean = x.mean(dims, true);
        Tensor centered = x.sub(mean);
        biasedVariance = centered.square().mean(dims, true);
        Tensor inverseStd = biasedVariance.add(eps).rsqrt();
        // Folding the weight into the per-group scale saves a full pass over x.
        Tensor out = centered.mul(weight == null ? inverseStd : inverseStd.mul(weight));
        if (inputs[2] != null) out = out.add(inputs[2]);
        ctx.saveForBackward(x, weight, centered, inverseStd);
        return out;
    }

    @Override
    protected Tensor[] backward(FunctionContext ctx, Tensor gradOutput) {
        Tensor[] saved = ctx.savedTensors();
        Tensor weight = saved[1];
        Tensor centered = saved[2];
        Tensor inverseStd = saved[3];
        if (GradMode.isEnabled()) {
            Tensor x = saved[0];
            centered = x.sub(x.mean(dims, true));
            inverseStd = centered.square().mean(dims, true).add(eps).rsqrt();
        }
        double count = (double) gradOutput.numel() / inverseStd.numel();
        Tensor gradBias = ctx.needsInputGrad(2) ? gradOutput : null;
        if (weight != null && variesAlongNormalizedDims(weight, gradOutput.dim())) {
            // Layer norm: the weight differs within a normalised group, so it enters the sums elementwise.
            Tensor scaled = gradOutput.mul(weight);
            Tensor gradInput = null;
            if (ctx.needsInputGrad(0)) {
                Tensor projection = scaled.mul(centered).sum(dims, true);
                Tensor centeredCoefficient = inverseStd.pow(3).mul(projection).div(-count);
                Tensor constant = inverseStd.mul(scaled.sum(dims, true)).div(-count);
                gradInput = scaled.mul(inverseStd).add(centered.mul(centeredCoefficient)).add(constant);
            }
            Tensor gradWeight = ctx.needsInputGrad(1) ? gradOutput.mul(centered).mul(inverseStd) : null;
            return new Tensor[] {gradInput, gradWeight, gradBias};
        }
        Tensor gradSum = gradOutput.sum(dims, true);
        Tensor projection = gradOutput.mul(centered).sum(dims, true);
        Tensor gradInput = null;
        if (ctx.needsInputGrad(0)) {
            Tensor scale = weight == null ? inverseStd : inverseStd.mul(weight);
            Tensor centeredCoefficient = scale.mul(inverseStd.square()).mul(projection).div(-count);
            Tensor constant = scale.mul(gradSum).div(-count);
            gradInput = gradOutput.mul(scale).add(centered.mul(centeredCoefficient)).add(constant);
        }
        Tensor gradWeight = weight != null && ctx.needsInputGrad(1) ? projection.mul(inverseStd) : null;
        if (gradBias != null) gradBias = gradSum;
        return new Tensor[] {gradInput, gradWeight, gradBias};
    }

    /** True when the broadcast weight has more than one value along some normalised dim. */
    private boolean variesAlongNormalizedDims(Tensor weight, int rank) {
        long[] shape = weight.shape();
        for (int d : dims) {
            int aligned = d - (rank - shape.length);
            if (aligned >= 0 && shape[aligned] > 1) return true;
        }
        return false;
    }
}
