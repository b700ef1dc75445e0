package dev.ember.tensor;

/**
 * Activation functions composed from primitive ops; their gradients follow from the
 * primitives' rows. Each is written so that no branch overflows, since {@code where} sends a
 * zero gradient into the unused branch and zero times infinity is NaN.
 */
final class Activations {
    private Activations() {}

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);

    static Tensor gelu(Tensor x, boolean tanhApproximation) {
        if (tanhApproximation) {
            Tensor inner = x.add(x.pow(3).mul(0.044715)).mul(SQRT_TWO_OVER_PI);
            return x.mul(0.5).mul(inner.tanh().add(1));
        }
        return x.mul(0.5).mul(x.mul(SQRT_HALF).erf().add(1));
    }

    static Tensor silu(Tensor x) { return x.mul(x.sigmoid()); }

    /** {@code log(1 + exp(beta x)) / beta}, linear above {@code threshold}. */
    static Tensor softplus(Tensor x, double beta, double threshold) {
        Tensor scaled = x.mul(beta);
        // Each branch sees only the half-line where exp cannot overflow, and the branch taken
        // at 0 has the true derivative 1/2 there.
        Tensor positive = scaled.clampMin(0);
        Tensor negative = scaled.clampMax(0);
        Tensor upper = positive.add(positive.neg().exp().log1p());
        Tensor lower = negative.exp().log1p();
        Tensor smooth = Tensor.where(scaled.gt(0), upper, lower).div(beta);
        return Tensor.where(scaled.gt(threshold), x, smooth);
    }

    /** Clamp whose gradient is zero at the bounds too (PyTorch's hardtanh_backward is strict). */
    static Tensor hardtanh(Tensor x, double min, double max) {
        Tensor limited = Tensor.where(x.ge(max), Tensor.scalar(max).to(x.dtype()), x);
        return Tensor.where(x.le(min), Tensor.scalar(min).to(x.dtype()), limited);
    }

    static Tensor leakyRelu(Tensor x, double negativeSlope) {
        return Tensor.where(x.gt(0), x, x.mul(negativeSlope));
    }

    static Tensor elu(Tensor x, double alpha) {
        return Tensor.where(x.gt(0), x, x.clampMax(0).expm1().mul(alpha));
    }
}
