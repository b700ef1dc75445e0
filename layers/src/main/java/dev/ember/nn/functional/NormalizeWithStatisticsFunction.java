package dev.ember.nn.functional;

import dev.ember.tensor.Function;
import dev.ember.tensor.FunctionContext;
import dev.ember.tensor.FusedNormalization;
import dev.ember.tensor.Tensor;

/**
 * Batch norm in evaluation mode, with given (running) statistics, as one node: the forward is one
 * fused kernel call, {@code y = (x - mean) * inverseStd * weight + bias} per channel of
 * {@code [N, C, *]}. The statistics are constants, so the map is affine in {@code x}: the backward,
 * {@code dx = g * inverseStd * weight}, {@code dweight = g * (x - mean) * inverseStd},
 * {@code dbias = g} (the last two summed to {@code [C, 1, ...]} by the node), is written with
 * recorded tensor ops and differentiable again.
 *
 * <pre>{@code
 * Tensor y = new NormalizeWithStatisticsFunction(mean.view(3, 1, 1), inverseStd.view(3, 1, 1))
 *         .apply(x, weight.view(3, 1, 1), bias.view(3, 1, 1));
 * }</pre>
 */
final class NormalizeWithStatisticsFunction extends Function {
    private final Tensor mean;
    private final Tensor inverseStd;

    /** {@code mean} and {@code inverseStd} shaped {@code [C, 1, ...]}, to broadcast over the channels of the input. */
    NormalizeWithStatisticsFunction(Tensor mean, Tensor inverseStd) {
        this.mean = mean;
        this.inverseStd = inverseStd;
    }

    @Override
    public String name() { return "NativeBatchNormBackward"; }

    @Override
    protected Tensor forward(FunctionContext ctx, Tensor... inputs) {
        Tensor x = inputs[0];
        Tensor weight = inputs[1];
        long batch = x.size(0);
        long channels = x.size(1);
        long inner = x.numel() / (batch * channels);
        ctx.saveForBackward(x, weight);
        return FusedNormalization.forwardWithStatistics(x, batch, channels, inner, flat(weight), flat(inputs[2]), true,
                mean.reshape(-1), inverseStd.reshape(-1));
    }

    @Override
    protected Tensor[] backward(FunctionContext ctx, Tensor gradOutput) {
        Tensor[] saved = ctx.savedTensors();
        Tensor x = saved[0];
        Tensor weight = saved[1];
        Tensor gradInput = null;
        if (ctx.needsInputGrad(0)) gradInput = gradOutput.mul(weight == null ? inverseStd : inverseStd.mul(weight));
        Tensor gradWeight = ctx.needsInputGrad(1) ? gradOutput.mul(x.sub(mean).mul(inverseStd)) : null;
        return new Tensor[] {gradInput, gradWeight, ctx.needsInputGrad(2) ? gradOutput : null};
    }

    private static Tensor flat(Tensor t) { return t == null ? null : t.reshape(-1); }
}
