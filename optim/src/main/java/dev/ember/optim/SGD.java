package dev.ember.optim;

import dev.ember.devices.OptimizerKind;
import dev.ember.tensor.OptimizerSupport;
import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum, weight
 * decay and maximization: PyTorch 1.13's update. The momentum buffer starts as the first
 * gradient; then {@code buf = momentum * buf + (1 - dampening) * g}.
 *
 * <pre>{@code
 * Optimizer opt = new SGD(model.parameters(), SGD.options().lr(0.1).momentum(0.9).nesterov(true));
 * Optimizer plain = new SGD(model.parameters(), 0.01);
 * }</pre>
 */
public final class SGD extends Optimizer {

    public SGD(Iterable<?> params, double lr) { this(params, options().lr(lr)); }

    public SGD(Iterable<?> params, Options options) { super("SGD", params, requireLr(options)); }

    public static Options options() { return new Options(); }

    /** SGD's options; {@code lr} has no default and must be set. */
    public static final class Options extends OptimizerOptions<Options> {
        Options() {
            super(Map.of());
            put("momentum", 0.0).put("dampening", 0.0).put("weightDecay", 0.0).put("nesterov", false).put("maximize", false);
        }

        public Options momentum(double momentum) { return put("momentum", momentum); }

        public Options dampening(double dampening) { return put("dampening", dampening); }

        public Options nesterov(boolean nesterov) { return put("nesterov", nesterov); }
    }

    private static Options requireLr(Options options) {
        if (!options.values().containsKey("lr")) throw new IllegalArgumentException("SGD: the learning rate lr is required");
        return options;
    }

    @Override
    protected void validate(ParamGroup group) {
        require(group.lr() >= 0, "learning rate", group.lr());
        require(group.getDouble("momentum") >= 0, "momentum value", group.getDouble("momentum"));
        require(group.getDouble("weightDecay") >= 0, "weight_decay value", group.getDouble("weightDecay"));
        if (group.getBoolean("nesterov") && (group.getDouble("momentum") <= 0 || group.getDouble("dampening") != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        }
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
        double lr = group.lr();
        double momentum = group.getDouble("momentum");
        double dampening = group.getDouble("dampening");
        double weightDecay = group.getDouble("weightDecay");
        boolean nesterov = group.getBoolean("nesterov");
        boolean maximize = group.getBoolean("maximize");
        Tensor buffer = (Tensor) state.get("momentumBuffer");
        boolean first = momentum != 0 && buffer == null;
        if (first) {
            buffer = newState(param, 0);
            state.put("momentumBuffer", buffer);
        }
        if (fused(group) && OptimizerSupport.fusedStep(OptimizerKind.SGD, param, grad,
                new Tensor[] {momentum != 0 ? buffer : null},
                new double[] {lr, momentum, dampening, weightDecay, flag(nesterov), flag(maximize), flag(first)})) {
            return;
        }
        Tensor d = maximize ? grad.neg() : grad;
        if (weightDecay != 0) d = d.add(param, weightDecay);
        if (momentum != 0) {
            if (first) buffer.copy_(d);
            else buffer.mul_(momentum).add_(d, 1 - dampening);
            d = nesterov ? d.add(buffer, momentum) : buffer;
        }
        param.add_(d, -lr);
    }
}
