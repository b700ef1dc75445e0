package dev.ember.tensor;

import dev.ember.devices.UnaryOp;

/**
 * Activation functions. GELU (exact and tanh) and SiLU are fused elementwise ops with fused
 * backward kernels; the others are composed from primitive ops, their gradients following from
 * the primitives' rows, and are written so that no branch overflows, since {@code where} sends
 * a zero gradient into the unused branch and zero times infinity is NaN.
 */
final class Activations {
    private Activations() {}

    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double CUBIC = 0.044715;

    static Tensor gelu(Tensor x, boolean tanhApproximation) {
        return Elementwise.unary(tanhApproximation ? UnaryOp.GELU_TANH : UnaryOp.GELU, x);
    }

    static Tensor silu(Tensor x) { return Elementwise.unary(UnaryOp.SILU, x); }

    /**
     * f'' of GELU, its tanh form or SiLU (named by their backward op), composed of Tensor ops so
     * that it is differentiable again: the input's row of the fused backward ops. For tanh and
     * sigmoid, whose backward ops take the output y, the derivative of their factor in y.
     */
    static Tensor secondDerivative(Op backward, Tensor x) {
        return switch (backward) {
            // d/dx (Φ + x φ) = 2φ - x² φ
            case GELU_BACKWARD -> x.square().mul(-0.5).exp().mul(INV_SQRT_2PI).mul(x.square().rsub(2));
            case GELU_TANH_BACKWARD -> {
                // y = x (1 + tanh u)/2, u = k (x + c x³): y'' = (1 - tanh² u)(u' + x u''/2 - x tanh(u) u'²)
                Tensor square = x.square();
                Tensor tanh = x.add(x.mul(square).mul(CUBIC)).mul(SQRT_TWO_OVER_PI).tanh();
                Tensor slope = square.mul(3 * CUBIC).add(1).mul(SQRT_TWO_OVER_PI);
                Tensor curvature = x.mul(6 * CUBIC * SQRT_TWO_OVER_PI);
                yield tanh.square().rsub(1).mul(slope.add(x.mul(curvature).mul(0.5)).sub(x.mul(tanh).mul(slope.square())));
            }
            // s = sigmoid(x): d/dx (s (1 + x (1 - s))) = s (1 - s) (2 + x (1 - 2s))
            case SILU_BACKWARD -> {
                Tensor s = x.sigmoid();
                yield s.mul(s.rsub(1)).mul(x.mul(s.mul(-2).add(1)).add(2));
            }
            // the factor's derivative in the output y: d/dy (1 - y²) and d/dy ((1 - y) y)
            case TANH_BACKWARD -> x.mul(-2);
            case SIGMOID_BACKWARD -> x.mul(-2).add(1);
            default -> throw new IllegalArgumentException(backward + " is not an activation's backward op");
        };
    }

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
