package dev.ember.nn.functional;

import dev.ember.autograd.GradMode;
import dev.ember.tensor.Function;
import dev.ember.tensor.FunctionContext;
import dev.ember.tensor.FusedNormalization;
import dev.ember.tensor.Tensor;

/**
 * Standardisation over some dims with an optional affine map, as one node in the graph:
 * {@code y = (x - mean) / sqrt(var + eps) * weight + bias}, with the biased variance. It is the
 * core of batch, layer, group and instance norm.
 *
 * <p>When the backend has fused normalization kernels for the input ({@link FusedNormalization})
 * and the shapes fit them ({@link NormalizationGeometry}), forward and backward are one kernel
 * call each; the backward falls back to the composed form below under {@code createGraph}, whose
 * every op is recorded, so second-order gradients stay exact.
 *
 * <p>The composed backward is the closed form, with {@code c = x - mean}, {@code s = invstd} and sums
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
    /** The mean of the last forward (keepdim shape), read by callers that track running statistics. */
    Tensor mean;
    private Tensor biasedVariance;
    /** The fused kernels' view of the last forward's shapes; null when it was composed. */
    private NormalizationGeometry geometry;
    private Tensor fusedInverseStd;

    NormalizeFunction(int[] dims, double eps) {
        this.dims = dims;
        this.eps = eps;
    }

    @Override
    public String name() { return "NativeNormBackward"; }

    /** The biased variance of the last forward (keepdim shape), for running statistics. */
    Tensor biasedVariance() {
        if (biasedVariance == null && fusedInverseStd != null) {
            // var = 1 / s^2 - eps from the float64 inverse std: exact to a few ulps of var + eps
            try (var mode = GradMode.noGrad()) {
                biasedVariance = fusedInverseStd.square().reciprocal().sub(eps).clampMin(0).view(mean.shape());
            }
        }
        return biasedVariance;
    }

    @Override
    protected Tensor forward(FunctionContext ctx, Tensor... inputs) {
        Tensor x = inputs[0];
        Tensor weight = inputs[1];
        Tensor bias = inputs[2];
        geometry = NormalizationGeometry.of(x, dims, weight, bias);
        if (geometry != null) {
            FusedNormalization.Result result = FusedNormalization.forward(x, geometry.outer(), geometry.groups(),
                    geometry.inner(), geometry.flatAffine(weight), geometry.flatAffine(bias), geometry.affinePerGroup(), eps);
            mean = result.mean().view(geometry.statisticsShape());
            fusedInverseStd = result.inverseStd();
            ctx.saveForBackward(x, weight, result.mean(), result.inverseStd());
            return result.output();
        }
        mean = x.mean(dims, true);
        Tensor centered = x.sub(mean);
        biasedVariance = centered.square().mean(dims, true);
        Tensor inverseStd = biasedVariance.add(eps).rsqrt();
        // Folding the weight into the per-group scale saves a full pass over x.
        Tensor out = centered.mul(weight == null ? inverseStd : inverseStd.mul(weight));
        if (bias != null) out = out.add(bias);
        ctx.saveForBackward(x, weight, centered, inverseStd);
        return out;
    }

    @Override
    protected Tensor[] backward(FunctionContext ctx, Tensor gradOutput) {
        Tensor[] saved = ctx.savedTensors();
        if (geometry != null && !GradMode.isEnabled()) return fusedBackward(ctx, saved, gradOutput);
        Tensor weight = saved[1];
        Tensor centered = saved[2];
        Tensor inverseStd = saved[3];
        if (GradMode.isEnabled() || geometry != null) {
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

    /** One kernel call; the weight and bias gradients come back flat and are shaped for the node to sum to their inputs. */
    private Tensor[] fusedBackward(FunctionContext ctx, Tensor[] saved, Tensor gradOutput) {
        Tensor x = saved[0];
        Tensor weight = saved[1];
        FusedNormalization.Gradients gradients = FusedNormalization.backward(gradOutput.to(x.dtype()), x, geometry.outer(),
                geometry.groups(), geometry.inner(), saved[2], saved[3], geometry.flatAffine(weight),
                geometry.affinePerGroup(), ctx.needsInputGrad(0), ctx.needsInputGrad(1), ctx.needsInputGrad(2));
        return new Tensor[] {gradients.input(), geometry.affineGradient(gradients.weight()),
            geometry.affineGradient(gradients.bias())};
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
