package dev.ember.optim;

import dev.ember.devices.OptimizerKind;
import dev.ember.tensor.OptimizerSupport;
import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * RMSprop (Hinton): divides the gradient by a running root mean square, optionally centered
 * (by the running mean's square) and with momentum. PyTorch 1.13's update; eps is added
 * outside the square root.
 *
 * <pre>{@code
 * Optimizer opt = new RMSprop(model.parameters(), RMSprop.options().lr(1e-3).momentum(0.9).centered(true));
 * }</pre>
 */
public final class RMSprop extends Optimizer {

    public RMSprop(Iterable<?> params) { this(params, options()); }

    public RMSprop(Iterable<?> params, double lr) { this(params, options().lr(lr)); }

    public RMSprop(Iterable<?> params, Options options) { super("RMSprop", params, options); }

    /** Defaults: lr 1e-2, alpha 0.99, eps 1e-8, weightDecay 0, momentum 0, centered false. */
    public static Options options() { return new Options(); }

    /** RMSprop's options. */
    public static final class Options extends OptimizerOptions<Options> {
        Options() {
            super(Map.of());
            lr(1e-2).momentum(0).alpha(0.99).eps(1e-8).centered(false).weightDecay(0).maximize(false);
        }

        public Options alpha(double alpha) { return put("alpha", alpha); }

        public Options eps(double eps) { return put("eps", eps); }

        public Options momentum(double momentum) { return put("momentum", momentum); }

        public Options centered(boolean centered) { return put("centered", centered); }
    }

    @Override
    protected void validate(ParamGroup group) {
        require(group.lr() >= 0, "learning rate", group.lr());
        require(group.getDouble("eps") >= 0, "epsilon value", group.getDouble("eps"));
        require(group.getDouble("momentum") >= 0, "momentum value", group.getDouble("momentum"));
        require(group.getDouble("weightDecay") >= 0, "weight_decay value", group.getDouble("weightDecay"));
        require(group.getDouble("alpha") >= 0, "alpha value", group.getDouble("alpha"));
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
        double lr = group.lr();
        double alpha = group.getDouble("alpha");
        double eps = group.getDouble("eps");
        double weightDecay = group.getDouble("weightDecay");
        double momentum = group.getDouble("momentum");
        boolean centered = group.getBoolean("centered");
        boolean maximize = group.getBoolean("maximize");
        if (state.isEmpty()) {
            state.put("step", 0L);
            state.put("squareAvg", newState(param, 0));
        }
        if (momentum > 0 && !state.containsKey("momentumBuffer")) state.put("momentumBuffer", newState(param, 0));
        if (centered && !state.containsKey("gradAvg")) state.put("gradAvg", newState(param, 0));
        state.put("step", ((Number) state.get("step")).longValue() + 1);
        Tensor squareAvg = (Tensor) state.get("squareAvg");
        Tensor buffer = momentum > 0 ? (Tensor) state.get("momentumBuffer") : null;
        Tensor gradAvg = centered ? (Tensor) state.get("gradAvg") : null;
        if (fused(group) && OptimizerSupport.fusedStep(OptimizerKind.RMSPROP, param, grad,
                new Tensor[] {squareAvg, buffer, gradAvg},
                new double[] {lr, alpha, eps, weightDecay, momentum, flag(centered), flag(maximize)})) {
            return;
        }
        Tensor d = maximize ? grad.neg() : grad;
        if (weightDecay != 0) d = d.add(param, weightDecay);
        squareAvg.mul_(alpha).addcmul_(d, d, 1 - alpha);
        Tensor average;
        if (centered) {
            gradAvg.mul_(alpha).add_(d, 1 - alpha);
            average = squareAvg.addcmul(gradAvg, gradAvg, -1).sqrt_();
        } else {
            average = squareAvg.sqrt();
        }
        average = average.add_(eps);
        if (momentum > 0) {
            buffer.mul_(momentum).addcdiv_(d, average, 1);
            param.add_(buffer, -lr);
        } else {
            param.addcdiv_(d, average, -lr);
        }
    }
}
