package dev.ember.tensor;

import dev.ember.autograd.GradMode;

/**
 * Softmax and log-softmax along one dim. When the backend has fused kernels for the dtype
 * ({@code Backend.hasSoftmax}), the forward pass is one kernel call recorded as SOFTMAX or
 * LOG_SOFTMAX, saving its output; the derivative row then calls the backend's backward kernel,
 * or, under {@code createGraph}, writes the same formula with Tensor ops on the saved output
 * (which carries the graph back to the input), so every order of derivative works. Otherwise
 * both are composed from max, exp, sum and division, whose own rows give the derivatives.
 *
 * <pre>{@code
 * Tensor p = logits.softmax(1);          // rows sum to 1
 * Tensor logP = logits.logSoftmax(-1);   // x - logsumexp(x), stable for large logits
 * }</pre>
 */
final class Softmax {
    private Softmax() {}

    static Tensor softmax(Tensor t, int dim, boolean log) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException((log ? "log_softmax" : "softmax") + "(): expected a floating point input, got "
                    + t.dtype());
        }
        int wrapped = Dimensions.wrap(dim, t.dim());
        if (!t.storage.backend.hasSoftmax(t.dtype())) return composed(t, wrapped, log);
        t.storage.buffer.checkOpen();
        Tensor out = Factories.empty(t.dtype(), t.device(), t.shape());
        try (var ignored = GradMode.noGrad()) {
            Tensor input = t.detach().contiguous();
            t.storage.backend.softmax(input.strided(), wrapped, log, out.strided());
        }
        OpNode node = OpNode.record(log ? Op.LOG_SOFTMAX : Op.SOFTMAX, out, t);
        if (node != null) node.save(out).dims(wrapped);
        return out;
    }

    /**
     * The SOFTMAX and LOG_SOFTMAX rows, from the saved output {@code y}: {@code y * (g - sum(g * y))}
     * and {@code g - exp(y) * sum(g)} along the dim.
     */
    static Tensor backward(OpNode node, Tensor g) {
        Tensor y = node.saved(0);
        int dim = node.dims[0];
        boolean log = node.op == Op.LOG_SOFTMAX;
        if (!GradMode.isEnabled() && g.dtype() == y.dtype() && y.storage.backend.hasSoftmax(y.dtype())) {
            Tensor gradInput = Factories.empty(y.dtype(), y.device(), y.shape());
            y.storage.backend.softmaxBackward(y.contiguous().strided(), g.contiguous().strided(), dim, log, gradInput.strided());
            return gradInput;
        }
        int[] dims = {dim};
        if (log) return g.sub(y.exp().mul(g.sum(dims, true)));
        return y.mul(g.sub(g.mul(y).sum(dims, true)));
    }

    /** Softmax from primitive ops, for backends without the fused kernels (and as their reference in tests). */
    static Tensor composed(Tensor t, int dim, boolean log) {
        int[] dims = {dim};
        // A slice holding +inf or only -inf shifts to NaN throughout, as in PyTorch.
        Tensor shifted = t.sub(t.detach().amax(dims, true));
        Tensor exp = shifted.exp();
        if (!log) return exp.div(exp.sum(dims, true));
        // Subtracting the log-sum from the shifted logits (not the full logsumexp from the raw
        // logits) keeps float32 precision when logits are large.
        return shifted.sub(exp.sum(dims, true).log());
    }
}
