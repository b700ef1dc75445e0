package dev.ember.nn.functional;

import dev.ember.tensor.FusedLstm;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The recurrences behind {@code LSTM}, {@code GRU} and {@code RNN} and their cells, composed from
 * differentiable Tensor ops (matmul, add, mul, sigmoid, tanh, unbind, split, stack, cat), so autograd
 * needs no rows of its own. Gate orders and formulas are PyTorch's:
 * <ul>
 * <li>LSTM, gates {@code i, f, g, o}: {@code c' = f*c + i*g}, {@code h' = o*tanh(c')};</li>
 * <li>GRU, gates {@code r, z, n}: {@code n = tanh(W_in x + b_in + r*(W_hn h + b_hn))},
 *     {@code h' = (1-z)*n + z*h};</li>
 * <li>RNN: {@code h' = tanh(W_ih x + b_ih + W_hh h + b_hh)} (or relu).</li>
 * </ul>
 * A sequence run projects the whole input of a layer and direction with one GEMM
 * ({@code x W_ih^T + b_ih (+ b_hh)} over all time steps), so each step only adds
 * {@code h W_hh^T} and applies the gates on views cut by one split; the projection is unbound
 * into steps and the step outputs are stacked once (unbind and split have one backward node for
 * all their pieces, so backward writes each whole-size gradient once). Where the backend has fused
 * LSTM cell kernels, an LSTM layer and direction is instead one node, {@link LstmSequence}, with a
 * backward written by hand.
 *
 * <pre>{@code
 * var w = new RecurrentFunctions.Weights(wIh, wHh, bIh, bHh);                  // [4H, in], [4H, H], [4H], [4H]
 * Tensor[] out = RecurrentFunctions.recurrence(Mode.LSTM, x, null, null, List.of(w), 1, false, 0, false);
 * }</pre>
 */
public final class RecurrentFunctions {
    private RecurrentFunctions() {}

    /** The recurrence kind and its number of gates (rows of {@code W_ih} per hidden unit). */
    public enum Mode {
        LSTM(4), GRU(3), RNN_TANH(1), RNN_RELU(1);

        public final int gates;

        Mode(int gates) { this.gates = gates; }
    }

    /**
     * One layer and direction's weights, as PyTorch names them: {@code weight_ih [G*H, in]},
     * {@code weight_hh [G*H, H]}, {@code bias_ih} and {@code bias_hh [G*H]} (both null without bias).
     */
    public record Weights(Tensor weightIh, Tensor weightHh, Tensor biasIh, Tensor biasHh) {}

    /**
     * Runs a stacked, optionally bidirectional recurrence over a sequence-first batched input.
     *
     * @param input   {@code [L, N, in]}
     * @param h0      {@code [D*numLayers, N, H]}, or null for zeros
     * @param c0      the LSTM's initial cell state, same shape, or null for zeros (ignored otherwise)
     * @param weights {@code D*numLayers} entries, layer by layer, the forward direction before the
     *                reverse one (PyTorch's {@code _l0}, {@code _l0_reverse}, {@code _l1}, ...)
     * @param dropout probability of zeroing each output of every layer but the last, in training only
     * @return {@code {output [L, N, D*H], h_n [D*numLayers, N, H]}} and, for the LSTM, {@code c_n}
     */
    public static Tensor[] recurrence(Mode mode, Tensor input, Tensor h0, Tensor c0, List<Weights> weights,
                                      int numLayers, boolean bidirectional, double dropout, boolean training) {
        int directions = bidirectional ? 2 : 1;
        if (weights.size() != directions * numLayers) {
            throw new IllegalArgumentException("recurrence: expected " + directions * numLayers
                    + " weight sets (num_layers * num_directions), got " + weights.size());
        }
        long steps = input.size(0);
        long batch = input.size(1);
        if (steps == 0) throw new IllegalArgumentException("Expected sequence length to be larger than 0 in RNN");
        List<Tensor> initialHidden = h0 == null ? null : h0.unbind(0);
        List<Tensor> initialCell = c0 == null || mode != Mode.LSTM ? null : c0.unbind(0);
        List<Tensor> finalHidden = new ArrayList<>(directions * numLayers);
        List<Tensor> finalCell = mode == Mode.LSTM ? new ArrayList<>(directions * numLayers) : null;
        Tensor layerInput = input;
        for (int layer = 0; layer < numLayers; layer++) {
            if (layer > 0) layerInput = DropoutFunctions.dropout(layerInput, dropout, training);
            Tensor[] directionOutputs = new Tensor[directions];
            for (int direction = 0; direction < directions; direction++) {
                int index = layer * directions + direction;
                Weights w = weights.get(index);
                long hidden = w.weightHh().size(1);
                Tensor h = initialHidden != null ? initialHidden.get(index) : zeros(input, batch, hidden);
                Tensor c = mode != Mode.LSTM ? null : initialCell != null ? initialCell.get(index) : zeros(input, batch, hidden);
                Tensor projected = project(mode, layerInput.reshape(steps * batch, layerInput.size(2)), w)
                        .view(steps, batch, mode.gates * hidden);
                boolean reverse = direction == 1;
                Tensor[] result = mode == Mode.LSTM && FusedLstm.isAvailable(projected)
                        ? new LstmSequence(reverse).apply(projected, h, c, w.weightHh())
                        : sequence(mode, projected, h, c, w.weightHh(), w.biasHh(), reverse);
                directionOutputs[direction] = result[0];
                finalHidden.add(result[1]);
                if (finalCell != null) finalCell.add(result[2]);
            }
            layerInput = directions == 1 ? directionOutputs[0] : Tensor.cat(Arrays.asList(directionOutputs), 2);
        }
        Tensor hN = Tensor.stack(finalHidden, 0);
        return finalCell == null ? new Tensor[] {layerInput, hN} : new Tensor[] {layerInput, hN, Tensor.stack(finalCell, 0)};
    }

    /**
     * One layer and direction over the projected input {@code [L, N, G*H]}, composed step by
     * step from recorded ops; returns {@code {output [L, N, H], h_n}} and, for the LSTM, {@code c_n}.
     */
    static Tensor[] sequence(Mode mode, Tensor projected, Tensor h, Tensor c, Tensor weightHh, Tensor biasHh,
                             boolean reverse) {
        long steps = projected.size(0);
        long hidden = weightHh.size(1);
        // A contiguous copy: the gradient of a transposed view comes back transposed, and summing
        // one per step in that layout misses the vectorised add.
        Tensor weightHhT = weightHh.t().contiguous();
        List<Tensor> inputs = projected.unbind(0);
        Tensor[] outputs = new Tensor[(int) steps];
        for (long s = 0; s < steps; s++) {
            int t = (int) (reverse ? steps - 1 - s : s);
            Tensor[] state = step(mode, inputs.get(t), h, c, weightHhT, biasHh, hidden);
            h = state[0];
            if (c != null) c = state[1];
            outputs[t] = h;
        }
        Tensor output = Tensor.stack(Arrays.asList(outputs), 0);
        return c == null ? new Tensor[] {output, h} : new Tensor[] {output, h, c};
    }

    /**
     * One LSTM step on {@code [N, in]} (or {@code [in]}) input with states {@code [N, H]} (or {@code [H]});
     * returns {@code {h', c'}}.
     */
    public static Tensor[] lstmCell(Tensor input, Tensor hx, Tensor cx, Weights w) {
        return cell(Mode.LSTM, input, hx, cx, w);
    }

    /** One GRU step; returns {@code h'}. */
    public static Tensor gruCell(Tensor input, Tensor hx, Weights w) { return cell(Mode.GRU, input, hx, null, w)[0]; }

    /** One Elman RNN step with tanh, or relu when {@code relu}; returns {@code h'}. */
    public static Tensor rnnCell(Tensor input, Tensor hx, Weights w, boolean relu) {
        return cell(relu ? Mode.RNN_RELU : Mode.RNN_TANH, input, hx, null, w)[0];
    }

    private static Tensor[] cell(Mode mode, Tensor input, Tensor hx, Tensor cx, Weights w) {
        boolean unbatched = input.dim() == 1;
        Tensor x = unbatched ? input.unsqueeze(0) : input;
        long hidden = w.weightHh().size(1);
        Tensor h = hx == null ? zeros(x, x.size(0), hidden) : unbatched ? hx.unsqueeze(0) : hx;
        Tensor c = mode != Mode.LSTM ? null : cx == null ? zeros(x, x.size(0), hidden) : unbatched ? cx.unsqueeze(0) : cx;
        Tensor[] state = step(mode, project(mode, x, w), h, c, w.weightHh().t(), w.biasHh(), hidden);
        if (unbatched) {
            for (int i = 0; i < state.length; i++) state[i] = state[i].squeeze(0);
        }
        return state;
    }

    /**
     * {@code x W_ih^T} plus the biases that do not depend on the step: both of them, except in the
     * GRU, whose {@code b_hn} sits inside {@code r * (...)} and is added per step.
     */
    private static Tensor project(Mode mode, Tensor x, Weights w) {
        Tensor projected = x.matmul(w.weightIh().t());
        if (w.biasIh() == null) return projected;
        return projected.add(mode == Mode.GRU ? w.biasIh() : w.biasIh().add(w.biasHh()));
    }

    /** One time step from the projected input {@code gi [N, G*H]}; returns {@code {h'}} or {@code {h', c'}}. */
    private static Tensor[] step(Mode mode, Tensor gi, Tensor h, Tensor c, Tensor weightHhT, Tensor biasHh, long hidden) {
        Tensor gh = h.matmul(weightHhT);
        return switch (mode) {
            case LSTM -> {
                // i and f are adjacent: one sigmoid over both, on views cut by one split.
                // in place into the fresh product, as PyTorch's cell does: one step's buffer fewer
                List<Tensor> gates = gh.add_(gi).split(new long[] {2 * hidden, hidden, hidden}, 1);
                List<Tensor> inputForget = gates.get(0).sigmoid().chunk(2, 1);
                Tensor candidate = gates.get(1).tanh();
                Tensor outputGate = gates.get(2).sigmoid();
                Tensor cell = inputForget.get(1).mul(c).add_(inputForget.get(0).mul(candidate));
                yield new Tensor[] {outputGate.mul(cell.tanh()), cell};
            }
            case GRU -> {
                if (biasHh != null) gh = gh.add(biasHh);
                long[] sizes = {2 * hidden, hidden};
                List<Tensor> input = gi.split(sizes, 1);
                List<Tensor> recurrent = gh.split(sizes, 1);
                List<Tensor> resetUpdate = input.get(0).add(recurrent.get(0)).sigmoid().chunk(2, 1);
                Tensor candidate = input.get(1).add(resetUpdate.get(0).mul(recurrent.get(1))).tanh();
                // (1 - z) * n + z * h, with one multiply fewer
                yield new Tensor[] {candidate.add(resetUpdate.get(1).mul(h.sub(candidate)))};
            }
            case RNN_TANH -> new Tensor[] {gi.add(gh).tanh()};
            case RNN_RELU -> new Tensor[] {gi.add(gh).relu()};
        };
    }

    private static Tensor zeros(Tensor like, long... shape) {
        return Tensor.empty(like.dtype(), like.device(), shape).zero_();
    }
}
