package dev.ember.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineGradTest {

    private static final double EPS = 1e-12;

    @Test
    void gradReturnsGradientsWithoutTouchingLeaves() {
        Scalar x = Scalar.parameter(3);
        Scalar y = Scalar.parameter(4);
        Scalar z = x.mul(y).add(x);
        List<Scalar> grads = Scalar.grad(z, List.of(x, y), false, false);
        assertEquals(5, grads.get(0).value(), EPS);
        assertEquals(3, grads.get(1).value(), EPS);
        assertNull(x.grad());
        assertNull(y.grad());
    }

    @Test
    void gradForOneInputLeavesOtherLeavesUntouched() {
        Scalar x = Scalar.parameter(3);
        Scalar y = Scalar.parameter(4);
        List<Scalar> grads = Scalar.grad(x.mul(y), List.of(y), false, false);
        assertEquals(3, grads.get(0).value(), EPS);
        assertNull(x.grad());
        assertNull(y.grad());
    }

    @Test
    void unreachableInputGetsNull() {
        Scalar x = Scalar.parameter(3);
        Scalar unused = Scalar.parameter(7);
        List<Scalar> grads = Scalar.grad(x.mul(2), List.of(unused, x), false, false);
        assertNull(grads.get(0));
        assertEquals(2, grads.get(1).value(), EPS);
    }

    @Test
    void inputThatNeedsNoGradientGetsNull() {
        Scalar x = Scalar.parameter(3);
        Scalar k = Scalar.constant(5);
        List<Scalar> grads = Scalar.grad(x.mul(k), List.of(k, x), false, false);
        assertNull(grads.get(0));
        assertEquals(5, grads.get(1).value(), EPS);
    }

    @Test
    void gradOfAnIntermediateValue() {
        Scalar a = Scalar.parameter(2);
        Scalar b = Scalar.parameter(3);
        Scalar c = a.mul(b);
        Scalar d = c.add(a);
        Scalar e = d.mul(d);
        // e = (ab + a)^2: de/dc = 2d = 16, de/da = 2d (b + 1) = 64
        List<Scalar> grads = Scalar.grad(e, List.of(c, a), false, false);
        assertEquals(16, grads.get(0).value(), EPS);
        assertEquals(64, grads.get(1).value(), EPS);
        assertNull(a.grad());
        assertNull(b.grad());
    }

    @Test
    void gradOfTheOutputItselfIsTheSeed() {
        Scalar x = Scalar.parameter(3);
        Scalar y = x.exp();
        assertEquals(1, Scalar.grad(y, List.of(y), false, false).get(0).value(), EPS);
        assertEquals(0, ((Scalar.OpNode) y.gradFn()).applyCount());
    }

    @Test
    void gradSkipsBranchesThatDoNotLeadToInputs() {
        Scalar x = Scalar.parameter(1.5);
        Scalar y = Scalar.parameter(-2);
        Scalar yBranch = y.exp();
        Scalar xBranch = x.tanh();
        Scalar out = xBranch.add(yBranch);
        double t = Math.tanh(1.5);
        assertEquals(1 - t * t, Scalar.grad(out, List.of(x), false, false).get(0).value(), EPS);
        assertEquals(1, ((Scalar.OpNode) xBranch.gradFn()).applyCount());
        assertEquals(0, ((Scalar.OpNode) yBranch.gradFn()).applyCount());
    }

    @Test
    void gradCapturesTheGradientAfterPreHooks() {
        Scalar x = Scalar.parameter(3);
        Scalar y = x.mul(2);
        Scalar z = y.mul(y);
        y.registerHook(g -> g.mul(10));
        List<Double> seenAtLeaf = new ArrayList<>();
        x.registerHook(g -> { seenAtLeaf.add(g.value()); return null; });
        // dz/dy = 2y = 12, times ten from the hook = 120, and dz/dx = 120 * 2.
        List<Scalar> grads = Scalar.grad(z, List.of(y, x), false, false);
        assertEquals(120, grads.get(0).value(), EPS);
        assertEquals(240, grads.get(1).value(), EPS);
        assertEquals(List.of(240.0), seenAtLeaf);
        assertNull(x.grad());
    }
}
