package dev.ember.tensor;

import dev.ember.autograd.GradMode;
import dev.ember.devices.Backend;
import dev.ember.devices.OptimizerKind;
import dev.ember.devices.Strided;
import java.util.Arrays;

/**
 * The bridge from {@code dev.ember.optim} into tensor internals; not user API. It hands
 * tensors' memory to a backend's fused optimizer kernel ({@link Backend#optimizerStep}),
 * moving the version counters of everything the kernel wrote like any in-place op, and lets
 * optimizer state outlive the {@link MemoryScope} of the step that created it.
 *
 * <pre>{@code
 * try (var g = GradMode.noGrad()) {
 *     boolean fused = OptimizerSupport.fusedStep(OptimizerKind.SGD, w, w.grad(), new Tensor[] {null},
 *             new double[] {0.1, 0, 0, 0, 0, 0, 1});
 *     if (!fused) w.add_(w.grad(), -0.1);
 * }
 * }</pre>
 */
public final class OptimizerSupport {
    private OptimizerSupport() {}

    /**
     * Runs {@code kind}'s update in one fused kernel and returns true, or returns false without
     * touching anything when the backend has no such kernel for these operands (another dtype,
     * device or a non-contiguous parameter or state), so the caller composes the update instead.
     */
    public static boolean fusedStep(OptimizerKind kind, Tensor param, Tensor grad, Tensor[] state, double[] hyperparameters) {
        Backend backend = param.storage.backend;
        if (!backend.hasOptimizerStep(kind, param.dtype) || !param.isContiguous() || !fits(grad, param)) return false;
        for (Tensor s : state) {
            if (s != null && (!s.isContiguous() || !fits(s, param))) return false;
        }
        if (!Arrays.equals(grad.shape(), param.shape())) {
            throw new IllegalArgumentException("optimizer step: the gradient has shape " + Dimensions.shapeText(grad.shape())
                    + " but the parameter has shape " + Dimensions.shapeText(param.shape()));
        }
        if (GradMode.isEnabled() && param.requiresGrad()) {
            throw new IllegalStateException("a leaf Variable that requires grad is being used in an in-place operation. "
                    + "Wrap the update in GradMode.noGrad() (as optimizers do).");
        }
        Tensor contiguousGrad = grad.contiguous();
        Strided[] stateOperands = new Strided[state.length];
        for (int i = 0; i < state.length; i++) stateOperands[i] = state[i] == null ? null : state[i].strided();
        backend.optimizerStep(kind, param.strided(), contiguousGrad.strided(), stateOperands, hyperparameters);
        param.storage.bumpVersion();
        for (Tensor s : state) {
            if (s != null) s.storage.bumpVersion();
        }
        return true;
    }

    /**
     * {@code param}'s gradient, or null, for an optimizer's or a gradient utility's own use within
     * the call: unlike {@link Tensor#grad()} this does not count as handing it out, so zeroGrad
     * and the next backward may still free its memory at once. The caller must not keep it (nor a
     * view of it) past the call.
     */
    public static Tensor gradientOf(Tensor param) { return param.gradWithoutHandingOut(); }

    /** Takes {@code tensor}'s memory out of every open memory scope of this thread: optimizer state lives across steps. */
    public static Tensor keepAcrossScopes(Tensor tensor) {
        MemoryScope.keepStorage(tensor.storage);
        return tensor;
    }

    private static boolean fits(Tensor operand, Tensor param) {
        return operand.dtype == param.dtype && operand.storage.backend == param.storage.backend
                && operand.device().equals(param.device());
    }
}
