package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.GradMode;
import org.junit.jupiter.api.Test;

/** In-place ops against autograd: version counters, leaves, and correct gradients through in-place updates. */
class InPlaceAutogradTest {

    private static final double TOLERANCE = 1e-12;

    private static Tensor leaf(double... values) { return Tensor.of(values).requiresGrad_(true); }

    @Test
    void modifyingASavedResultInPlaceMakesBackwardFail() {
        Tensor x = leaf(1, 2);
        Tensor y = x.exp();          // ExpBackward0 saves its result y
        y.add_(1);
        var error = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(error.getMessage().contains("modified by an inplace operation"), error.getMessage());
        assertTrue(error.getMessage().contains("ExpBackward0"), error.getMessage());
    }

    @Test
    void modifyingASavedInputInPlaceMakesBackwardFail() {
        Tensor x = leaf(1, 2);
        Tensor a = x.mul(1);
        Tensor loss = a.sin().sum();   // SinBackward0 saves a
        try (var off = GradMode.noGrad()) {
            a.mul_(2);
        }
        var error = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(error.getMessage().contains("modified by an inplace operation"), error.getMessage());
    }

    @Test
    void inPlaceOnALeafThatRequiresGradIsRefused() {
        Tensor x = leaf(1, 2);
        var error = assertThrows(IllegalStateException.class, () -> x.add_(1));
        assertTrue(error.getMessage().contains("leaf Variable that requires grad"), error.getMessage());
        assertThrows(IllegalStateException.class, () -> x.select(0, 0).mul_(2));
        try (var off = GradMode.noGrad()) {
            x.add_(1);
        }
        assertArrayEquals(new double[] {2, 3}, x.toDoubleArray(), TOLERANCE);
    }

    @Test
    void inPlaceOpsBumpTheSharedVersion() {
        Tensor x = Tensor.of(new double[] {1, 2, 3});
        Tensor view = x.narrow(0, 1, 2);
        int before = x.version();
        view.mul_(2);
        assertEquals(before + 1, x.version());
        assertEquals(x.version(), view.version());
        x.zero_();
        assertEquals(before + 2, view.version());
    }

    @Test
    void gradientsFlowThroughInPlaceOpsOnNonLeaves() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(2);
        y.mul_(3);
        y.add_(x);
        assertEquals("AddBackward0", y.gradFn().name());
        y.sum().backward();
        assertArrayEquals(new double[] {7, 7}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void inPlaceExpKeepsTheValuesItsBackwardNeeds() {
        Tensor x = leaf(0.5, -1);
        Tensor y = x.mul(1);
        y.exp_();
        y.sum().backward();
        assertArrayEquals(new double[] {Math.exp(0.5), Math.exp(-1)}, x.grad().toDoubleArray(), TOLERANCE);
    }
}
