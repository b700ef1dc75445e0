package dev.ember.nn.functional;

import dev.ember.autograd.GradMode;
import dev.ember.tensor.Autograd;
import dev.ember.tensor.FunctionContext;
import dev.ember.tensor.FusedLstm;
import dev.ember.tensor.MultiOutputFunction;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One LSTM layer and direction over a whole sequence as one node, as cuDNN and oneDNN run it:
 * inputs are the projected input {@code [L, N, 4H]} ({@code x W_ih^T + b_ih + b_hh}), {@code h0}
 * and {@code c0 [N, H]} and {@code W_hh [4H, H]}; outputs are {@code output [L, N, H]},
 * {@code h_n} and {@code c_n}. Each step is one GEMM ({@code h W_hh^T}) and one fused pointwise
 * kernel ({@link FusedLstm}), which keeps the activated gates for backward.
 *
 * <p>Why a node of its own: composed from ops, backward computes {@code W_hh}'s gradient as one
 * product per step with an inner size of the batch and sums them, about a dozen passes per step
 * besides. Here backward walks the steps once, writing every step's gate gradients into one
 * {@code [L, N, 4H]} buffer (which is also the projected input's gradient), and then takes
 * {@code W_hh}'s gradient as one GEMM over all steps:
 * {@code dW_hh = dGates^T [4H, L*N] x h_prev [L*N, H]}.
 *
 * <p>Under {@code createGraph} the backward instead recomputes the composed sequence from the
 * saved inputs with recorded ops and differentiates that, so higher-order gradients are those of
 * the composed form.
 *
 * <pre>{@code
 * Tensor[] out = new LstmSequence(false).apply(projected, h0, c0, weightHh);   // {output, h_n, c_n}
 * }</pre>
 */
final class LstmSequence extends MultiOutputFunction {
    private final boolean reverse;

    /** @param reverse run the steps from last to first (the reverse direction of a bidirectional LSTM) */
    LstmSequence(boolean reverse) {
        this.reverse = reverse;
    }

    @Override
    public String name() { return "LstmSequenceBackward"; }

    @Override
    protected Tensor[] forward(FunctionContext ctx, Tensor... inputs) {
        Tensor projected = inputs[0].contiguous();
        Tensor h0 = inputs[1].contiguous();
        Tensor h = h0;
        Tensor c = inputs[2].contiguous();
        Tensor weightHh = inputs[3];
        long steps = projected.size(0);
        long batch = projected.size(1);
        long hidden = weightHh.size(1);
        Tensor gates = Tensor.empty(projected.dtype(), projected.device(), steps, batch, 4 * hidden);
        Tensor cells = Tensor.empty(projected.dtype(), projected.device(), steps, batch, hidden);
        Tensor output = Tensor.empty(projected.dtype(), projected.device(), steps, batch, hidden);
        Tensor weightHhT = weightHh.t();
        Tensor hiddenGates = Tensor.empty(projected.dtype(), projected.device(), batch, 4 * hidden);
        for (long s = 0; s < steps; s++) {
            long t = reverse ? steps - 1 - s : s;
            Tensor cell = cells.select(0, t);
            Tensor next = output.select(0, t);
            FusedLstm.product(h, weightHhT, hiddenGates);
            FusedLstm.cell(projected.select(0, t), hiddenGates, c, gates.select(0, t), cell, next);
            h = next;
            c = cell;
        }
        // A copy of the hidden state each step read, for W_hh's gradient: saving the output itself
        // would make an in-place change to it fail backward, which PyTorch's CPU LSTM allows.
        Tensor previousHidden = ctx.needsInputGrad(3) ? previousHidden(h0, output) : null;
        ctx.saveForBackward(inputs[0], inputs[1], inputs[2], weightHh, gates, cells, previousHidden);
        return new Tensor[] {output, h.clone(), c.clone()};
    }

    @Override
    protected Tensor[] backward(FunctionContext ctx, Tensor... gradOutputs) {
        Tensor[] saved = ctx.savedTensors();
        if (GradMode.isEnabled()) return composedBackward(ctx, saved, gradOutputs);
        Tensor h0 = saved[1].contiguous();
        Tensor c0 = saved[2].contiguous();
        Tensor weightHh = saved[3];
        Tensor gates = saved[4];
        Tensor cells = saved[5];
        long steps = gates.size(0);
        long batch = gates.size(1);
        long hidden = weightHh.size(1);
        Tensor gradOutput = gradOutputs[0].to(gates.dtype()).contiguous();
        Tensor gradHidden = gradOutputs[1].to(gates.dtype()).contiguous();
        // overwritten step by step with the gradient of the cell state before it
        Tensor gradCell = Tensor.empty(gates.dtype(), gates.device(), batch, hidden).copy_(gradOutputs[2]);
        Tensor gradGates = Tensor.empty(gates.dtype(), gates.device(), steps, batch, 4 * hidden);
        // each step's dGates W_hh goes here once the step's kernel has read the one before
        Tensor recurrentGradient = Tensor.empty(gates.dtype(), gates.device(), batch, hidden);
        for (long s = steps - 1; s >= 0; s--) {
            long t = reverse ? steps - 1 - s : s;
            Tensor cellPrevious = s == 0 ? c0 : cells.select(0, reverse ? t + 1 : t - 1);
            Tensor stepGradGates = gradGates.select(0, t);
            FusedLstm.cellBackward(gates.select(0, t), cellPrevious, cells.select(0, t), gradOutput.select(0, t), gradHidden,
                    gradCell, stepGradGates);
            // the first step's product is only h0's gradient
            if (s > 0 || ctx.needsInputGrad(1)) {
                FusedLstm.product(stepGradGates, weightHh, recurrentGradient);
                gradHidden = recurrentGradient;
            }
        }
        Tensor gradWeightHh = null;
        if (ctx.needsInputGrad(3)) {
            gradWeightHh = gradGates.view(steps * batch, 4 * hidden).t().matmul(saved[6].view(steps * batch, hidden));
        }
        return new Tensor[] {ctx.needsInputGrad(0) ? gradGates : null, ctx.needsInputGrad(1) ? gradHidden : null,
            ctx.needsInputGrad(2) ? gradCell : null, gradWeightHh};
    }

    /** The hidden state each step read, {@code [L, N, H]}: h0, then the outputs of the steps before it. */
    private Tensor previousHidden(Tensor h0, Tensor output) {
        long steps = output.size(0);
        Tensor earlier = reverse ? output.narrow(0, 1, steps - 1) : output.narrow(0, 0, steps - 1);
        return Tensor.cat(reverse ? List.of(earlier, h0.unsqueeze(0)) : List.of(h0.unsqueeze(0), earlier), 0);
    }

    /** The gradients of the composed sequence, recomputed from the saved inputs with recorded ops. */
    private Tensor[] composedBackward(FunctionContext ctx, Tensor[] saved, Tensor[] gradOutputs) {
        Tensor[] recomputed = RecurrentFunctions.sequence(RecurrentFunctions.Mode.LSTM, saved[0], saved[1], saved[2], saved[3],
                null, reverse);
        List<Tensor> wanted = new ArrayList<>();
        for (int i = 0; i < 4; i++) if (ctx.needsInputGrad(i)) wanted.add(saved[i]);
        List<Tensor> gradients = Autograd.grad(Arrays.asList(recomputed), wanted, Arrays.asList(gradOutputs), true, true, true);
        Tensor[] result = new Tensor[4];
        int next = 0;
        for (int i = 0; i < 4; i++) if (ctx.needsInputGrad(i)) result[i] = gradients.get(next++);
        return result;
    }
}
