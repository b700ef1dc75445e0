package dev.ember.nn;

import dev.ember.nn.functional.RecurrentFunctions.Mode;
import dev.ember.tensor.Tensor;

/**
 * A multi-layer gated recurrent unit network, like {@code torch.nn.GRU}: for each step, gates
 * {@code r, z} = sigmoid of {@code x W_i^T + b_i + h W_h^T + b_h}, the candidate
 * {@code n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))} and {@code h' = (1 - z) * n + z * h}.
 * Parameters per layer {@code k}: {@code weight_ih_lk [3H, in]}, {@code weight_hh_lk [3H, H]},
 * {@code bias_ih_lk}, {@code bias_hh_lk [3H]} (gate order r, z, n; {@code ..._reverse} when
 * bidirectional), all uniform in {@code [-1/sqrt(H), 1/sqrt(H)]}.
 *
 * <pre>{@code
 * GRU gru = new GRU(10, 20, 2);
 * GRU.Result r = gru.forward(Tensor.randn(5, 3, 10), null);   // r.output() [5, 3, 20], r.hidden() [2, 3, 20]
 * }</pre>
 */
public class GRU extends RNNBase {

    /** The output sequence and the final hidden state {@code [D*numLayers, N, H]}. */
    public record Result(Tensor output, Tensor hidden) {}

    public GRU(long inputSize, long hiddenSize) { this(inputSize, hiddenSize, 1); }

    public GRU(long inputSize, long hiddenSize, int numLayers) { this(inputSize, hiddenSize, numLayers, true, false, 0, false); }

    /** Every option, in PyTorch's order ({@code input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional}). */
    public GRU(long inputSize, long hiddenSize, int numLayers, boolean bias, boolean batchFirst, double dropout,
               boolean bidirectional) {
        super(Mode.GRU, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional);
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
