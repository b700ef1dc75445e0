package dev.ember.nn;

import dev.ember.nn.functional.ClassificationLosses;
import dev.ember.tensor.Tensor;

/**
 * The negative log-likelihood of log-probabilities {@code [N, C, ...]} against class indices,
 * like {@code torch.nn.NLLLoss}: per-class {@code weight}, an {@code ignoreIndex} (-100 by
 * default) and a mean weighted by the targets' class weights.
 *
 * <pre>{@code
 * Tensor loss = new NLLLoss().forward(logits.logSoftmax(1), labels);
 * }</pre>
 */
public class NLLLoss extends Loss {
    /** Per-class weights {@code [C]} (a buffer), or null. */
    public Tensor weight;
    public final long ignoreIndex;

    public NLLLoss() { this(null, ClassificationLosses.DEFAULT_IGNORE_INDEX, "mean"); }

    public NLLLoss(Tensor weight, long ignoreIndex, String reduction) {
        super(reduction);
        this.weight = weight;
        this.ignoreIndex = ignoreIndex;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return ClassificationLosses.nllLoss(input, target, weight, ignoreIndex, reduction);
    }
}
