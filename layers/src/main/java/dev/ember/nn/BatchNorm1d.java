package dev.ember.nn;

import dev.ember.tensor.Tensor;

/**
 * Batch normalization of {@code [N, C]} or {@code [N, C, L]} inputs over the batch (and length)
 * per channel, like {@code torch.nn.BatchNorm1d}; see {@link BatchNorm} for the statistics.
 *
 * <pre>{@code
 * BatchNorm1d bn = new BatchNorm1d(128);
 * Tensor y = bn.call(Tensor.randn(64, 128));
 * }</pre>
 */
public class BatchNorm1d extends BatchNorm {

    /** eps 1e-5, momentum 0.1, affine, tracking running statistics. */
    public BatchNorm1d(long numFeatures) { this(numFeatures, 1e-5, 0.1, true, true); }

    /** @param momentum null for a cumulative moving average */
    public BatchNorm1d(long numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected void checkInputDim(Tensor input) {
        if (input.dim() != 2 && input.dim() != 3) {
            throw new IllegalArgumentException("expected 2D or 3D input (got " + input.dim() + "D input)");
        }
    }
}
