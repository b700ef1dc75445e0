package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.RemovableHandle;
import dev.ember.devices.DType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tensor hooks, retainGrad, detach and requiresGrad_ rules. */
class HooksTest {

    private static final double TOLERANCE = 1e-12;

    private static Tensor leaf(double... values) { return Tensor.of(values).requiresGrad_(true); }

    @Test
    void hookOnALeafReplacesTheAccumulatedGradient() {
        Tensor x = leaf(1, 2);
        List<double[]> seen = new ArrayList<>();
        x.registerHook(g -> {
            seen.add(g.toDoubleArray());
            return g.mul(2);
        });
        x.mul(3).sum().backward();
        assertArrayEquals(new double[] {3, 3}, seen.get(0), TOLERANCE);
        assertArrayEquals(new double[] {6, 6}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void hookOnANonLeafChangesWhatFlowsFurther() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(3);
        y.registerHook(g -> g.mul(2));
        y.square().sum().backward();
        // d/dx (3x)^2 = 18x, doubled at y
        assertArrayEquals(new double[] {36, 72}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void hookReturningNullKeepsTheGradient() {
        Tensor x = leaf(1);
        int[] calls = new int[1];
        x.registerHook(g -> {
            calls[0]++;
            return null;
        });
        x.mul(5).sum().backward();
        assertEquals(1, calls[0]);
        assertEquals(5, x.grad().item(), TOLERANCE);
    }

    @Test
    void removedHooksNoLongerRun() {
        Tensor x = leaf(1, 2);
        RemovableHandle handle = x.registerHook(g -> g.mul(2));
        handle.remove();
        x.mul(3).sum().backward();
        assertArrayEquals(new double[] {3, 3}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void hooksNeedATensorThatRequiresGrad() {
        assertThrows(IllegalStateException.class, () -> Tensor.of(new double[] {1}).registerHook(g -> g));
    }

    @Test
    void retainGradKeepsANonLeafGradient() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(2);
        Tensor z = x.mul(3);
        y.retainGrad();
        assertTrue(y.retainsGrad());
        y.mul(y).add(z).sum().backward();
        assertArrayEquals(new double[] {4, 8}, y.grad().toDoubleArray(), TOLERANCE);   // 2y
        assertNull(z.grad(), "a non-leaf without retainGrad keeps no gradient");
        assertArrayEquals(new double[] {11, 19}, x.grad().toDoubleArray(), TOLERANCE);   // 8x + 3
    }

    @Test
    void retainGradOnATensorWithoutGradIsAnError() {
        assertThrows(IllegalStateException.class, () -> Tensor.of(new double[] {1}).retainGrad());
    }

    @Test
    void gradientsAccumulateOverBackwardCalls() {
        Tensor x = leaf(1, 2);
        x.mul(3).sum().backward();
        x.mul(3).sum().backward();
        assertArrayEquals(new double[] {6, 6}, x.grad().toDoubleArray(), TOLERANCE);
        assertFalse(x.grad().requiresGrad(), "stored gradients are cut from the graph");
    }

    @Test
    void detachSharesMemoryButNotHistory() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(2);
        Tensor detached = y.detach();
        assertNull(detached.gradFn());
        assertFalse(detached.requiresGrad());
        assertTrue(detached.isLeaf());
        detached.add_(1);
        assertArrayEquals(new double[] {3, 5}, y.toDoubleArray(), TOLERANCE, "same memory");
        assertEquals(y.version(), detached.version(), "one version counter for shared memory");
    }

    @Test
    void detachInPlaceMakesATensorALeaf() {
        Tensor y = leaf(1).mul(2);
        y.detach_();
        assertTrue(y.isLeaf());
        assertFalse(y.requiresGrad());
    }

    @Test
    void requiresGradRules() {
        var integer = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new long[] {1}).requiresGrad_(true));
        assertTrue(integer.getMessage().contains("floating point"), integer.getMessage());
        Tensor nonLeaf = leaf(1).mul(2);
        var computed = assertThrows(IllegalStateException.class, () -> nonLeaf.requiresGrad_(false));
        assertTrue(computed.getMessage().contains("detach()"), computed.getMessage());
        assertTrue(nonLeaf.requiresGrad_(true).requiresGrad());
        Tensor x = Tensor.zeros(DType.FLOAT64, 2);
        assertFalse(x.requiresGrad());
        x.requiresGrad_();
        assertTrue(x.requiresGrad() && x.isLeaf());
        x.requiresGrad_(false);
        assertFalse(x.requiresGrad());
    }

    @Test
    void backwardNeedsAScalarOrAGradientOfTheSameShape() {
        Tensor y = leaf(1, 2).mul(2);
        var implicit = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(implicit.getMessage().contains("[2]"), implicit.getMessage());
        var mismatch = assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(DType.FLOAT64, 3)));
        assertTrue(mismatch.getMessage().contains("[3]"), mismatch.getMessage());
        assertThrows(IllegalStateException.class, () -> Tensor.of(new double[] {1}).sum().backward());
    }
}
