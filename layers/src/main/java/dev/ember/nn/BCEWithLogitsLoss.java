package dev.ember.nn;

import dev.ember.nn.functional.Losses;
import dev.ember.tensor.Tensor;

/**
 * Binary cross-entropy of logits, like {@code torch.nn.BCEWithLogitsLoss}: sigmoid and
 * cross-entropy in one numerically stable expression, with an optional {@code posWeight} (the
 * weight of positive targets per class, broadcast along the last dim) and {@code weight}.
 *
 * <pre>{@code
 * BCEWithLogitsLoss criterion = new BCEWithLogitsLoss(null, "mean", Tensor.full(3.0, 5));
 * Tensor loss = criterion.forward(logits, labels);   // logits, labels [N, 5]
 * }</pre>
 */
public class BCEWithLogitsLoss extends Loss {
    /** A rescaling weight broadcast against the input (a buffer), or null. */
    public Tensor weight;
    /** The weight of positive examples, broadcast along the last dim (a buffer), or null. */
    public Tensor posWeight;

    public BCEWithLogitsLoss() { this(null, "mean", null); }

    public BCEWithLogitsLoss(Tensor weight, String reduction, Tensor posWeight) {
        super(reduction);
        this.weight = weight;
        this.posWeight = posWeight;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.binaryCrossEntropyWithLogits(input, target, weight, posWeight, reduction);
    }
}
