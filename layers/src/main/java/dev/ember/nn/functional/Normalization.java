package dev.ember.nn.functional;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import dev.ember.tensor.FusedNormalization;
import dev.ember.tensor.Tensor;
import java.util.Arrays;

/**
 * Batch, layer, group, instance and RMS normalization, with PyTorch's semantics: the biased
 * variance normalises, the unbiased one feeds running statistics, and running statistics are
 * updated in place as {@code (1 - momentum) * running + momentum * batch}.
 *
 * <pre>{@code
 * Tensor y = Normalization.batchNorm(x, runningMean, runningVar, weight, bias, true, 0.1, 1e-5);
 * Tensor z = Normalization.layerNorm(h, new long[] {512}, gamma, beta, 1e-5);
 * }</pre>
 */
public final class Normalization {
    private Normalization() {}

    /**
     * Batch normalization of {@code [N, C, ...]} per channel {@code C}. In training (or without
     * running statistics) it normalises by the batch's statistics and, when given, updates
     * {@code runningMean}/{@code runningVar} in place; otherwise it uses the running statistics.
     */
    public static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        if (input.dim() < 2) {
            throw new IllegalArgumentException("batch_norm: expected 2D or more input ([N, C, ...]), got input of size: "
                    + Arrays.toString(input.shape()));
        }
        long channels = input.size(1);
        checkChannelVector(runningMean, channels, "running_mean");
        checkChannelVector(runningVar, channels, "running_var");
        checkChannelVector(weight, channels, "weight");
        checkChannelVector(bias, channels, "bias");
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException("batch_norm: running_mean and running_var must both be given or both be null");
        }
        int[] reduced = new int[input.dim() - 1];
        reduced[0] = 0;
        for (int d = 2; d < input.dim(); d++) reduced[d - 1] = d;
        Tensor shapedWeight = weight == null ? null : channelShaped(weight, input.dim());
        Tensor shapedBias = bias == null ? null : channelShaped(bias, input.dim());
        if (!training && runningMean != null) {
            Tensor scale = runningVar.add(eps).rsqrt();
            if (fusedEvaluation(input, runningMean, runningVar, weight, bias)) {
                return new NormalizeWithStatisticsFunction(channelShaped(runningMean, input.dim()),
                        channelShaped(scale, input.dim())).apply(input, shapedWeight, shapedBias);
            }
            Tensor out = input.sub(channelShaped(runningMean, input.dim())).mul(channelShaped(scale, input.dim()));
            if (shapedWeight != null) out = out.mul(shapedWeight);
            if (shapedBias != null) out = out.add(shapedBias);
            return out;
        }
        long count = input.numel() / Math.max(channels, 1);
        if (count <= 1) {
            throw new IllegalArgumentException("Expected more than 1 value per channel when training, got input size "
                    + Arrays.toString(input.shape()));
        }
        NormalizeFunction normalize = new NormalizeFunction(reduced, eps);
        Tensor out = normalize.apply(input, shapedWeight, shapedBias);
        if (training && runningMean != null) {
            updateRunning(runningMean, runningVar, normalize.mean.reshape(channels),
                    normalize.biasedVariance().reshape(channels), momentum, count);
        }
        return out;
    }

    /**
     * True when evaluation with running statistics can be one fused kernel call: the backend has
     * it, every operand has the input's dtype and device, and the running statistics take no
     * gradient (the composed form below differentiates them too).
     */
    private static boolean fusedEvaluation(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias) {
        if (input.numel() == 0 || !FusedNormalization.isAvailable(input)) return false;
        if (GradMode.isEnabled() && (runningMean.requiresGrad() || runningVar.requiresGrad())) return false;
        for (Tensor t : new Tensor[] {runningMean, runningVar, weight, bias}) {
            if (t != null && (t.dtype() != input.dtype() || !t.device().equals(input.device()))) return false;
        }
        return true;
    }

    /**
     * Layer normalization over the trailing dims {@code normalizedShape}, with elementwise
     * {@code weight} and {@code bias} of that shape (either may be null).
     */
    public static Tensor layerNorm(Tensor input, long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        int[] dims = trailingDims(input, normalizedShape, "layer_norm");
        checkShape(weight, normalizedShape, "weight", "layer_norm");
        checkShape(bias, normalizedShape, "bias", "layer_norm");
        return new NormalizeFunction(dims, eps).apply(input, weight, bias);
    }

    /** Group normalization: the {@code C} channels of {@code [N, C, ...]} split into {@code numGroups} normalised groups. */
    public static Tensor groupNorm(Tensor input, long numGroups, Tensor weight, Tensor bias, double eps) {
        if (input.dim() < 2) {
            throw new IllegalArgumentException("group_norm: expected an input of size [N, C, ...], got input of size: "
                    + Arrays.toString(input.shape()));
        }
        long channels = input.size(1);
        if (numGroups <= 0 || channels % numGroups != 0) {
            throw new IllegalArgumentException("Expected number of channels in input to be divisible by num_groups, but got "
                    + "input of shape " + Arrays.toString(input.shape()) + " and num_groups=" + numGroups);
        }
        checkChannelVector(weight, channels, "weight");
        checkChannelVector(bias, channels, "bias");
        Tensor grouped = input.reshape(input.size(0), numGroups, -1);
        Tensor out = new NormalizeFunction(new int[] {2}, eps).apply(grouped, null, null).reshape(input.shape());
        if (weight != null) out = out.mul(channelShaped(weight, input.dim()));
        if (bias != null) out = out.add(channelShaped(bias, input.dim()));
        return out;
    }

    /**
     * Instance normalization: each channel of each sample of {@code [N, C, ...]} normalised over
     * its own spatial dims. With running statistics and {@code useInputStats}, they are updated
     * with the batch average of the per-instance statistics; without {@code useInputStats} they
     * normalise instead.
     */
    public static Tensor instanceNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                      boolean useInputStats, double momentum, double eps) {
        if (input.dim() < 3) {
            throw new IllegalArgumentException("instance_norm: expected an input of size [N, C, d1, ...], got input of size: "
                    + Arrays.toString(input.shape()));
        }
        long channels = input.size(1);
        checkChannelVector(runningMean, channels, "running_mean");
        checkChannelVector(runningVar, channels, "running_var");
        checkChannelVector(weight, channels, "weight");
        checkChannelVector(bias, channels, "bias");
        Tensor shapedWeight = weight == null ? null : channelShaped(weight, input.dim());
        Tensor shapedBias = bias == null ? null : channelShaped(bias, input.dim());
        if (!useInputStats) {
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException("instance_norm: Expected running_mean and running_var to be defined "
                        + "when use_input_stats is false");
            }
            return batchNorm(input, runningMean, runningVar, weight, bias, false, momentum, eps);
        }
        int[] spatial = new int[input.dim() - 2];
        for (int d = 2; d < input.dim(); d++) spatial[d - 2] = d;
        long count = input.numel() / Math.max(input.size(0) * channels, 1);
        if (count <= 1) {
            throw new IllegalArgumentException("Expected more than 1 spatial element when training, got input size "
                    + Arrays.toString(input.shape()));
        }
        NormalizeFunction normalize = new NormalizeFunction(spatial, eps);
        Tensor out = normalize.apply(input, shapedWeight, shapedBias);
        if (runningMean != null) {
            Tensor batchMean = normalize.mean.reshape(input.size(0), channels).mean(0);
            Tensor batchVariance = normalize.biasedVariance().reshape(input.size(0), channels).mean(0);
            updateRunning(runningMean, runningVar, batchMean, batchVariance, momentum, count);
        }
        return out;
    }

    /**
     * RMS normalization over the trailing dims {@code normalizedShape}:
     * {@code x / sqrt(mean(x^2) + eps) * weight}. A null {@code eps} is the machine epsilon of
     * the input's dtype, as in PyTorch 2.
     */
    public static Tensor rmsNorm(Tensor input, long[] normalizedShape, Tensor weight, Double eps) {
        int[] dims = trailingDims(input, normalizedShape, "rms_norm");
        checkShape(weight, normalizedShape, "weight", "rms_norm");
        double epsilon = eps != null ? eps : machineEpsilon(input.dtype());
        Tensor out = input.mul(input.square().mean(dims, true).add(epsilon).rsqrt());
        return weight == null ? out : out.mul(weight);
    }

    /** {@code torch.finfo(dtype).eps}: the gap between 1 and the next representable value. */
    static double machineEpsilon(DType dtype) {
        return switch (dtype) {
            case FLOAT64 -> Math.ulp(1.0);
            case FLOAT16 -> 0x1p-10;
            case BFLOAT16 -> 0x1p-7;
            default -> Math.ulp(1.0f);
        };
    }

    private static void updateRunning(Tensor runningMean, Tensor runningVar, Tensor batchMean, Tensor biasedVariance,
                                      double momentum, long count) {
        try (var mode = GradMode.noGrad()) {
            Tensor unbiased = biasedVariance.detach().mul((double) count / (count - 1));
            runningMean.mul_(1 - momentum).add_(batchMean.detach().mul(momentum).to(runningMean.dtype()));
            runningVar.mul_(1 - momentum).add_(unbiased.mul(momentum).to(runningVar.dtype()));
        }
    }

    /** A {@code [C]} vector viewed as {@code [C, 1, ...]}, to broadcast over the channels of a rank-{@code rank} input. */
    private static Tensor channelShaped(Tensor vector, int rank) {
        long[] shape = new long[rank - 1];
        Arrays.fill(shape, 1);
        shape[0] = vector.numel();
        return vector.view(shape);
    }

    private static void checkChannelVector(Tensor vector, long channels, String name) {
        if (vector != null && (vector.dim() != 1 || vector.numel() != channels)) {
            throw new IllegalArgumentException(name + " should contain " + channels + " elements not "
                    + vector.numel() + " (got size " + Arrays.toString(vector.shape()) + ")");
        }
    }

    private static int[] trailingDims(Tensor input, long[] normalizedShape, String op) {
        int k = normalizedShape.length;
        if (k == 0) throw new IllegalArgumentException(op + ": Expected normalized_shape to be at least 1-dimensional");
        long[] shape = input.shape();
        boolean matches = shape.length >= k;
        for (int i = 0; matches && i < k; i++) matches = shape[shape.length - k + i] == normalizedShape[i];
        if (!matches) {
            long[] expected = new long[k + 1];
            System.arraycopy(normalizedShape, 0, expected, 1, k);
            String pattern = Arrays.toString(expected).replaceFirst("\\[0", "[*");
            throw new IllegalArgumentException("Given normalized_shape=" + Arrays.toString(normalizedShape)
                    + ", expected input with shape " + pattern + ", but got input of size" + Arrays.toString(shape));
        }
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) dims[i] = shape.length - k + i;
        return dims;
    }

    private static void checkShape(Tensor tensor, long[] expected, String name, String op) {
        if (tensor != null && !Arrays.equals(tensor.shape(), expected)) {
            throw new IllegalArgumentException(op + ": Expected " + name + " to be of same shape as normalized_shape, but got "
                    + name + " of shape " + Arrays.toString(tensor.shape()) + " and normalized_shape = "
                    + Arrays.toString(expected));
        }
    }
}
