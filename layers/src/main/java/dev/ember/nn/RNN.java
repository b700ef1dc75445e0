package dev.ember.nn;

import dev.ember.nn.functional.RecurrentFunctions.Mode;
import dev.ember.tensor.Tensor;

/**
 * A multi-layer Elman recurrent network, like {@code torch.nn.RNN}:
 * {@code h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)}, or relu with {@code nonlinearity "relu"}.
 * Parameters per layer {@code k}: {@code weight_ih_lk [H, in]}, {@code weight_hh_lk [H, H]},
 * {@code bias_ih_lk}, {@code bias_hh_lk [H]} ({@code ..._reverse} when bidirectional), all uniform
 * in {@code [-1/sqrt(H), 1/sqrt(H)]}. As in PyTorch 1.13, the printout does not show the
 * nonlinearity.
 *
 * <pre>{@code
 * RNN rnn = new RNN(10, 20, 2, "relu", true, true, 0, false);   // batch-first, relu
 * Tensor out = rnn.call(Tensor.randn(3, 5, 10));                 // [3, 5, 20]
 * }</pre>
 */
public class RNN extends RNNBase {
    /** {@code "tanh"} or {@code "relu"}. */
    public final String nonlinearity;

    /** The output sequence and the final hidden state {@code [D*numLayers, N, H]}. */
    public record Result(Tensor output, Tensor hidden) {}

    public RNN(long inputSize, long hiddenSize) { this(inputSize, hiddenSize, 1); }

    public RNN(long inputSize, long hiddenSize, int numLayers) { this(inputSize, hiddenSize, numLayers, "tanh"); }

    public RNN(long inputSize, long hiddenSize, int numLayers, String nonlinearity) {
        this(inputSize, hiddenSize, numLayers, nonlinearity, true, false, 0, false);
    }

    /**
     * Every option, in PyTorch's order
     * ({@code input_size, hidden_size, num_layers, nonlinearity, bias, batch_first, dropout, bidirectional}).
     */
    public RNN(long inputSize, long hiddenSize, int numLayers, String nonlinearity, boolean bias, boolean batchFirst,
               double dropout, boolean bidirectional) {
        super(mode(nonlinearity), inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional);
        this.nonlinearity = nonlinearity;
    }

    static Mode mode(String nonlinearity) {
        return switch (nonlinearity) {
            case "tanh" -> Mode.RNN_TANH;
            case "relu" -> Mode.RNN_RELU;
            default -> throw new IllegalArgumentException("Unknown nonlinearity '" + nonlinearity + "'");
        };
    }

    /** The output sequence, starting from a zero state. */
    @Override
    public Tensor forward(Tensor input) { return forward(input, null).output(); }

    /** {@code forward(input)} or {@code forward(input, h0)}: the output sequence. */
    @Override
    public Tensor forward(Tensor... inputs) {
        Tensor[] arguments = optionalTrailingInputs(inputs, "input", "h0");
        return forward(arguments[0], arguments[1]).output();
    }

    /** The output sequence and final hidden state from {@code h0} (null for zeros). */
    public Result forward(Tensor input, Tensor h0) {
        Tensor[] result = run(input, h0, null);
        return new Result(result[0], result[1]);
    }
}
