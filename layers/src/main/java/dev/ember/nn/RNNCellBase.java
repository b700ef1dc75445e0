package dev.ember.nn;

import dev.ember.nn.functional.RecurrentFunctions.Weights;
import dev.ember.nn.init.Init;
import dev.ember.tensor.Tensor;
import java.util.Arrays;

/**
 * What {@link LSTMCell}, {@link GRUCell} and {@link RNNCell} share, like PyTorch's
 * {@code RNNCellBase}: the parameters {@code weight_ih [G*H, in]}, {@code weight_hh [G*H, H]},
 * {@code bias_ih} and {@code bias_hh [G*H]}, all uniform in {@code [-1/sqrt(H), 1/sqrt(H)]}, and
 * the shape checks of one step on {@code [N, in]} (or unbatched {@code [in]}) input with states
 * {@code [N, H]} (or {@code [H]}).
 *
 * <pre>{@code
 * RNNCellBase cell = new GRUCell(10, 20);
 * cell.weightIh.shape();   // [60, 10]
 * }</pre>
 */
public abstract class RNNCellBase extends Module {
    public final long inputSize;
    public final long hiddenSize;
    /** {@code [G*H, inputSize]}. */
    public Parameter weightIh;
    /** {@code [G*H, hiddenSize]}. */
    public Parameter weightHh;
    /** {@code [G*H]}, or null without bias. */
    public Parameter biasIh;
    /** {@code [G*H]}, or null without bias. */
    public Parameter biasHh;

    protected RNNCellBase(long inputSize, long hiddenSize, boolean bias, int gates) {
        if (inputSize < 0) throw new IllegalArgumentException(getName() + ": input_size must be non-negative, got " + inputSize);
        if (hiddenSize <= 0) throw new IllegalArgumentException(getName() + ": hidden_size must be greater than zero, got " + hiddenSize);
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.weightIh = new Parameter(Tensor.empty(gates * hiddenSize, inputSize));
        this.weightHh = new Parameter(Tensor.empty(gates * hiddenSize, hiddenSize));
        this.biasIh = bias ? new Parameter(Tensor.empty(gates * hiddenSize)) : null;
        this.biasHh = bias ? new Parameter(Tensor.empty(gates * hiddenSize)) : null;
        resetParameters();
    }

    /** PyTorch's initialisation: every weight and bias uniform in {@code [-1/sqrt(H), 1/sqrt(H)]}. */
    public void resetParameters() {
        double bound = 1 / Math.sqrt(hiddenSize);
        for (Parameter p : parameters()) Init.uniform_(p, -bound, bound);
    }

    protected Weights weights() { return new Weights(weightIh, weightHh, biasIh, biasHh); }

    /** The new hidden state from zero states. */
    @Override
    public Tensor forward(Tensor input) { return forward(new Tensor[] {input}); }

    /** {@code forward(input)}, or with the states ({@code hx}, and {@code cx} for the LSTM cell): the new hidden state. */
    @Override
    public Tensor forward(Tensor... inputs) { return newHidden(optionalTrailingInputs(inputs, inputNames())); }

    /** The input and then the states a step takes, as PyTorch names them. */
    protected abstract String[] inputNames();

    /** The new hidden state from {@code (input, states...)}, null states meaning zeros. */
    protected abstract Tensor newHidden(Tensor[] arguments);

    /** Checks the input and a state (null is zeros) against this cell's sizes. */
    protected void checkShapes(Tensor input, Tensor state, String what) {
        if (input.dim() != 1 && input.dim() != 2) {
            throw new IllegalArgumentException(getName() + ": Expected input to be 1-D or 2-D but received " + input.dim()
                    + "-D tensor of size " + Arrays.toString(input.shape()));
        }
        if (input.size(-1) != inputSize) {
            throw new IllegalArgumentException(getName() + ": input has inconsistent input_size: got " + input.size(-1)
                    + " expected " + inputSize);
        }
        if (state == null) return;
        long[] expected = input.dim() == 2 ? new long[] {input.size(0), hiddenSize} : new long[] {hiddenSize};
        if (!Arrays.equals(state.shape(), expected)) {
            throw new IllegalArgumentException(getName() + ": Expected " + what + " of size " + Arrays.toString(expected)
                    + (input.dim() == 2 ? " (batch, hidden_size)" : " (hidden_size) for unbatched input") + ", got "
                    + Arrays.toString(state.shape()));
        }
    }

    @Override
    public String extraRepr() {
        return inputSize + ", " + hiddenSize + (biasIh == null ? ", bias=False" : "");
    }
}
