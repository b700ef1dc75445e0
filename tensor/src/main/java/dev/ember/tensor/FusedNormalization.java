package dev.ember.tensor;

import dev.ember.autograd.GradMode;
import dev.ember.devices.Backend;
import dev.ember.devices.DType;
import dev.ember.devices.Strided;

/**
 * Batch, layer, group and instance norm by the backend's fused kernels
 * ({@link Backend#normalization}), for layers that build their own autograd node around them;
 * nothing here is recorded. The input is read as {@code [outer, groups, inner]} (row-major, any
 * shape with that many elements) and each group is standardised over its {@code outer * inner}
 * elements with the biased variance: batch norm of {@code [N, C, *]} is {@code (N, C, prod(spatial))},
 * layer norm {@code (1, prod(leading dims), prod(normalized dims))}, group norm
 * {@code (1, N * G, C / G * prod(spatial))}. A weight and bias (either may be null) have one
 * element per group when {@code affinePerGroup}, else one per inner position; statistics are
 * float64 vectors of {@code groups} elements, the inverse standard deviation being
 * {@code 1 / sqrt(var + eps)}.
 *
 * <pre>{@code
 * // BatchNorm2d in training mode: x [N, C, H, W], weight and bias [C]
 * var r = FusedNormalization.forward(x, n, c, h * w, weight, bias, true, 1e-5);
 * var g = FusedNormalization.backward(gradOut, x, n, c, h * w, r.mean(), r.inverseStd(), weight, true, true, true, true);
 * }</pre>
 *
 * <p>Set {@code -Dember.fusedNormalization=false} to make {@link #isAvailable} false everywhere,
 * so callers take their composed path (for comparisons).
 */
public final class FusedNormalization {
    private static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("ember.fusedNormalization", "true"));

    private FusedNormalization() {}

    /** The normalised output (the input's shape and dtype) and the float64 statistics of each group. */
    public record Result(Tensor output, Tensor mean, Tensor inverseStd) {}

    /** Gradients of the input (its shape), weight and bias (flat: one per group or inner position); null when not asked for. */
    public record Gradients(Tensor input, Tensor weight, Tensor bias) {}

    /** True when {@code input}'s backend has the fused kernels for its dtype. */
    public static boolean isAvailable(Tensor input) {
        return ENABLED && input.storage.backend.hasNormalization(input.dtype);
    }

    /** Normalises with each group's own statistics (training mode), which it returns. */
    public static Result forward(Tensor input, long outer, long groups, long inner, Tensor weight, Tensor bias,
                                 boolean affinePerGroup, double eps) {
        checkAvailable(input);
        Tensor mean = Factories.empty(DType.FLOAT64, input.device(), groups);
        Tensor inverseStd = Factories.empty(DType.FLOAT64, input.device(), groups);
        Tensor output = Factories.empty(input.dtype, input.device(), input.shape());
        try (var mode = GradMode.noGrad()) {
            input.storage.backend.normalization(operand(input), outer, groups, inner, operand(weight), operand(bias),
                    affinePerGroup, eps, true, mean.strided(), inverseStd.strided(), output.strided());
        }
        return new Result(output, mean, inverseStd);
    }

    /**
     * Normalises with given statistics of {@code groups} elements (evaluation mode with running
     * statistics: the running mean and {@code 1 / sqrt(runningVar + eps)}).
     */
    public static Tensor forwardWithStatistics(Tensor input, long outer, long groups, long inner, Tensor weight, Tensor bias,
                                               boolean affinePerGroup, Tensor mean, Tensor inverseStd) {
        checkAvailable(input);
        Tensor output = Factories.empty(input.dtype, input.device(), input.shape());
        try (var mode = GradMode.noGrad()) {
            input.storage.backend.normalization(operand(input), outer, groups, inner, operand(weight), operand(bias),
                    affinePerGroup, 0, false, statistics(mean, input), statistics(inverseStd, input), output.strided());
        }
        return output;
    }

    /**
     * The gradients of {@link #forward} from {@code gradOutput}, with the statistics it returned;
     * each of the three is computed only when asked for.
     */
    public static Gradients backward(Tensor gradOutput, Tensor input, long outer, long groups, long inner, Tensor mean,
                                     Tensor inverseStd, Tensor weight, boolean affinePerGroup, boolean inputGradient,
                                     boolean weightGradient, boolean biasGradient) {
        checkAvailable(input);
        long affineSize = affinePerGroup ? groups : inner;
        Tensor gradInput = inputGradient ? Factories.empty(input.dtype, input.device(), input.shape()) : null;
        Tensor gradWeight = weightGradient ? Factories.empty(input.dtype, input.device(), affineSize) : null;
        Tensor gradBias = biasGradient ? Factories.empty(input.dtype, input.device(), affineSize) : null;
        if (gradInput == null && gradWeight == null && gradBias == null) return new Gradients(null, null, null);
        try (var mode = GradMode.noGrad()) {
            input.storage.backend.normalizationBackward(gradientOperand(gradOutput), operand(input), outer, groups, inner,
                    statistics(mean, input), statistics(inverseStd, input), operand(weight), affinePerGroup,
                    operand(gradInput), operand(gradWeight), operand(gradBias));
        }
        return new Gradients(gradInput, gradWeight, gradBias);
    }

    private static void checkAvailable(Tensor input) {
        if (!isAvailable(input)) {
            throw new IllegalArgumentException("fused normalization is not available for " + input.dtype + " tensors on "
                    + input.device() + (ENABLED ? "" : " (-Dember.fusedNormalization=false)") + "; check isAvailable first");
        }
    }

    private static Strided operand(Tensor tensor) {
        return tensor == null ? null : tensor.contiguous().strided();
    }

    /** A gradient broadcast from one value (sum()'s or mean()'s) goes as it is, not as a materialised copy. */
    private static Strided gradientOperand(Tensor gradOutput) {
        Strided strided = gradOutput.strided();
        return strided.layout().isBroadcastScalar() ? strided : operand(gradOutput);
    }

    /** Statistics go to the kernel in the input's dtype or float64, as it accepts. */
    private static Strided statistics(Tensor values, Tensor input) {
        Tensor converted = values.dtype == input.dtype || values.dtype == DType.FLOAT64 ? values : values.to(DType.FLOAT64);
        return converted.contiguous().strided();
    }
}
