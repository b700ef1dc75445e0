package dev.ember.optim;

import dev.ember.devices.OptimizerKind;
import dev.ember.tensor.OptimizerSupport;
import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * Adadelta (Zeiler): scales the gradient by the ratio of running RMS of past updates to
 * running RMS of gradients, so the default lr is 1.0. PyTorch 1.13's update.
 *
 * <pre>{@code
 * Optimizer opt = new Adadelta(model.parameters());
 * Optimizer tuned = new Adadelta(model.parameters(), Adadelta.options().rho(0.95).eps(1e-7));
 * }</pre>
 */
public final class Adadelta extends Optimizer {

    public Adadelta(Iterable<?> params) { this(params, options()); }

    public Adadelta(Iterable<?> params, double lr) { this(params, options().lr(lr)); }

    public Adadelta(Iterable<?> params, Options options) { super("Adadelta", params, options); }

    /** Defaults: lr 1.0, rho 0.9, eps 1e-6, weightDecay 0. */
    public static Options options() { return new Options(); }

    /** Adadelta's options. */
    public static final class Options extends OptimizerOptions<Options> {
        Options() {
            super(Map.of());
            lr(1.0).rho(0.9).eps(1e-6).weightDecay(0).maximize(false);
        }

        public Options rho(double rho) { return put("rho", rho); }

        public Options eps(double eps) { return put("eps", eps); }
    }

    @Override
    protected void validate(ParamGroup group) {
        require(group.lr() >= 0, "learning rate", group.lr());
        require(group.getDouble("rho") >= 0 && group.getDouble("rho") <= 1, "rho value", group.getDouble("rho"));
        require(group.getDouble("eps") >= 0, "epsilon value", group.getDouble("eps"));
        require(group.getDouble("weightDecay") >= 0, "weight_decay value", group.getDouble("weightDecay"));
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
        double lr = group.lr();
        double rho = group.getDouble("rho");
        double eps = group.getDouble("eps");
        double weightDecay = group.getDouble("weightDecay");
        boolean maximize = group.getBoolean("maximize");
        if (state.isEmpty()) {
            state.put("step", 0L);
            state.put("squareAvg", newState(param, 0));
            state.put("accDelta", newState(param, 0));
        }
        state.put("step", ((Number) state.get("step")).longValue() + 1);
        Tensor squareAvg = (Tensor) state.get("squareAvg");
        Tensor accDelta = (Tensor) state.get("accDelta");
        if (fused(group) && OptimizerSupport.fusedStep(OptimizerKind.ADADELTA, param, grad, new Tensor[] {squareAvg, accDelta},
                new double[] {lr, rho, eps, weightDecay, flag(maximize)})) {
            return;
        }
        Tensor d = maximize ? grad.neg() : grad;
        if (weightDecay != 0) d = d.add(param, weightDecay);
        squareAvg.mul_(rho).addcmul_(d, d, 1 - rho);
        Tensor std = squareAvg.add(eps).sqrt_();
        Tensor delta = accDelta.add(eps).sqrt_().div_(std).mul_(d);
        accDelta.mul_(rho).addcmul_(delta, delta, 1 - rho);
        param.add_(delta, -lr);
    }
}
