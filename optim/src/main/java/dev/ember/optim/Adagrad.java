package dev.ember.optim;

import dev.ember.devices.OptimizerKind;
import dev.ember.tensor.OptimizerSupport;
import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * Adagrad (Duchi et al.): divides the gradient by the root of the sum of its past squares,
 * with an lr that decays as {@code lr / (1 + (step - 1) * lrDecay)}. PyTorch 1.13's update.
 *
 * <pre>{@code
 * Optimizer opt = new Adagrad(model.parameters(), Adagrad.options().lr(0.1).initialAccumulatorValue(0.1));
 * }</pre>
 */
public final class Adagrad extends Optimizer {

    public Adagrad(Iterable<?> params) { this(params, options()); }

    public Adagrad(Iterable<?> params, double lr) { this(params, options().lr(lr)); }

    public Adagrad(Iterable<?> params, Options options) { super("Adagrad", params, options); }

    /** Defaults: lr 1e-2, lrDecay 0, weightDecay 0, initialAccumulatorValue 0, eps 1e-10. */
    public static Options options() { return new Options(); }

    /** Adagrad's options. */
    public static final class Options extends OptimizerOptions<Options> {
        Options() {
            super(Map.of());
            lr(1e-2).lrDecay(0).weightDecay(0).initialAccumulatorValue(0).eps(1e-10).maximize(false);
        }

        public Options lrDecay(double lrDecay) { return put("lrDecay", lrDecay); }

        public Options initialAccumulatorValue(double value) { return put("initialAccumulatorValue", value); }

        public Options eps(double eps) { return put("eps", eps); }
    }

    @Override
    protected void validate(ParamGroup group) {
        require(group.lr() >= 0, "learning rate", group.lr());
        require(group.getDouble("lrDecay") >= 0, "lr_decay value", group.getDouble("lrDecay"));
        require(group.getDouble("weightDecay") >= 0, "weight_decay value", group.getDouble("weightDecay"));
        require(group.getDouble("initialAccumulatorValue") >= 0, "initial_accumulator_value value",
                group.getDouble("initialAccumulatorValue"));
        require(group.getDouble("eps") >= 0, "epsilon value", group.getDouble("eps"));
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
        double lr = group.lr();
        double lrDecay = group.getDouble("lrDecay");
        double weightDecay = group.getDouble("weightDecay");
        double eps = group.getDouble("eps");
        boolean maximize = group.getBoolean("maximize");
        if (state.isEmpty()) {
            state.put("step", newStepCounter());
            state.put("sum", newState(param, group.getDouble("initialAccumulatorValue")));
        }
        double step = ((Tensor) state.get("step")).add_(1.0).item();
        Tensor sum = (Tensor) state.get("sum");
        if (fused(group) && OptimizerSupport.fusedStep(OptimizerKind.ADAGRAD, param, grad, new Tensor[] {sum},
                new double[] {lr, lrDecay, weightDecay, eps, flag(maximize), step})) {
            return;
        }
        Tensor d = maximize ? grad.neg() : grad;
        if (weightDecay != 0) d = d.add(param, weightDecay);
        double decayedLr = lr / (1 + (step - 1) * lrDecay);
        sum.addcmul_(d, d, 1);
        Tensor std = sum.sqrt().add_(eps);
        param.addcdiv_(d, std, -decayedLr);
    }
}
