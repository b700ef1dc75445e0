package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.Engine;
import dev.ember.autograd.GradientAlgebra;
import dev.ember.autograd.Node;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Backward frees a gradient once the built-in derivative it was for has run, when nothing else
 * can reach it (PyTorch's reference counting frees it then too), so the next allocation reuses
 * memory still in cache. Each test runs the engine with the tensor algebra wrapped in a spy that
 * records what was released (with its values, read before the release closes it) and checks
 * both what was freed and what must stay readable.
 */
class ConsumedGradientReleaseTest {

    private static final double TOLERANCE = 1e-12;

    /** The tensor algebra, recording each released gradient's values before it is closed. */
    private static final class Spy implements GradientAlgebra<Tensor> {
        final List<double[]> released = new ArrayList<>();
        final List<Tensor> releasedTensors = new ArrayList<>();

        @Override public Tensor add(Tensor left, Tensor right) { return TensorAlgebra.INSTANCE.add(left, right); }
        @Override public Tensor addInto(Tensor owned, Tensor addend) { return TensorAlgebra.INSTANCE.addInto(owned, addend); }
        @Override public Tensor detachedCopy(Tensor value) { return TensorAlgebra.INSTANCE.detachedCopy(value); }
        @Override public boolean isFinite(Tensor value) { return TensorAlgebra.INSTANCE.isFinite(value); }
        @Override public long allocationMark() { return TensorAlgebra.INSTANCE.allocationMark(); }
        @Override public boolean isLeafLayout(Tensor value) { return TensorAlgebra.INSTANCE.isLeafLayout(value); }
        @Override public boolean sharesMemory(Tensor left, Tensor right) { return TensorAlgebra.INSTANCE.sharesMemory(left, right); }

        @Override
        public boolean isOwnedGradient(Node<Tensor> producer, Tensor value, long mark) {
            return TensorAlgebra.INSTANCE.isOwnedGradient(producer, value, mark);
        }

        @Override
        public void release(Node<Tensor> consumer, Tensor value) {
            released.add(value.toDoubleArray());
            releasedTensors.add(value);
            TensorAlgebra.INSTANCE.release(consumer, value);
        }
    }

    private static void backward(Spy spy, Tensor root, boolean createGraph) {
        Engine.backward(spy, List.of(root.gradientEdge()), List.of(Tensor.onesLike(root)), false, createGraph);
    }

    private static Tensor leaf(double... values) { return Tensor.of(values).requiresGrad_(true); }

    @Test
    void aChainsIntermediateGradientsAreFreedOnceConsumedAndTheLeafKeepsItsOwn() {
        Tensor x = leaf(1, 2, 3);
        Tensor out = x.mul(2.0).mul(3.0).mul(4.0).sum();
        Spy spy = new Spy();
        backward(spy, out, false);
        // gradients of mul(3)'s and mul(2)'s outputs: 4, then 12; the sum's expanded ones are a view, never owned
        assertEquals(2, spy.released.size());
        assertArrayEquals(new double[] {4, 4, 4}, spy.released.get(0), TOLERANCE);
        assertArrayEquals(new double[] {12, 12, 12}, spy.released.get(1), TOLERANCE);
        for (Tensor t : spy.releasedTensors) assertTrue(t.isClosed());
        assertFalse(x.grad().isClosed());
        assertArrayEquals(new double[] {24, 24, 24}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void aGradientPassedOnAsAViewIsFreedOnlyWhereTheViewIsConsumed() {
        Tensor x = leaf(1, 2, 3, 4);
        Tensor out = x.mul(2.0).view(2, 2).mul(3.0).relu().sum();
        Spy spy = new Spy();
        backward(spy, out, false);
        for (Tensor t : spy.releasedTensors) assertTrue(t.isClosed());
        assertArrayEquals(new double[] {6, 6, 6, 6}, x.grad().toDoubleArray(), TOLERANCE);
        // relu's input gradient (1s), freed where mul(3) consumed it; mul(3)'s (3s), viewed back to [4]
        // by the view's derivative, freed once, where mul(2) consumed the view
        assertEquals(2, spy.released.size());
        assertArrayEquals(new double[] {1, 1, 1, 1}, spy.released.get(0), TOLERANCE);
        assertArrayEquals(new double[] {3, 3, 3, 3}, spy.released.get(1), TOLERANCE);
    }

    @Test
    void nothingIsFreedWhenTheGraphOfTheGradientsIsRecorded() {
        Tensor x = leaf(1, 2, 3);
        Spy spy = new Spy();
        backward(spy, x.mul(2.0).mul(3.0).sum(), true);
        assertTrue(spy.released.isEmpty());
        assertArrayEquals(new double[] {6, 6, 6}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void aGradientAPostHookSawStaysReadable() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(2.0);
        Tensor z = y.mul(3.0);
        List<Tensor> seen = new ArrayList<>();
        // z's node hands y's gradient on; mul(2) consumes it afterwards
        z.gradFn().registerHook((gradInputs, gradOutputs) -> {
            seen.add(gradInputs.get(0));
            return null;
        });
        Spy spy = new Spy();
        backward(spy, z.sum(), false);
        assertFalse(seen.get(0).isClosed());
        assertArrayEquals(new double[] {3, 3}, seen.get(0).toDoubleArray(), TOLERANCE);
        assertArrayEquals(new double[] {6, 6}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void aTensorHookAndRetainGradKeepTheirGradients() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(2.0);
        y.retainGrad();
        Tensor z = y.mul(3.0);
        List<Tensor> seen = new ArrayList<>();
        z.registerHook(g -> {
            seen.add(g);
            return null;
        });
        z.mul(5.0).sum().backward();
        assertArrayEquals(new double[] {5, 5}, seen.get(0).toDoubleArray(), TOLERANCE);
        assertArrayEquals(new double[] {15, 15}, y.grad().toDoubleArray(), TOLERANCE);
        assertArrayEquals(new double[] {30, 30}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void gradientsTheCallerAskedForAreReturnedOpen() {
        Tensor x = leaf(1, 2, 3);
        Tensor y = x.mul(2.0);
        Tensor z = y.mul(3.0);
        List<Tensor> grads = dev.ember.tensor.Autograd.grad(List.of(z.mul(4.0).sum()), List.of(z, y, x), false);
        assertArrayEquals(new double[] {4, 4, 4}, grads.get(0).toDoubleArray(), TOLERANCE);
        assertArrayEquals(new double[] {12, 12, 12}, grads.get(1).toDoubleArray(), TOLERANCE);
        assertArrayEquals(new double[] {24, 24, 24}, grads.get(2).toDoubleArray(), TOLERANCE);
    }

    @Test
    void aCustomFunctionsIncomingGradientIsLeftToTheCollector() {
        Tensor x = leaf(1, 2);
        List<Tensor> kept = new ArrayList<>();
        Tensor y = new Function() {
            @Override
            protected Tensor forward(FunctionContext ctx, Tensor... inputs) { return inputs[0].mul(2.0); }

            @Override
            protected Tensor[] backward(FunctionContext ctx, Tensor gradOutput) {
                kept.add(gradOutput);
                return new Tensor[] {gradOutput.mul(2.0)};
            }
        }.apply(x);
        Spy spy = new Spy();
        backward(spy, y.mul(3.0).sum(), false);
        // offered to the algebra, which leaves a custom function's gradient open
        assertEquals(1, spy.releasedTensors.size());
        assertFalse(kept.get(0).isClosed());
        assertArrayEquals(new double[] {3, 3}, kept.get(0).toDoubleArray(), TOLERANCE);
        assertArrayEquals(new double[] {6, 6}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void aTrainingStepsValuesAreTheSameAsWithoutEarlyFrees() {
        Tensor.manualSeed(5);
        Tensor w1 = Tensor.randn(dev.ember.devices.DType.FLOAT64, 32, 48).requiresGrad_(true);
        Tensor w2 = Tensor.randn(dev.ember.devices.DType.FLOAT64, 10, 32).requiresGrad_(true);
        Tensor input = Tensor.randn(dev.ember.devices.DType.FLOAT64, 64, 48);
        Tensor loss = input.matmul(w1.t()).relu().matmul(w2.t()).logSoftmax(-1).mean();
        List<Tensor> expected = dev.ember.tensor.Autograd.grad(List.of(loss), List.of(w1, w2), true);
        Spy spy = new Spy();
        Engine.backward(spy, List.of(loss.gradientEdge()), List.of(Tensor.onesLike(loss)), false, false);
        assertFalse(spy.released.isEmpty());
        // the same formulas; only the JIT's reduction order may differ between the two runs
        assertArrayEquals(expected.get(0).toDoubleArray(), w1.grad().toDoubleArray(), 1e-15);
        assertArrayEquals(expected.get(1).toDoubleArray(), w2.grad().toDoubleArray(), 1e-15);
    }
}
