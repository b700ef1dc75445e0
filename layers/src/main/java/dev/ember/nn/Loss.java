package dev.ember.nn;

import dev.ember.tensor.Tensor;

/**
 * The base of the loss modules, like PyTorch's {@code _Loss}: a {@code reduction} of
 * {@code "mean"} (the default), {@code "sum"} or {@code "none"}, and {@code forward(input, target)}.
 *
 * <pre>{@code
 * Loss criterion = new MSELoss();
 * Tensor loss = criterion.forward(prediction, target);
 * }</pre>
 */
public abstract class Loss extends Module {
    /** {@code "mean"}, {@code "sum"} or {@code "none"}. */
    public final String reduction;

    protected Loss(String reduction) {
        if (!"mean".equals(reduction) && !"sum".equals(reduction) && !"none".equals(reduction)
                && !("batchmean".equals(reduction) && this instanceof KLDivLoss)) {
            throw new IllegalArgumentException("'" + reduction + "' is not a valid value for reduction");
        }
        this.reduction = reduction;
    }

    /** The loss of {@code input} against {@code target}. */
    public abstract Tensor forward(Tensor input, Tensor target);

    /** {@code forward(input, target)}; three-input losses override this. */
    @Override
    public Tensor forward(Tensor... inputs) {
        if (inputs.length != 2) {
            throw new IllegalArgumentException(getName() + ".forward() takes 2 inputs (input, target) but "
                    + inputs.length + " were given");
        }
        return forward(inputs[0], inputs[1]);
    }

    @Override
    public Tensor forward(Tensor input) {
        throw new IllegalArgumentException(getName() + ".forward() takes 2 inputs (input, target) but 1 was given");
    }
}
