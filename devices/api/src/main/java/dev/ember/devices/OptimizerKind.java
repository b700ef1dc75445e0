package dev.ember.devices;

/**
 * The optimizer updates a backend may fuse into one pass over a parameter's memory
 * ({@link Backend#optimizerStep}). Each constant fixes the order of its state operands and
 * hyperparameters; a state operand an option turns off is {@code null}, a boolean
 * hyperparameter is {@code 0} or {@code 1}. The arithmetic is PyTorch 1.13's single-tensor
 * update, one rounding per tensor op in the parameter's dtype, so a fused step gives the same
 * values as the composite one written with tensor ops.
 *
 * <pre>{@code
 * backend.optimizerStep(OptimizerKind.ADAM, param, grad, new Strided[] {expAvg, expAvgSq, null},
 *         new double[] {lr, beta1, beta2, eps, weightDecay, 0, 0, step});
 * }</pre>
 */
public enum OptimizerKind {
    /** State {@code [momentumBuffer]}; hyperparameters {@code [lr, momentum, dampening, weightDecay, nesterov, maximize, firstStep]}. */
    SGD(1, 7),
    /** State {@code [expAvg, expAvgSq, maxExpAvgSq]}; hyperparameters {@code [lr, beta1, beta2, eps, weightDecay, amsgrad, maximize, step]}. */
    ADAM(3, 8),
    /** Adam with decoupled weight decay; the same operands as {@link #ADAM}. */
    ADAMW(3, 8),
    /** State {@code [squareAvg, momentumBuffer, gradAvg]}; hyperparameters {@code [lr, alpha, eps, weightDecay, momentum, centered, maximize]}. */
    RMSPROP(3, 7),
    /** State {@code [sum]}; hyperparameters {@code [lr, lrDecay, weightDecay, eps, maximize, step]}. */
    ADAGRAD(1, 6),
    /** State {@code [squareAvg, accDelta]}; hyperparameters {@code [lr, rho, eps, weightDecay, maximize]}. */
    ADADELTA(2, 5);

    private final int stateCount;
    private final int hyperparameterCount;

    OptimizerKind(int stateCount, int hyperparameterCount) {
        this.stateCount = stateCount;
        this.hyperparameterCount = hyperparameterCount;
    }

    /** The length of the state operand array (some entries may be null). */
    public int stateCount() { return stateCount; }

    /** The length of the hyperparameter array. */
    public int hyperparameterCount() { return hyperparameterCount; }
}
