package dev.ember.nn;

import dev.ember.nn.functional.Losses;
import dev.ember.tensor.Tensor;

/**
 * The Kullback-Leibler divergence of {@code target} from log-probabilities {@code input}, like
 * {@code torch.nn.KLDivLoss}; reduction {@code "batchmean"} gives the divergence per sample
 * (PyTorch's {@code "mean"} averages over every element instead).
 *
 * <pre>{@code
 * Tensor loss = new KLDivLoss("batchmean", false).forward(logits.logSoftmax(1), probabilities);
 * }</pre>
 */
public class KLDivLoss extends Loss {
    /** True when the target is given as log-probabilities. */
    public final boolean logTarget;

    public KLDivLoss() { this("mean", false); }

    public KLDivLoss(String reduction, boolean logTarget) {
        super(reduction);
        this.logTarget = logTarget;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) { return Losses.klDiv(input, target, reduction, logTarget); }
}
