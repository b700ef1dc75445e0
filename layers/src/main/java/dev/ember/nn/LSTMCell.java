package dev.ember.nn;

import dev.ember.nn.functional.RecurrentFunctions;
import dev.ember.tensor.Tensor;

/**
 * One LSTM step, like {@code torch.nn.LSTMCell}: gates {@code i, f, g, o} from
 * {@code x W_ih^T + b_ih + h W_hh^T + b_hh}, {@code c' = f*c + i*g}, {@code h' = o*tanh(c')};
 * weights {@code weight_ih [4H, in]}, {@code weight_hh [4H, H]}, biases {@code [4H]}.
 *
 * <pre>{@code
 * LSTMCell cell = new LSTMCell(10, 20);
 * LSTMCell.Result s = cell.forward(Tensor.randn(3, 10), null, null);   // s.hidden(), s.cell(): [3, 20]
 * }</pre>
 */
public class LSTMCell extends RNNCellBase {

    /** The new hidden and cell states, {@code [N, H]} (or {@code [H]} for unbatched input). */
    public record Result(Tensor hidden, Tensor cell) {}

    public LSTMCell(long inputSize, long hiddenSize) { this(inputSize, hiddenSize, true); }

    public LSTMCell(long inputSize, long hiddenSize, boolean bias) { super(inputSize, hiddenSize, bias, 4); }

    @Override
    protected String[] inputNames() { return new String[] {"input", "hx", "cx"}; }

    @Override
    protected Tensor newHidden(Tensor[] arguments) { return forward(arguments[0], arguments[1], arguments[2]).hidden(); }

    /** The new hidden and cell states from {@code hx} and {@code cx} (each null for zeros). */
    public Result forward(Tensor input, Tensor hx, Tensor cx) {
        checkShapes(input, hx, "hx");
        checkShapes(input, cx, "cx");
        Tensor[] state = RecurrentFunctions.lstmCell(input, hx, cx, weights());
        return new Result(state[0], state[1]);
    }
}
