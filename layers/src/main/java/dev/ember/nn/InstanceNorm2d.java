package dev.ember.nn;

import dev.ember.nn.functional.Normalization;
import dev.ember.tensor.Tensor;

/**
 * Instance normalization, like {@code torch.nn.InstanceNorm2d}: each channel of each sample of
 * {@code [N, C, H, W]} (or unbatched {@code [C, H, W]}) normalised over its own {@code H x W}.
 * By default without affine parameters and without running statistics; with
 * {@code trackRunningStats} the running statistics (batch averages of the per-instance ones)
 * are updated in training and used in evaluation.
 *
 * <pre>{@code
 * InstanceNorm2d norm = new InstanceNorm2d(3);
 * Tensor y = norm.call(Tensor.randn(8, 3, 32, 32));
 * }</pre>
 */
public class InstanceNorm2d extends NormBase {

    /** eps 1e-5, momentum 0.1, no affine parameters, no running statistics. */
    public InstanceNorm2d(long numFeatures) { this(numFeatures, 1e-5, 0.1, false, false); }

    public InstanceNorm2d(long numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() != 3 && input.dim() != 4) {
            throw new IllegalArgumentException("expected 3D or 4D input (got " + input.dim() + "D input)");
        }
        boolean unbatched = input.dim() == 3;
        Tensor batched = unbatched ? input.unsqueeze(0) : input;
        if (batched.size(1) != numFeatures) {
            throw new IllegalArgumentException("InstanceNorm2d: expected input's size at dim=" + (unbatched ? 0 : 1)
                    + " to match num_features (" + numFeatures + "), but got: " + batched.size(1) + ".");
        }
        Tensor out = Normalization.instanceNorm(batched, runningMean, runningVar, weight, bias,
                training || !trackRunningStats, momentum == null ? 0 : momentum, eps);
        return unbatched ? out.squeeze(0) : out;
    }
}
