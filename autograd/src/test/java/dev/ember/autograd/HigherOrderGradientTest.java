package dev.ember.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HigherOrderGradientTest {

    private static final double EPS = 1e-12;

    @Test
    void derivativesOfCubeAtTwoAreTwelveTwelveSix() {
        Scalar x = Scalar.parameter(2);
        Scalar y = x.pow(3);
        Scalar first = derivative(y, x, true);
        Scalar second = derivative(first, x, true);
        Scalar third = derivative(second, x, false);
        assertEquals(12, first.value(), EPS);
        assertEquals(12, second.value(), EPS);
        assertEquals(6, third.value(), EPS);
    }

    @Test
    void productRuleGivesTheSameHigherDerivativesAsPow() {
        Scalar x = Scalar.parameter(2);
        Scalar y = x.mul(x).mul(x);
        Scalar first = derivative(y, x, true);
        Scalar second = derivative(first, x, true);
        Scalar third = derivative(second, x, false);
        assertEquals(12, first.value(), EPS);
        assertEquals(12, second.value(), EPS);
        assertEquals(6, third.value(), EPS);
    }

    @Test
    void secondDerivativeOfTanh() {
        double x0 = 0.8;
        double t = Math.tanh(x0);
        Scalar x = Scalar.parameter(x0);
        // tanh's derivative is written with its saved result, so the first graph must be retained.
        Scalar first = derivative(x.tanh(), x, true);
        Scalar second = derivative(first, x, true);
        assertEquals(1 - t * t, first.value(), EPS);
        assertEquals(-2 * t * (1 - t * t), second.value(), EPS);
        assertEquals(-2 * (1 - t * t) * (1 - 3 * t * t), derivative(second, x, false).value(), EPS);
    }

    @Test
    void mixedPartialDerivative() {
        Scalar x = Scalar.parameter(3);
        Scalar y = Scalar.parameter(4);
        Scalar f = x.mul(y.pow(2)).add(x.exp());
        Scalar dfdx = Scalar.grad(f, List.of(x), true, true).get(0);
        assertEquals(16 + Math.exp(3), dfdx.value(), EPS);
        List<Scalar> second = Scalar.grad(dfdx, List.of(x, y), true, false);
        assertEquals(Math.exp(3), second.get(0).value(), EPS);
        assertEquals(8, second.get(1).value(), EPS);
    }

    @Test
    void backwardWithCreateGraphStoresADifferentiableGradient() {
        Scalar x = Scalar.parameter(2);
        x.pow(3).backward(true, true);
        Scalar first = x.grad();
        assertTrue(first.requiresGrad());
        assertEquals(12, first.value(), EPS);

        x.setGrad(null);
        first.backward();
        assertEquals(12, x.grad().value(), EPS);
        assertFalse(x.grad().requiresGrad());
    }

    @Test
    void withoutCreateGraphGradientsAreConstants() {
        Scalar x = Scalar.parameter(2);
        Scalar first = derivative(x.pow(3), x, false);
        assertFalse(first.requiresGrad());
        x.pow(3).backward();
        assertFalse(x.grad().requiresGrad());
    }

    private static Scalar derivative(Scalar output, Scalar input, boolean createGraph) {
        return Scalar.grad(output, List.of(input), createGraph, createGraph).get(0);
    }
}
