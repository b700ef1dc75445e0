package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.nn.functional.RecurrentFunctions;
import dev.ember.nn.functional.RecurrentFunctions.Mode;
import dev.ember.nn.functional.RecurrentFunctions.Weights;
import dev.ember.tensor.GradCheck;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Central differences in float64 through the recurrences: inputs, initial states and every weight. */
class RecurrentGradCheckTest {

    private static Tensor leaf(long... shape) { return Tensor.randn(DType.FLOAT64, shape).mul(0.5).requiresGrad_(true); }

    /** Weights for every layer and direction as gradcheck inputs, in PyTorch's flat order. */
    private static List<Tensor> weights(Mode mode, long input, long hidden, int layers, int directions, boolean bias) {
        List<Tensor> flat = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            for (int d = 0; d < directions; d++) {
                flat.add(leaf(mode.gates * hidden, layer == 0 ? input : directions * hidden));
                flat.add(leaf(mode.gates * hidden, hidden));
                if (bias) {
                    flat.add(leaf(mode.gates * hidden));
                    flat.add(leaf(mode.gates * hidden));
                }
            }
        }
        return flat;
    }

    private static List<Weights> grouped(List<Tensor> flat, boolean bias) {
        List<Weights> result = new ArrayList<>();
        int step = bias ? 4 : 2;
        for (int i = 0; i < flat.size(); i += step) {
            result.add(new Weights(flat.get(i), flat.get(i + 1), bias ? flat.get(i + 2) : null, bias ? flat.get(i + 3) : null));
        }
        return result;
    }

    /** All results flattened into one tensor, so one Jacobian covers the output and the final states. */
    private static Tensor joined(Tensor[] results) {
        List<Tensor> flat = new ArrayList<>();
        for (Tensor r : results) flat.add(r.reshape(-1));
        return Tensor.cat(flat, 0);
    }

    /** inputs = [x, h0, c0 (LSTM only), weights...]. */
    private static void checkSequence(Mode mode, int layers, boolean bidirectional, boolean bias) {
        Tensor.manualSeed(21);
        // A batch of one keeps the stacked cases quick; the single-layer ones mix a batch of two.
        long input = 2, hidden = 2, steps = 3, batch = layers > 1 ? 1 : 2;
        int directions = bidirectional ? 2 : 1;
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(leaf(steps, batch, input));
        inputs.add(leaf(directions * layers, batch, hidden));
        if (mode == Mode.LSTM) inputs.add(leaf(directions * layers, batch, hidden));
        int first = inputs.size();
        inputs.addAll(weights(mode, input, hidden, layers, directions, bias));
        assertTrue(GradCheck.check(in -> joined(RecurrentFunctions.recurrence(mode, in.get(0), in.get(1),
                mode == Mode.LSTM ? in.get(2) : null, grouped(in.subList(first, in.size()), bias),
                layers, bidirectional, 0, false)), inputs));
    }

    @Test
    void lstmGradientsThroughInputsStatesAndWeightsOfTwoBidirectionalLayers() { checkSequence(Mode.LSTM, 2, true, true); }

    @Test
    void lstmGradientsWithoutBias() { checkSequence(Mode.LSTM, 1, false, false); }

    @Test
    void lstmModuleInFloat64GradientsThroughInputAndStates() {
        Tensor.manualSeed(22);
        LSTM lstm = new LSTM(3, 2, 1, true, true, 0, false);
        lstm.to(DType.FLOAT64);
        List<Tensor> inputs = List.of(leaf(2, 4, 3), leaf(1, 2, 2), leaf(1, 2, 2));
        assertTrue(GradCheck.check(in -> {
            LSTM.Result r = lstm.forward(in.get(0), in.get(1), in.get(2));
            return joined(new Tensor[] {r.output(), r.hidden(), r.cell()});
        }, inputs));
    }

    @Test
    void gruGradientsThroughInputsStateAndWeightsOfTwoBidirectionalLayers() { checkSequence(Mode.GRU, 2, true, true); }

    @Test
    void gruGradientsWithoutBias() { checkSequence(Mode.GRU, 1, false, false); }

    @Test
    void rnnTanhGradientsOfTwoBidirectionalLayers() { checkSequence(Mode.RNN_TANH, 2, true, true); }

    @Test
    void rnnReluGradientsOfTwoLayers() { checkSequence(Mode.RNN_RELU, 2, false, true); }

    @Test
    void cellGradientsThroughInputStatesAndWeights() {
        Tensor.manualSeed(23);
        for (Mode mode : Mode.values()) {
            List<Tensor> inputs = new ArrayList<>(List.of(leaf(3, 2), leaf(3, 4), leaf(3, 4)));
            inputs.addAll(weights(mode, 2, 4, 1, 1, true));
            assertTrue(GradCheck.check(in -> {
                Weights w = new Weights(in.get(3), in.get(4), in.get(5), in.get(6));
                return switch (mode) {
                    case LSTM -> joined(RecurrentFunctions.lstmCell(in.get(0), in.get(1), in.get(2), w));
                    case GRU -> RecurrentFunctions.gruCell(in.get(0), in.get(1), w);
                    case RNN_TANH, RNN_RELU -> RecurrentFunctions.rnnCell(in.get(0), in.get(1), w, mode == Mode.RNN_RELU);
                };
            }, inputs), mode.name());
        }
    }

    @Test
    void lstmSecondOrderGradientsThroughInputsAndStates() {
        Tensor.manualSeed(24);
        List<Weights> w = grouped(weights(Mode.LSTM, 2, 2, 1, 1, true), true);
        assertTrue(GradCheck.checkSecondOrder(in -> joined(RecurrentFunctions.recurrence(Mode.LSTM, in.get(0), in.get(1), in.get(2),
                w, 1, false, 0, false)), List.of(leaf(2, 1, 2), leaf(1, 1, 2), leaf(1, 1, 2))));
    }
}
