package dev.ember.optim;

import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter): the parameter shrinks by
 * {@code 1 - lr * weightDecay} before the Adam update, instead of the decay joining the
 * gradient. PyTorch 1.13's update; weightDecay defaults to 1e-2.
 *
 * <pre>{@code
 * Optimizer opt = new AdamW(model.parameters(), AdamW.options().lr(3e-4).weightDecay(0.05));
 * }</pre>
 */
public final class AdamW extends Optimizer {

    public AdamW(Iterable<?> params) { this(params, options()); }

    public AdamW(Iterable<?> params, double lr) { this(params, options().lr(lr)); }

    public AdamW(Iterable<?> params, Adam.Options options) { super("AdamW", params, options); }

    /** Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weightDecay 1e-2, amsgrad false. */
    public static Adam.Options options() { return new Adam.Options(1e-2); }

    @Override
    protected void validate(ParamGroup group) { Adam.validateAdam(group); }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
        Adam.updateAdam(group, param, grad, state, true);
    }
}
