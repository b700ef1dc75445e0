package dev.ember.nn;

import dev.ember.nn.functional.Normalization;
import dev.ember.nn.init.Init;
import dev.ember.tensor.Tensor;

/**
 * Group normalization, like {@code torch.nn.GroupNorm}: the channels of {@code [N, C, ...]}
 * split into {@code numGroups} groups, each standardised over its channels and spatial dims,
 * then a per-channel {@code weight} (ones) and {@code bias} (zeros) when {@code affine}.
 *
 * <pre>{@code
 * GroupNorm norm = new GroupNorm(8, 64);
 * Tensor y = norm.call(Tensor.randn(4, 64, 16, 16));
 * }</pre>
 */
public class GroupNorm extends Module {
    public final long numGroups;
    public final long numChannels;
    public final double eps;
    public final boolean affine;
    public Parameter weight;
    public Parameter bias;

    public GroupNorm(long numGroups, long numChannels) { this(numGroups, numChannels, 1e-5, true); }

    public GroupNorm(long numGroups, long numChannels, double eps, boolean affine) {
        if (numGroups <= 0 || numChannels % numGroups != 0) {
            throw new IllegalArgumentException("num_channels must be divisible by num_groups (got num_channels="
                    + numChannels + ", num_groups=" + numGroups + ")");
        }
        this.numGroups = numGroups;
        this.numChannels = numChannels;
        this.eps = eps;
        this.affine = affine;
        if (affine) {
            weight = new Parameter(Tensor.empty(numChannels));
            bias = new Parameter(Tensor.empty(numChannels));
        }
        resetParameters();
    }

    public void resetParameters() {
        if (affine) {
            Init.ones_(weight);
            Init.zeros_(bias);
        }
    }

    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() >= 2 && input.size(1) != numChannels) {
            throw new IllegalArgumentException("GroupNorm: expected input with " + numChannels
                    + " channels (dim 1), got input of size " + java.util.Arrays.toString(input.shape()));
        }
        return Normalization.groupNorm(input, numGroups, weight, bias, eps);
    }

    @Override
    public String extraRepr() { return numGroups + ", " + numChannels + ", eps=" + pythonFloat(eps) + ", affine=" + pythonBoolean(affine); }
}
