package dev.ember.nn;

import dev.ember.autograd.GradMode;
import dev.ember.nn.functional.Normalization;
import dev.ember.tensor.Tensor;

/**
 * Batch normalization per channel, like PyTorch's {@code _BatchNorm}: in training it normalises
 * by the batch's statistics (biased variance) and updates the running statistics (unbiased
 * variance) with {@code momentum}, or with the cumulative average {@code 1 / numBatchesTracked}
 * when momentum is null; in evaluation it normalises by the running statistics. Without
 * {@code trackRunningStats} it always uses the batch's statistics.
 *
 * <pre>{@code
 * BatchNorm2d bn = new BatchNorm2d(32);
 * Tensor y = bn.call(Tensor.randn(64, 32, 28, 28));   // updates bn.runningMean
 * bn.eval();                                          // now normalises by the running statistics
 * }</pre>
 */
public abstract class BatchNorm extends NormBase {

    protected BatchNorm(long numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    /** Throws when {@code input} has a rank this layer does not take. */
    protected abstract void checkInputDim(Tensor input);

    @Override
    public Tensor forward(Tensor input) {
        checkInputDim(input);
        if (input.dim() >= 2 && input.size(1) != numFeatures) {
            throw new IllegalArgumentException(getName() + ": expected input with " + numFeatures
                    + " channels (dim 1), got input of size " + java.util.Arrays.toString(input.shape()));
        }
        double averagingFactor = momentum == null ? 0 : momentum;
        if (training && trackRunningStats && numBatchesTracked != null) {
            try (var mode = GradMode.noGrad()) {
                numBatchesTracked.add_(Tensor.scalar(1L));
            }
            if (momentum == null) averagingFactor = 1.0 / numBatchesTracked.longItem();
        }
        boolean useBatchStatistics = training || (runningMean == null && runningVar == null);
        boolean passRunning = !training || trackRunningStats;
        return Normalization.batchNorm(input, passRunning ? runningMean : null, passRunning ? runningVar : null,
                weight, bias, useBatchStatistics, averagingFactor, eps);
    }
}
