package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.GradMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A leaf keeps a gradient without copying it only when nothing else can reach that memory
 * (PyTorch steals a gradient whose reference count says so). Every test here changes some other
 * holder's tensor in place afterwards and checks that the leaf's gradient did not change: each
 * fails if the engine kept a shared gradient.
 */
class GradientOwnershipTest {

    private static final double TOLERANCE = 1e-12;

    private static Tensor values(double... values) { return Tensor.of(values); }

    private static Tensor leaf(double... values) { return values(values).requiresGrad_(true); }

    private static void addInPlace(Tensor tensor, double value) {
        try (var noGrad = GradMode.noGrad()) {
            tensor.add_(value);
        }
    }

    @Test
    void twoLeavesHandedTheSameGradientGetTheirOwnMemory() {
        Tensor a = leaf(1, 2, 3);
        Tensor b = leaf(4, 5, 6);
        a.add(b).mul(values(2.0, 3.0, 4.0)).sum().backward();
        addInPlace(a.grad(), 100);
        assertArrayEquals(new double[] {2, 3, 4}, b.grad().toDoubleArray(), TOLERANCE);
        assertArrayEquals(new double[] {102, 103, 104}, a.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void aRetainedGradientPassedOnUnchangedIsNotShared() {
        Tensor x = leaf(1, 2);
        Tensor y = x.add(1.0);
        y.retainGrad();
        y.mul(values(5.0, 7.0)).sum().backward();
        addInPlace(y.grad(), 100);
        assertArrayEquals(new double[] {5, 7}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void aGradientTheCallerPassedIsCopied() {
        Tensor x = leaf(1, 2, 3, 4);
        Tensor gradient = values(1.0, 2.0, 3.0, 4.0).view(2, 2);
        x.view(2, 2).backward(gradient);
        addInPlace(gradient, 100);
        assertArrayEquals(new double[] {1, 2, 3, 4}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void aGradientAHookSawIsCopied() {
        Tensor x = leaf(1, 2);
        List<Tensor> seen = new ArrayList<>();
        x.registerHook(g -> {
            seen.add(g);
            return null;
        });
        x.mul(values(3.0, 4.0)).sum().backward();
        addInPlace(seen.get(0), 100);
        assertArrayEquals(new double[] {3, 4}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void aWeightUsedAtEveryStepSumsItsGradientsAsSeparateCopiesWould() {
        Tensor start = values(0.5, -1.0, 0.25, 2.0).view(2, 2);
        double[] weightValues = {0.3, -0.2, 0.1, 0.4};
        Tensor shared = values(weightValues).view(2, 2).requiresGrad_(true);
        Tensor h = start;
        for (int step = 0; step < 5; step++) h = h.matmul(shared).tanh();
        h.sum().backward();
        Tensor expected = Tensor.zeros(2, 2).to(shared.dtype());
        Tensor g = start;
        List<Tensor> copies = new ArrayList<>();
        for (int step = 0; step < 5; step++) {
            Tensor copy = values(weightValues).view(2, 2).requiresGrad_(true);
            copies.add(copy);
            g = g.matmul(copy).tanh();
        }
        g.sum().backward();
        for (Tensor copy : copies) expected = expected.add(copy.grad());
        assertArrayEquals(expected.toDoubleArray(), shared.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void aGradientSentDownBothEdgesOfAnAddIsSummedWithoutWritingIntoItself() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(3.0);
        y.add(y).mul(values(5.0, 7.0)).add(y.mul(values(1.0, 1.0))).sum().backward();
        // dy = 2 * (5, 7) + (1, 1); dx = 3 dy
        assertArrayEquals(new double[] {33, 45}, x.grad().toDoubleArray(), TOLERANCE);
    }

    /** {@code 2x}, whose backward keeps what it returns. */
    static final class Twice extends Function {
        static final List<Tensor> RETURNED = new ArrayList<>();

        @Override
        protected Tensor forward(FunctionContext ctx, Tensor... inputs) { return inputs[0].mul(2.0); }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor gradOutput) {
            Tensor gradient = gradOutput.mul(2.0);
            RETURNED.add(gradient);
            return new Tensor[] {gradient};
        }
    }

    @Test
    void aCustomFunctionsGradientIsCopied() {
        Tensor x = leaf(1, 2);
        new Twice().apply(x).sum().backward();
        addInPlace(Twice.RETURNED.get(Twice.RETURNED.size() - 1), 100);
        assertArrayEquals(new double[] {2, 2}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void aKeptGradientOutlivesTheStepsMemoryScope() {
        Tensor weight = values(1.0, 2.0, 3.0, 4.0, 5.0, 6.0).view(2, 3).detach().requiresGrad_(true);
        Tensor input = values(1.0, -1.0, 2.0, 0.5, 0.0, 3.0, 1.0, 1.0, 1.0).view(3, 3);
        try (MemoryScope step = MemoryScope.open()) {
            input.matmul(weight.t()).sum().backward();
        }
        // d/dW of sum(x W^T) is, for each output row, the column sums of x
        Tensor expected = values(2.5, 0.0, 6.0, 2.5, 0.0, 6.0).view(2, 3);
        assertTrue(weight.grad().isContiguous());
        assertArrayEquals(expected.toDoubleArray(), weight.grad().toDoubleArray(), TOLERANCE);
        // the next step's allocations must not land in the kept gradient's memory
        try (MemoryScope step = MemoryScope.open()) {
            Tensor.randn(64, 64).matmul(Tensor.randn(64, 64)).sum().item();
        }
        assertArrayEquals(expected.toDoubleArray(), weight.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void gradientsFromTwoBackwardCallsStillAdd() {
        Tensor w = leaf(1, 2);
        w.mul(3.0).sum().backward();
        Tensor first = w.grad();
        w.mul(4.0).sum().backward();
        assertArrayEquals(new double[] {3, 3}, first.toDoubleArray(), TOLERANCE);
        assertArrayEquals(new double[] {7, 7}, w.grad().toDoubleArray(), TOLERANCE);
    }
}
