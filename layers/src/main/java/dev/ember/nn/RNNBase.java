package dev.ember.nn;

import dev.ember.nn.functional.RecurrentFunctions;
import dev.ember.nn.functional.RecurrentFunctions.Mode;
import dev.ember.nn.functional.RecurrentFunctions.Weights;
import dev.ember.nn.init.Init;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What {@link LSTM}, {@link GRU} and {@link RNN} share, like PyTorch's {@code RNNBase}: the
 * hyperparameters, the parameters {@code weight_ih_l{k}}, {@code weight_hh_l{k}},
 * {@code bias_ih_l{k}}, {@code bias_hh_l{k}} (with a {@code _reverse} suffix for the backward
 * direction) in PyTorch's registration order and shapes, so state dicts interchange, and the
 * checks and reshaping around the recurrence in {@link RecurrentFunctions}.
 *
 * <p>Inputs are {@code [L, N, in]}, {@code [N, L, in]} with {@code batchFirst}, or unbatched
 * {@code [L, in]}; states are {@code [D*numLayers, N, H]} (or {@code [D*numLayers, H]} unbatched),
 * never batch-first, as in PyTorch. PyTorch's {@code proj_size} (LSTM projections) is not supported.
 *
 * <pre>{@code
 * RNNBase rnn = new GRU(10, 20, 2);
 * rnn.flatWeights().size();   // 8: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, then layer 1
 * }</pre>
 */
public abstract class RNNBase extends Module {
    public final long inputSize;
    public final long hiddenSize;
    public final int numLayers;
    /** Whether the layers have {@code bias_ih} and {@code bias_hh}. */
    public final boolean bias;
    public final boolean batchFirst;
    /** Dropout probability on the outputs of every layer but the last, in training mode. */
    public final double dropout;
    public final boolean bidirectional;
    private final Mode mode;
    private final List<String> weightNames = new ArrayList<>();

    protected RNNBase(Mode mode, long inputSize, long hiddenSize, int numLayers, boolean bias, boolean batchFirst,
                      double dropout, boolean bidirectional) {
        String name = getName();
        if (inputSize < 0) throw new IllegalArgumentException(name + ": input_size must be non-negative, got " + inputSize);
        if (hiddenSize <= 0) throw new IllegalArgumentException(name + ": hidden_size must be greater than zero, got " + hiddenSize);
        if (numLayers <= 0) throw new IllegalArgumentException(name + ": num_layers must be greater than zero, got " + numLayers);
        if (!(dropout >= 0 && dropout <= 1)) {
            throw new IllegalArgumentException(name + ": dropout should be a number in range [0, 1] representing the "
                    + "probability of an element being zeroed, got " + dropout);
        }
        this.mode = mode;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.bias = bias;
        this.batchFirst = batchFirst;
        this.dropout = dropout;
        this.bidirectional = bidirectional;
        long gateSize = mode.gates * hiddenSize;
        for (int layer = 0; layer < numLayers; layer++) {
            long layerInput = layer == 0 ? inputSize : hiddenSize * directions();
            for (int direction = 0; direction < directions(); direction++) {
                String suffix = "_l" + layer + (direction == 1 ? "_reverse" : "");
                addWeight("weight_ih" + suffix, gateSize, layerInput);
                addWeight("weight_hh" + suffix, gateSize, hiddenSize);
                if (bias) {
                    addWeight("bias_ih" + suffix, gateSize);
                    addWeight("bias_hh" + suffix, gateSize);
                }
            }
        }
        resetParameters();
    }

    private void addWeight(String name, long... shape) {
        registerParameter(name, new Parameter(Tensor.empty(shape)));
        weightNames.add(name);
    }

    /** 2 when bidirectional, else 1 (PyTorch's {@code num_directions}). */
    public int directions() { return bidirectional ? 2 : 1; }

    /** PyTorch's initialisation: every weight and bias uniform in {@code [-1/sqrt(H), 1/sqrt(H)]}. */
    public void resetParameters() {
        double bound = 1 / Math.sqrt(hiddenSize);
        for (Parameter p : flatWeights()) Init.uniform_(p, -bound, bound);
    }

