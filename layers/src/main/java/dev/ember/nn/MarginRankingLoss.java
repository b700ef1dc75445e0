package dev.ember.nn;

import dev.ember.nn.functional.Losses;
import dev.ember.tensor.Tensor;

/**
 * {@code max(0, -y (x1 - x2) + margin)}: asks {@code x1} to rank above {@code x2} where
 * {@code y = 1} and below where {@code y = -1}, like {@code torch.nn.MarginRankingLoss}.
 *
 * <pre>{@code
 * Tensor loss = new MarginRankingLoss("mean", 0.5).forward(scores1, scores2, order);
 * }</pre>
 */
public class MarginRankingLoss extends Loss {
    public final double margin;

    public MarginRankingLoss() { this("mean", 0); }

    public MarginRankingLoss(String reduction, double margin) {
        super(reduction);
        this.margin = margin;
    }

    /** The loss of the pairs {@code (input1, input2)} labelled {@code target} (1 or -1). */
    public Tensor forward(Tensor input1, Tensor input2, Tensor target) {
        return Losses.marginRankingLoss(input1, input2, target, margin, reduction);
    }

    @Override
    public Tensor forward(Tensor... inputs) {
        if (inputs.length != 3) {
            throw new IllegalArgumentException("MarginRankingLoss.forward() takes 3 inputs (input1, input2, target) but "
                    + inputs.length + " were given");
        }
        return forward(inputs[0], inputs[1], inputs[2]);
    }

    /** Not a two-input loss: use {@link #forward(Tensor, Tensor, Tensor)}. */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        throw new IllegalArgumentException("MarginRankingLoss.forward() takes 3 inputs (input1, input2, target) but 2 were given");
    }

    @Override
    public String extraRepr() { return "margin=" + margin; }
}
