package dev.ember.nn;

import dev.ember.tensor.Tensor;

/**
 * Batch normalization of {@code [N, C, H, W]} inputs per channel, like
 * {@code torch.nn.BatchNorm2d}; see {@link BatchNorm} for the statistics.
 *
 * <pre>{@code
 * BatchNorm2d bn = new BatchNorm2d(32);
 * Tensor y = bn.call(Tensor.randn(64, 32, 28, 28));
 * }</pre>
 */
public class BatchNorm2d extends BatchNorm {

    /** eps 1e-5, momentum 0.1, affine, tracking running statistics. */
    public BatchNorm2d(long numFeatures) { this(numFeatures, 1e-5, 0.1, true, true); }

    /** @param momentum null for a cumulative moving average */
    public BatchNorm2d(long numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected void checkInputDim(Tensor input) {
        if (input.dim() != 4) throw new IllegalArgumentException("expected 4D input (got " + input.dim() + "D input)");
    }
}
