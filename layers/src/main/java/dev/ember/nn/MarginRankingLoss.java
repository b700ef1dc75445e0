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
public class MarginRankingLoss extends MarginPairLoss {
    public MarginRankingLoss() { this("mean", 0); }

    public MarginRankingLoss(String reduction, double margin) { super(reduction, margin); }

    @Override
    public Tensor forward(Tensor input1, Tensor input2, Tensor target) {
        return Losses.marginRankingLoss(input1, input2, target, margin, reduction);
    }
}
