package dev.ember.nn;

import dev.ember.nn.functional.RecurrentFunctions;
import dev.ember.tensor.Tensor;

/**
 * One GRU step, like {@code torch.nn.GRUCell}: gates {@code r, z} and candidate
 * {@code n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))}, then {@code h' = (1 - z) * n + z * h};
 * weights {@code weight_ih [3H, in]}, {@code weight_hh [3H, H]}, biases {@code [3H]}.
 *
 * <pre>{@code
 * GRUCell cell = new GRUCell(10, 20);
 * Tensor h = cell.call(Tensor.randn(3, 10), Tensor.zeros(3, 20));   // [3, 20]
 * }</pre>
 */
public class GRUCell extends RNNCellBase {

    public GRUCell(long inputSize, long hiddenSize) { this(inputSize, hiddenSize, true); }

    public GRUCell(long inputSize, long hiddenSize, boolean bias) { super(inputSize, hiddenSize, bias, 3); }

    @Override
    protected String[] inputNames() { return new String[] {"input", "hx"}; }

    @Override
    protected Tensor newHidden(Tensor[] arguments) { return forward(arguments[0], arguments[1]); }

    /** The new hidden state from {@code hx} (null for zeros). */
    public Tensor forward(Tensor input, Tensor hx) {
        checkShapes(input, hx, "hx");
        return RecurrentFunctions.gruCell(input, hx, weights());
    }
}