    /** The parameters in PyTorch's {@code _flat_weights} order (per layer and direction: w_ih, w_hh, b_ih, b_hh). */
    public List<Parameter> flatWeights() {
        List<Parameter> result = new ArrayList<>(weightNames.size());
        // Read afresh: to(device) replaces parameters in the registry.
        for (String name : weightNames) result.add(getParameter(name));
        return result;
    }

    /**
     * Checks shapes, makes the input sequence-first and batched, runs the recurrence and restores
     * the caller's layout; returns {@code {output, h_n}} and, for the LSTM, {@code c_n}.
     */
    protected Tensor[] run(Tensor input, Tensor h0, Tensor c0) {
        String name = getName();
        if (input.dim() != 2 && input.dim() != 3) {
            throw new IllegalArgumentException(name + ": Expected input to be 2-D or 3-D but received " + input.dim()
                    + "-D tensor of size " + Arrays.toString(input.shape()));
        }
        if (input.size(-1) != inputSize) {
            throw new IllegalArgumentException(name + ": input.size(-1) must be equal to input_size. Expected " + inputSize
                    + ", got " + input.size(-1) + " (input of size " + Arrays.toString(input.shape()) + ")");
        }
        boolean batched = input.dim() == 3;
        if (input.size(batched && batchFirst ? 1 : 0) == 0) {
            throw new IllegalArgumentException(name + ": Expected sequence length to be larger than 0, got input of size "
                    + Arrays.toString(input.shape()));
        }
        long batch = !batched ? 1 : batchFirst ? input.size(0) : input.size(1);
        long[] stateShape = batched ? new long[] {directions() * (long) numLayers, batch, hiddenSize}
                : new long[] {directions() * (long) numLayers, hiddenSize};
        checkState(h0, stateShape, batched, mode == Mode.LSTM ? "h0" : "hx");
        checkState(c0, stateShape, batched, "c0");
        Tensor x = !batched ? input.unsqueeze(1) : batchFirst ? input.transpose(0, 1) : input;
        Tensor h = h0 == null || batched ? h0 : h0.unsqueeze(1);
        Tensor c = c0 == null || batched ? c0 : c0.unsqueeze(1);
        List<Weights> weights = new ArrayList<>(directions() * numLayers);
        List<Parameter> flat = flatWeights();
        int perLayer = bias ? 4 : 2;
        for (int i = 0; i < flat.size(); i += perLayer) {
            weights.add(new Weights(flat.get(i), flat.get(i + 1), bias ? flat.get(i + 2) : null, bias ? flat.get(i + 3) : null));
        }
        Tensor[] result = RecurrentFunctions.recurrence(mode, x, h, c, weights, numLayers, bidirectional, dropout, training);
        if (!batched) {
            for (int i = 0; i < result.length; i++) result[i] = result[i].squeeze(1);
        } else if (batchFirst) {
            result[0] = result[0].transpose(0, 1);
        }
        return result;
    }

    private void checkState(Tensor state, long[] expected, boolean batched, String what) {
        if (state == null) return;
        if (state.dim() != expected.length) {
            throw new IllegalArgumentException(getName() + ": For " + (batched ? "batched 3-D" : "unbatched 2-D") + " input, "
                    + what + " should also be " + expected.length + "-D but got " + state.dim() + "-D tensor of size "
                    + Arrays.toString(state.shape()));
        }
        if (!Arrays.equals(state.shape(), expected)) {
            throw new IllegalArgumentException(getName() + ": Expected " + what + " of size " + Arrays.toString(expected)
                    + " (num_layers * num_directions" + (batched ? ", batch" : "") + ", hidden_size), got "
                    + Arrays.toString(state.shape()));
        }
    }

    /** PyTorch's text: sizes, then only the options that differ from their defaults. */
    @Override
    public String extraRepr() {
        StringBuilder text = new StringBuilder().append(inputSize).append(", ").append(hiddenSize);
        if (numLayers != 1) text.append(", num_layers=").append(numLayers);
        if (!bias) text.append(", bias=False");
        if (batchFirst) text.append(", batch_first=True");
        if (dropout != 0) text.append(", dropout=").append(pythonFloat(dropout));
        if (bidirectional) text.append(", bidirectional=True");
        return text.toString();
    }
}
