package dev.ember.optim;

import dev.ember.devices.OptimizerKind;
import dev.ember.tensor.OptimizerSupport;
import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * Adam (Kingma and Ba), with optional L2 weight decay added to the gradient, AMSGrad and
 * maximization: PyTorch 1.13's update with bias-corrected moments. For decoupled weight decay
 * use {@link AdamW}.
 *
 * <pre>{@code
 * Optimizer opt = new Adam(model.parameters(), 1e-3);
 * Optimizer ams = new Adam(model.parameters(), Adam.options().lr(1e-3).betas(0.9, 0.99).amsgrad(true));
 * }</pre>
 */
public final class Adam extends Optimizer {

    public Adam(Iterable<?> params) { this(params, options()); }

    public Adam(Iterable<?> params, double lr) { this(params, options().lr(lr)); }

    public Adam(Iterable<?> params, Options options) { super("Adam", params, options); }

    /** Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weightDecay 0, amsgrad false. */
    public static Options options() { return new Options(0.0); }

    /** Adam's and AdamW's options. */
    public static final class Options extends OptimizerOptions<Options> {
        Options(double weightDecay) {
            super(Map.of());
            lr(1e-3).betas(0.9, 0.999).eps(1e-8).weightDecay(weightDecay).amsgrad(false).maximize(false);
        }

        public Options betas(double beta1, double beta2) { return put("betas", new double[] {beta1, beta2}); }

        public Options eps(double eps) { return put("eps", eps); }

        public Options amsgrad(boolean amsgrad) { return put("amsgrad", amsgrad); }
    }

    @Override
    protected void validate(ParamGroup group) { validateAdam(group); }

    static void validateAdam(ParamGroup group) {
        double[] betas = group.getPair("betas");
        require(group.lr() >= 0, "learning rate", group.lr());
        require(group.getDouble("eps") >= 0, "epsilon value", group.getDouble("eps"));
        require(betas[0] >= 0 && betas[0] < 1, "beta parameter at index 0", betas[0]);
        require(betas[1] >= 0 && betas[1] < 1, "beta parameter at index 1", betas[1]);
        require(group.getDouble("weightDecay") >= 0, "weight_decay value", group.getDouble("weightDecay"));
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
        updateAdam(group, param, grad, state, false);
    }

    /** The Adam update; {@code decoupled} shrinks the parameter by {@code 1 - lr * weightDecay} instead of adding decay to the gradient (AdamW). */
    static void updateAdam(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state, boolean decoupled) {
        double lr = group.lr();
        double[] betas = group.getPair("betas");
        double beta1 = betas[0];
        double beta2 = betas[1];
        double eps = group.getDouble("eps");
        double weightDecay = group.getDouble("weightDecay");
        boolean amsgrad = group.getBoolean("amsgrad");
        boolean maximize = group.getBoolean("maximize");
        if (state.isEmpty()) {
            state.put("step", newStepCounter());
            state.put("expAvg", newState(param, 0));
            state.put("expAvgSq", newState(param, 0));
        }
        if (amsgrad && !state.containsKey("maxExpAvgSq")) state.put("maxExpAvgSq", newState(param, 0));
        Tensor stepCounter = ((Tensor) state.get("step")).add_(1.0);
        double step = stepCounter.item();
        Tensor expAvg = (Tensor) state.get("expAvg");
        Tensor expAvgSq = (Tensor) state.get("expAvgSq");
        Tensor maxExpAvgSq = amsgrad ? (Tensor) state.get("maxExpAvgSq") : null;
        if (fused(group) && OptimizerSupport.fusedStep(decoupled ? OptimizerKind.ADAMW : OptimizerKind.ADAM, param, grad,
                new Tensor[] {expAvg, expAvgSq, maxExpAvgSq},
                new double[] {lr, beta1, beta2, eps, weightDecay, flag(amsgrad), flag(maximize), step})) {
            return;
        }
        Tensor d = maximize ? grad.neg() : grad;
        if (decoupled) param.mul_(1 - lr * weightDecay);
        else if (weightDecay != 0) d = d.add(param, weightDecay);
        expAvg.mul_(beta1).add_(d, 1 - beta1);
        expAvgSq.mul_(beta2).addcmul_(d, d, 1 - beta2);
        double stepSize = lr / (1 - Math.pow(beta1, step));
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        Tensor second = expAvgSq;
        if (amsgrad) second = maxExpAvgSq.copy_(maxExpAvgSq.maximum(expAvgSq));
        Tensor denominator = second.sqrt().div(biasCorrection2Sqrt).add_(eps);
        param.addcdiv_(expAvg, denominator, -stepSize);
    }
}
