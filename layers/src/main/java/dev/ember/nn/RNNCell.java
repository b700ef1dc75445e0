package dev.ember.nn;

import dev.ember.nn.functional.RecurrentFunctions;
import dev.ember.tensor.Tensor;

/**
 * One Elman RNN step, like {@code torch.nn.RNNCell}: {@code h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)},
 * or relu with {@code nonlinearity "relu"}; weights {@code weight_ih [H, in]}, {@code weight_hh [H, H]},
 * biases {@code [H]}.
 *
 * <pre>{@code
 * RNNCell cell = new RNNCell(10, 20, true, "relu");
 * Tensor h = cell.call(Tensor.randn(3, 10));   // [3, 20], from a zero state
 * }</pre>
 */
public class RNNCell extends RNNCellBase {
    /** {@code "tanh"} or {@code "relu"}. */
    public final String nonlinearity;

    public RNNCell(long inputSize, long hiddenSize) { this(inputSize, hiddenSize, true, "tanh"); }

    /** PyTorch's order: {@code input_size, hidden_size, bias, nonlinearity}. */
    public RNNCell(long inputSize, long hiddenSize, boolean bias, String nonlinearity) {
        super(inputSize, hiddenSize, bias, 1);
        RNN.mode(nonlinearity);
        this.nonlinearity = nonlinearity;
    }

    @Override
    protected String[] inputNames() { return new String[] {"input", "hx"}; }

    @Override
    protected Tensor newHidden(Tensor[] arguments) { return forward(arguments[0], arguments[1]); }

    /** The new hidden state from {@code hx} (null for zeros). */
    public Tensor forward(Tensor input, Tensor hx) {
        checkShapes(input, hx, "hx");
        return RecurrentFunctions.rnnCell(input, hx, weights(), nonlinearity.equals("relu"));
    }

    @Override
    public String extraRepr() { return super.extraRepr() + (nonlinearity.equals("tanh") ? "" : ", nonlinearity=" + nonlinearity); }
}
