package dev.ember.nn;

import dev.ember.nn.functional.Losses;
import dev.ember.tensor.Tensor;

/**
 * {@code 1 - cos(x1, x2)} for pairs labelled 1 and {@code max(0, cos(x1, x2) - margin)} for pairs
 * labelled -1, like {@code torch.nn.CosineEmbeddingLoss}.
 *
 * <pre>{@code
 * Tensor loss = new CosineEmbeddingLoss().forward(a, b, labels)   // a, b [N, D]; labels [N] of 1 and -1;
 * }</pre>
 */
public class CosineEmbeddingLoss extends MarginPairLoss {
    public CosineEmbeddingLoss() { this("mean", 0); }

    public CosineEmbeddingLoss(String reduction, double margin) { super(reduction, margin); }

    @Override
    public Tensor forward(Tensor input1, Tensor input2, Tensor target) {
        return Losses.cosineEmbeddingLoss(input1, input2, target, margin, reduction);
    }
}
