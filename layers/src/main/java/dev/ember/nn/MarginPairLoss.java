package dev.ember.nn;

import dev.ember.tensor.Tensor;

/**
 * A loss of pairs {@code (input1, input2)} labelled 1 or -1 with a margin, taking three inputs
 * where other losses take two: {@link CosineEmbeddingLoss} and {@link MarginRankingLoss}.
 *
 * <pre>{@code
 * MarginPairLoss loss = new MarginRankingLoss("mean", 0.5);
 * Tensor value = loss.forward(scores1, scores2, order);
 * }</pre>
 */
public abstract class MarginPairLoss extends Loss {
    public final double margin;

    protected MarginPairLoss(String reduction, double margin) {
        super(reduction);
        this.margin = margin;
    }

    /** The loss of the pairs {@code (input1, input2)} labelled {@code target} (1 or -1). */
    public abstract Tensor forward(Tensor input1, Tensor input2, Tensor target);

    @Override
    public Tensor forward(Tensor... inputs) {
        if (inputs.length != 3) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".forward() takes 3 inputs (input1, input2, target) but "
                    + inputs.length + " were given");
        }
        return forward(inputs[0], inputs[1], inputs[2]);
    }

    /** Not a two-input loss: use {@link #forward(Tensor, Tensor, Tensor)}. */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        throw new IllegalArgumentException(getClass().getSimpleName()
                + ".forward() takes 3 inputs (input1, input2, target) but 2 were given");
    }

    @Override
    public String extraRepr() { return "margin=" + margin; }
}
