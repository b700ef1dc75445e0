package dev.ember.nn;

import dev.ember.nn.functional.ClassificationLosses;
import dev.ember.tensor.Tensor;

/**
 * Cross-entropy of unnormalised scores {@code [N, C, ...]} (or {@code [C]}) against class
 * indices or class probabilities, like {@code torch.nn.CrossEntropyLoss}: per-class
 * {@code weight}, {@code ignoreIndex} (-100 by default), {@code labelSmoothing}, and the
 * weighted mean of PyTorch. Log-softmax and NLL run as one numerically stable step.
 *
 * <pre>{@code
 * CrossEntropyLoss criterion = new CrossEntropyLoss();
 * Tensor loss = criterion.forward(logits, labels);   // logits [64, 10], labels int64 [64]
 * Tensor smoothed = new CrossEntropyLoss(null, -100, "mean", 0.1).forward(logits, labels);
 * }</pre>
 */
public class CrossEntropyLoss extends Loss {
    /** Per-class weights {@code [C]} (a buffer), or null. */
    public Tensor weight;
    public final long ignoreIndex;
    public final double labelSmoothing;

    public CrossEntropyLoss() { this(null, ClassificationLosses.DEFAULT_IGNORE_INDEX, "mean", 0); }

    public CrossEntropyLoss(Tensor weight, long ignoreIndex, String reduction, double labelSmoothing) {
        super(reduction);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing);
        }
        this.weight = weight;
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return ClassificationLosses.crossEntropy(input, target, weight, ignoreIndex, reduction, labelSmoothing);
    }
}
