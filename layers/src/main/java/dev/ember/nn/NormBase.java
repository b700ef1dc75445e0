package dev.ember.nn;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import dev.ember.nn.init.Init;
import dev.ember.tensor.Tensor;

/**
 * What batch norm and instance norm share, like PyTorch's {@code _NormBase}: per-channel
 * {@code weight}/{@code bias} (when {@code affine}) and, when {@code trackRunningStats}, the
 * buffers {@code running_mean} (zeros), {@code running_var} (ones) and
 * {@code num_batches_tracked} (an int64 counter), in PyTorch's state-dict order.
 *
 * <pre>{@code
 * BatchNorm2d bn = new BatchNorm2d(32);
 * bn.stateDict().keySet();   // [weight, bias, running_mean, running_var, num_batches_tracked]
 * }</pre>
 */
public abstract class NormBase extends Module {
    public final long numFeatures;
    public final double eps;
    /** The weight of each new batch in the running statistics; null for a cumulative average. */
    public final Double momentum;
    public final boolean affine;
    public final boolean trackRunningStats;
    /** {@code [numFeatures]} ones, or null without {@code affine}. */
    public Parameter weight;
    /** {@code [numFeatures]} zeros, or null without {@code affine}. */
    public Parameter bias;
    /** {@code [numFeatures]}, or null without {@code trackRunningStats}. */
    public Tensor runningMean;
    /** {@code [numFeatures]}, or null without {@code trackRunningStats}. */
    public Tensor runningVar;
    /** An int64 scalar counting training batches, or null without {@code trackRunningStats}. */
    public Tensor numBatchesTracked;

    protected NormBase(long numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        if (numFeatures <= 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": num_features must be positive, got " + numFeatures);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        if (affine) {
            weight = new Parameter(Tensor.empty(numFeatures));
            bias = new Parameter(Tensor.empty(numFeatures));
        }
        if (trackRunningStats) {
            runningMean = Tensor.zeros(numFeatures);
            runningVar = Tensor.ones(numFeatures);
            numBatchesTracked = Tensor.zeros(DType.INT64);
        }
        resetParameters();
    }

    /** Running mean to 0, running variance to 1 and the batch counter to 0. */
    public void resetRunningStats() {
        if (!trackRunningStats) return;
        try (var mode = GradMode.noGrad()) {
            runningMean.zero_();
            runningVar.fill_(1);
            numBatchesTracked.zero_();
        }
    }

    /** Resets the running statistics, the weight to ones and the bias to zeros. */
    public void resetParameters() {
        resetRunningStats();
        if (affine) {
            Init.ones_(weight);
            Init.zeros_(bias);
        }
    }

    @Override
    public String extraRepr() {
        return numFeatures + ", eps=" + pythonFloat(eps) + ", momentum=" + (momentum == null ? "None" : pythonFloat(momentum))
                + ", affine=" + pythonBoolean(affine) + ", track_running_stats=" + pythonBoolean(trackRunningStats);
    }
}
