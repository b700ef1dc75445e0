package dev.ember.nn.functional;

import dev.ember.tensor.Tensor;

/**
 * The activation functions of {@code torch.nn.functional}, over the elementwise kernels and
 * composites of {@link Tensor}. {@link F} delegates here; the activation modules call these.
 *
 * <pre>{@code
 * Tensor y = ActivationFunctions.gelu(x, "tanh");
 * Tensor p = ActivationFunctions.softmax(logits, -1);
 * }</pre>
 */
public final class ActivationFunctions {
    private ActivationFunctions() {}

    /** {@code max(x, 0)}. */
    public static Tensor relu(Tensor input) { return input.relu(); }

    /** {@code x} where positive, {@code negativeSlope * x} elsewhere. */
    public static Tensor leakyRelu(Tensor input, double negativeSlope) { return input.leakyRelu(negativeSlope); }

    /** {@code x} where positive, {@code alpha * (exp(x) - 1)} elsewhere. */
    public static Tensor elu(Tensor input, double alpha) { return input.elu(alpha); }

    /**
     * GELU, exact ({@code approximate = "none"}: {@code x * Phi(x)}) or with PyTorch's tanh
     * approximation ({@code "tanh"}).
     */
    public static Tensor gelu(Tensor input, String approximate) {
        return switch (approximate) {
            case "none" -> input.gelu(false);
            case "tanh" -> input.gelu(true);
            default -> throw new IllegalArgumentException(
                    "approximate argument must be either none or tanh, got '" + approximate + "'");
        };
    }

    /** {@code x * sigmoid(x)}, also called swish. */
    public static Tensor silu(Tensor input) { return input.silu(); }

    /** {@code x * tanh(softplus(x))}. */
    public static Tensor mish(Tensor input) { return input.mul(input.softplus().tanh()); }

    public static Tensor sigmoid(Tensor input) { return input.sigmoid(); }

    public static Tensor tanh(Tensor input) { return input.tanh(); }

    /** {@code exp(x) / sum(exp(x))} along {@code dim}, computed without overflow. */
    public static Tensor softmax(Tensor input, int dim) { return input.softmax(dim); }

    /** {@code x - logsumexp(x)} along {@code dim}, computed without overflow. */
    public static Tensor logSoftmax(Tensor input, int dim) { return input.logSoftmax(dim); }

    /** {@code log(1 + exp(beta x)) / beta}, and {@code x} itself where {@code beta x > threshold}. */
    public static Tensor softplus(Tensor input, double beta, double threshold) { return input.softplus(beta, threshold); }

    /** {@code x} clamped to {@code [minValue, maxValue]}, with zero gradient outside (and at) the bounds. */
    public static Tensor hardtanh(Tensor input, double minValue, double maxValue) {
        if (maxValue < minValue) {
            throw new IllegalArgumentException("hardtanh: max_val (" + maxValue + ") cannot be less than min_val ("
                    + minValue + ")");
        }
        return input.hardtanh(minValue, maxValue);
    }
}
