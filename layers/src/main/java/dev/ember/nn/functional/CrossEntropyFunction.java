package dev.ember.nn.functional;

import dev.ember.autograd.GradMode;
import dev.ember.tensor.Function;
import dev.ember.tensor.FunctionContext;
import dev.ember.tensor.Tensor;

/**
 * Cross-entropy over class indices as one node in the graph: log-softmax, the pick of each
 * target's log-probability and label smoothing's uniform part forward, and the gradient in one
 * step back: per row {@code scale * ((1 - e) w_t (p - onehot) + e / C (p sum(w) - w))}, where
 * {@code p} is the softmax, {@code w} the class weights, {@code e} the label smoothing and
 * {@code scale} the reduction's factor — instead of the backward of every op of the composite.
 *
 * <p>The backward is written with tensor ops. Under {@code createGraph} it takes the softmax
 * from the saved input again, so the gradient stays connected to the input and second-order
 * gradients are exact; otherwise it reuses the forward's log-probabilities.
 */
final class CrossEntropyFunction extends Function {
    private final long ignoreIndex;
    private final String reduction;
    private final double labelSmoothing;

    private CrossEntropyFunction(long ignoreIndex, String reduction, double labelSmoothing) {
        this.ignoreIndex = ignoreIndex;
        this.reduction = reduction;
        this.labelSmoothing = labelSmoothing;
    }

    /** {@code input} is {@code [N, C, ...]} with a checked index {@code target}; {@code weight} is {@code [C]} or null. */
    static Tensor apply(Tensor input, Tensor target, Tensor weight, long ignoreIndex, String reduction, double labelSmoothing) {
        return new CrossEntropyFunction(ignoreIndex, reduction, labelSmoothing).apply(input, target, weight);
    }

    @Override
    public String name() { return "NllLossBackward"; }

    @Override
    protected Tensor forward(FunctionContext ctx, Tensor... inputs) {
        Tensor input = inputs[0];
        Tensor target = inputs[1];
        Tensor weight = inputs[2];
        long classes = input.size(1);
        Tensor logProbabilities = input.logSoftmax(1);
        Tensor mask = target.ne(ignoreIndex);
        Tensor safeTarget = target.maskedFill(mask.logicalNot(), 0).unsqueeze(1);
        Tensor counted = mask.to(input.dtype());
        Tensor targetWeight = ClassificationLosses.targetWeights(safeTarget.squeeze(1), mask, weight, input.dtype());
        Tensor loss = logProbabilities.gather(1, safeTarget).squeeze(1).mul(targetWeight).neg();
        if (labelSmoothing > 0) {
            Tensor weighted = weight == null ? logProbabilities
                    : logProbabilities.mul(ClassificationLosses.classShaped(weight, input.dim()));
            Tensor smooth = weighted.sum(1).mul(counted).mul(-labelSmoothing / classes);
            loss = loss.mul(1 - labelSmoothing).add(smooth);
        }
        Tensor totalWeight = null;
        Tensor result = switch (reduction) {
            case "mean" -> {
                totalWeight = targetWeight.sum();
                yield loss.sum().div(totalWeight);
            }
            case "sum" -> loss.sum();
            default -> loss;
        };
        ctx.saveForBackward(input, logProbabilities, safeTarget, targetWeight, totalWeight, counted, weight);
        return result;
    }

    @Override
    protected Tensor[] backward(FunctionContext ctx, Tensor gradOutput) {
        Tensor[] saved = ctx.savedTensors();
        Tensor input = saved[0];
        Tensor safeTarget = saved[2];
        Tensor targetWeight = saved[3];
        Tensor counted = saved[5];
        Tensor weight = saved[6];
        long classes = input.size(1);
        Tensor probabilities = GradMode.isEnabled() ? input.softmax(1) : saved[1].exp();
        Tensor scale = "mean".equals(reduction) ? gradOutput.div(saved[4]) : gradOutput;
        Tensor picked = targetWeight.mul(scale).mul(1 - labelSmoothing);
        if (labelSmoothing == 0) {
            Tensor perRow = picked.unsqueeze(1);
            return new Tensor[] {probabilities.mul(perRow).scatterAdd(1, safeTarget, perRow.neg()), null, null};
        }
        double share = labelSmoothing / classes;
        double weightSum = weight == null ? classes : weight.sum().item();
        Tensor uniform = counted.mul(scale).mul(share).unsqueeze(1);
        Tensor perRow = picked.unsqueeze(1).add(uniform.mul(weightSum));
        Tensor spread = weight == null ? uniform : uniform.mul(ClassificationLosses.classShaped(weight, input.dim()));
        Tensor gradInput = probabilities.mul(perRow).sub(spread).scatterAdd(1, safeTarget, picked.unsqueeze(1).neg());
        return new Tensor[] {gradInput, null, null};
    }
}
