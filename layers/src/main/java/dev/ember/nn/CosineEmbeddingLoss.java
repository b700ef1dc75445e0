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
public class CosineEmbeddingLoss extends Loss {
    public final double margin;

    public CosineEmbeddingLoss() { this("mean", 0); }

    public CosineEmbeddingLoss(String reduction, double margin) {
        super(reduction);
        this.margin = margin;
    }

    /** The loss of the pairs {@code (input1, input2)} labelled {@code target} (1 or -1). */
    public Tensor forward(Tensor input1, Tensor input2, Tensor target) {
        return Losses.cosineEmbeddingLoss(input1, input2, target, margin, reduction);
    }

    @Override
    public Tensor forward(Tensor... inputs) {
        if (inputs.length != 3) {
            throw new IllegalArgumentException("CosineEmbeddingLoss.forward() takes 3 inputs (input1, input2, target) but "
                    + inputs.length + " were given");
        }
        return forward(inputs[0], inputs[1], inputs[2]);
    }

    /** Not a two-input loss: use {@link #forward(Tensor, Tensor, Tensor)}. */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        throw new IllegalArgumentException("CosineEmbeddingLoss.forward() takes 3 inputs (input1, input2, target) but 2 were given");
    }

    @Override
    public String extraRepr() { return "margin=" + margin; }
}
