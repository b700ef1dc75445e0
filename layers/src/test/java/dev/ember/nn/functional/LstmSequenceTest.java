package dev.ember.nn.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.nn.LSTM;
import dev.ember.tensor.Autograd;
import dev.ember.tensor.FusedLstm;
import dev.ember.tensor.GradCheck;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The LSTM's one-node sequence (fused step kernels, hand-written backward) against the same
 * sequence composed step by step from recorded ops: outputs, final states and the gradients of
 * every input, on seeded random shapes, both directions and both dtypes; plus gradchecks of
 * the node itself, first order (its own backward) and second order (the recomputed composition).
 */
class LstmSequenceTest {

    private static Tensor leaf(Random random, DType dtype, long... shape) {
        int count = 1;
        for (long size : shape) count *= (int) size;
        double[] values = new double[count];
        for (int i = 0; i < count; i++) values[i] = random.nextGaussian();
        return Tensor.of(values, shape).to(dtype).requiresGrad_(true);
    }

    private static void assertClose(Tensor expected, Tensor actual, double tolerance, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= tolerance * Math.max(1, Math.abs(e[i])),
                    what + "[" + i + "]: expected " + e[i] + ", got " + a[i]);
        }
    }

    @Test
    void matchesTheComposedSequenceOnRandomShapes() {
        Random random = new Random(23);
        for (int trial = 0; trial < 24; trial++) {
            DType dtype = trial % 3 == 0 ? DType.FLOAT32 : DType.FLOAT64;
            double tolerance = dtype == DType.FLOAT32 ? 2e-5 : 1e-12;
            long steps = 1 + random.nextInt(6), batch = 1 + random.nextInt(5), hidden = 1 + random.nextInt(40);
            boolean reverse = random.nextBoolean();
            String at = dtype + " L=" + steps + " N=" + batch + " H=" + hidden + (reverse ? " reverse" : "") + ": ";
            List<Tensor> inputs = List.of(leaf(random, dtype, steps, batch, 4 * hidden), leaf(random, dtype, batch, hidden),
                    leaf(random, dtype, batch, hidden), leaf(random, dtype, 4 * hidden, hidden));
            Tensor[] fused = new LstmSequence(reverse).apply(inputs.toArray(new Tensor[0]));
            Tensor[] composed = RecurrentFunctions.sequence(RecurrentFunctions.Mode.LSTM, inputs.get(0), inputs.get(1),
                    inputs.get(2), inputs.get(3), null, reverse);
            assertEquals("LstmSequenceBackward", fused[0].gradFn().name());
            List<Tensor> gradOutputs = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                assertClose(composed[k], fused[k], tolerance, at + "output " + k);
                gradOutputs.add(leaf(random, dtype, composed[k].shape()).detach());
            }
            List<Tensor> expected = Autograd.grad(List.of(composed), inputs, gradOutputs, false, false, false);
            List<Tensor> actual = Autograd.grad(List.of(fused), inputs, gradOutputs, false, false, false);
            for (int i = 0; i < 4; i++) assertClose(expected.get(i), actual.get(i), tolerance * 10, at + "gradient of input " + i);
        }
    }

    @Test
    void onlyTheFinalHiddenStateUsedAndStatesWithoutGradients() {
        Random random = new Random(5);
        Tensor projected = leaf(random, DType.FLOAT64, 4, 2, 12);
        Tensor h0 = leaf(random, DType.FLOAT64, 2, 3).detach();
        Tensor c0 = leaf(random, DType.FLOAT64, 2, 3).detach();
        Tensor weight = leaf(random, DType.FLOAT64, 12, 3);
        Tensor[] fused = new LstmSequence(false).apply(projected, h0, c0, weight);
        Tensor[] composed = RecurrentFunctions.sequence(RecurrentFunctions.Mode.LSTM, projected, h0, c0, weight, null, false);
        List<Tensor> expected = Autograd.grad(List.of(composed[1].sum()), List.of(projected, weight), false);
        List<Tensor> actual = Autograd.grad(List.of(fused[1].sum()), List.of(projected, weight), false);
        assertClose(expected.get(0), actual.get(0), 1e-12, "projected");
        assertClose(expected.get(1), actual.get(1), 1e-12, "weight_hh");
        assertNull(h0.grad());
    }

    @Test
    void anInPlaceChangeToTheOutputAfterForwardLeavesBackwardCorrect() {
        // PyTorch's CPU LSTM allows this: its backward does not read the returned output
        Random random = new Random(9);
        Tensor projected = leaf(random, DType.FLOAT64, 3, 2, 8);
        Tensor h0 = leaf(random, DType.FLOAT64, 2, 2);
        Tensor c0 = leaf(random, DType.FLOAT64, 2, 2);
        Tensor weight = leaf(random, DType.FLOAT64, 8, 2);
        List<Tensor> inputs = List.of(projected, h0, c0, weight);
        Tensor[] composed = RecurrentFunctions.sequence(RecurrentFunctions.Mode.LSTM, projected, h0, c0, weight, null, false);
        List<Tensor> expected = Autograd.grad(List.of(composed[0].sum()), inputs, false);
        Tensor[] fused = new LstmSequence(false).apply(projected, h0, c0, weight);
        Tensor output = fused[0].mul(1);
        fused[0].add_(100);
        List<Tensor> actual = Autograd.grad(List.of(fused[0].sum()), inputs, false);
        for (int i = 0; i < 4; i++) assertClose(expected.get(i), actual.get(i), 1e-12, "gradient of input " + i);
        assertClose(output.add(100), fused[0], 1e-12, "output");
    }

    @Test
    void gradcheckFirstAndSecondOrder() {
        Random random = new Random(8);
        for (boolean reverse : new boolean[] {false, true}) {
            List<Tensor> inputs = List.of(leaf(random, DType.FLOAT64, 3, 2, 8), leaf(random, DType.FLOAT64, 2, 2),
                    leaf(random, DType.FLOAT64, 2, 2), leaf(random, DType.FLOAT64, 8, 2));
            java.util.function.Function<List<Tensor>, Tensor> f = in -> {
                Tensor[] out = new LstmSequence(reverse).apply(in.toArray(new Tensor[0]));
                return Tensor.cat(List.of(out[0].reshape(-1), out[1].reshape(-1), out[2].reshape(-1)), 0);
            };
            assertTrue(GradCheck.check(f, inputs));
            assertTrue(GradCheck.checkSecondOrder(f, inputs));
        }
    }

    @Test
    void theLstmLayerRunsAsOneNodePerLayerAndDirection() {
        LSTM lstm = new LSTM(5, 7);
        Tensor x = Tensor.randn(6, 3, 5);
        assertTrue(FusedLstm.isAvailable(x));
        Tensor output = lstm.call(x);
        assertEquals("LstmSequenceBackward", output.gradFn().name());
    }
}
