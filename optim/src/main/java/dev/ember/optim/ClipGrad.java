package dev.ember.optim;

import dev.ember.autograd.GradMode;
import dev.ember.tensor.OptimizerSupport;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping, PyTorch's {@code torch.nn.utils.clip_grad_norm_} and
 * {@code clip_grad_value_}: both change the gradients of the given parameters in place and
 * skip parameters without a gradient.
 *
 * <pre>{@code
 * loss.backward();
 * Tensor totalNorm = ClipGrad.clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 * }</pre>
 */
public final class ClipGrad {
    private ClipGrad() {}

    /** {@link #clipGradNorm(Iterable, double, double, boolean)} with the 2-norm. */
    public static Tensor clipGradNorm(Iterable<? extends Tensor> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2.0, false);
    }

    public static Tensor clipGradNorm(Iterable<? extends Tensor> params, double maxNorm, double normType) {
        return clipGradNorm(params, maxNorm, normType, false);
    }

    /**
     * Scales all gradients together so that their joint {@code normType}-norm (the norm of the
     * per-gradient norms; {@code Double.POSITIVE_INFINITY} for the max-norm) is at most
     * {@code maxNorm}, by {@code min(1, maxNorm / (total + 1e-6))}. Returns the total norm before
     * clipping, as a 0-dim tensor. When {@code errorIfNonfinite}, a NaN or infinite total norm
     * throws instead of scaling the gradients by it.
     */
    public static Tensor clipGradNorm(Iterable<? extends Tensor> params, double maxNorm, double normType, boolean errorIfNonfinite) {
        List<Tensor> grads = grads(params);
        if (grads.isEmpty()) return Tensor.scalar(0f);
        try (GradMode.Guard noGrad = GradMode.noGrad()) {
            Tensor total;
            if (normType == Double.POSITIVE_INFINITY) {
                List<Tensor> maxima = new ArrayList<>(grads.size());
                for (Tensor grad : grads) maxima.add(grad.detach().abs().max().to(grads.get(0).device()));
                total = maxima.size() == 1 ? maxima.get(0) : Tensor.stack(maxima).max();
            } else {
                List<Tensor> norms = new ArrayList<>(grads.size());
                for (Tensor grad : grads) norms.add(grad.detach().norm(normType).to(grads.get(0).device()));
                total = Tensor.stack(norms).norm(normType);
            }
            if (errorIfNonfinite) {
                double value = total.item();
                if (Double.isNaN(value) || Double.isInfinite(value)) {
                    throw new IllegalStateException("The total norm of order " + normType + " for gradients from `parameters` "
                            + "is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the "
                            + "non-finite norm anyway, set `errorIfNonfinite=false`");
                }
            }
            Tensor coefficient = total.add(1e-6).reciprocal().mul(maxNorm).clampMax(1.0);
            for (Tensor grad : grads) grad.detach().mul_(coefficient.to(grad.device()).to(grad.dtype()));
            return total;
        }
    }

    /** Clamps every gradient element into {@code [-clipValue, clipValue]}. */
    public static void clipGradValue(Iterable<? extends Tensor> params, double clipValue) {
        try (GradMode.Guard noGrad = GradMode.noGrad()) {
            for (Tensor grad : grads(params)) grad.detach().clamp_(-clipValue, clipValue);
        }
    }

    private static List<Tensor> grads(Iterable<? extends Tensor> params) {
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : params) {
            // used within the call only, so reading it does not pin its memory
            Tensor grad = OptimizerSupport.gradientOf(p);
            if (grad != null) grads.add(grad);
        }
        return grads;
    }
}
