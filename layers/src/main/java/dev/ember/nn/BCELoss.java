package dev.ember.nn;

import dev.ember.nn.functional.Losses;
import dev.ember.tensor.Tensor;

/**
 * Binary cross-entropy of probabilities in {@code [0, 1]}, like {@code torch.nn.BCELoss}; each
 * log is clamped to at least -100. Prefer {@link BCEWithLogitsLoss} on raw scores.
 *
 * <pre>{@code
 * Tensor loss = new BCELoss().forward(probabilities, labels);
 * }</pre>
 */
public class BCELoss extends Loss {
    /** A rescaling weight broadcast against the input (a buffer), or null. */
    public Tensor weight;

    public BCELoss() { this(null, "mean"); }

    public BCELoss(Tensor weight, String reduction) {
        super(reduction);
        this.weight = weight;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) { return Losses.binaryCrossEntropy(input, target, weight, reduction); }
}
