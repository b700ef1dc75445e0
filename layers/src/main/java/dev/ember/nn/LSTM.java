package dev.ember.nn;

import dev.ember.nn.functional.RecurrentFunctions.Mode;
import dev.ember.tensor.Tensor;

/**
 * A multi-layer long short-term memory network, like {@code torch.nn.LSTM}: for each step,
 * gates {@code i, f, g, o} from {@code x W_ih^T + b_ih + h W_hh^T + b_hh}, then
 * {@code c' = f*c + i*g} and {@code h' = o*tanh(c')}. Parameters per layer {@code k} are
 * {@code weight_ih_lk [4H, in]}, {@code weight_hh_lk [4H, H]}, {@code bias_ih_lk},
 * {@code bias_hh_lk [4H]} (and {@code ..._reverse} when bidirectional), all uniform in
 * {@code [-1/sqrt(H), 1/sqrt(H)]}. PyTorch's {@code proj_size} is not supported.
 *
 * <pre>{@code
 * LSTM lstm = new LSTM(64, 256);
 * Tensor out = lstm.call(Tensor.randn(50, 32, 64));                  // [50, 32, 256]
 * LSTM.Result r = lstm.forward(Tensor.randn(50, 32, 64), null, null); // r.hidden(), r.cell(): [1, 32, 256]
 * }</pre>
 */
public class LSTM extends RNNBase {

    /**
     * The output sequence {@code [L, N, D*H]} ({@code [N, L, D*H]} batch-first, {@code [L, D*H]}
     * unbatched) and the final hidden and cell states {@code [D*numLayers, N, H]}.
     */
    public record Result(Tensor output, Tensor hidden, Tensor cell) {}

    public LSTM(long inputSize, long hiddenSize) { this(inputSize, hiddenSize, 1); }

    public LSTM(long inputSize, long hiddenSize, int numLayers) {
        this(inputSize, hiddenSize, numLayers, true, false, 0, false);
    }

    /**
     * Every option, in PyTorch's order:
     * {@code new LSTM(10, 20, 2, true, true, 0.1, true)} is
     * {@code nn.LSTM(10, 20, num_layers=2, bias=True, batch_first=True, dropout=0.1, bidirectional=True)}.
     */
    public LSTM(long inputSize, long hiddenSize, int numLayers, boolean bias, boolean batchFirst, double dropout,
                boolean bidirectional) {
        super(Mode.LSTM, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional);
    }

    /** The output sequence, starting from zero states. */
    @Override
    public Tensor forward(Tensor input) { return forward(input, null, null).output(); }

    /** {@code forward(input)}, {@code forward(input, h0)} or {@code forward(input, h0, c0)}: the output sequence. */
    @Override
    public Tensor forward(Tensor... inputs) {
        Tensor[] arguments = optionalTrailingInputs(inputs, "input", "h0", "c0");
        return forward(arguments[0], arguments[1], arguments[2]).output();
    }

    /** The output sequence and final states from initial states {@code h0}, {@code c0} (each null for zeros). */
    public Result forward(Tensor input, Tensor h0, Tensor c0) {
        Tensor[] result = run(input, h0, c0);
        return new Result(result[0], result[1], result[2]);
    }
}
