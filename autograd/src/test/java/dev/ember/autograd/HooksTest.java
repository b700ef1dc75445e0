package dev.ember.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HooksTest {

    private static final double EPS = 1e-12;

    @Test
    void preHookReplacesTheGradientUntilRemoved() {
        Scalar x = Scalar.parameter(2);
        Scalar y = x.mul(3);
        Scalar z = y.add(1);
        RemovableHandle doubling = y.registerHook(g -> g.mul(2));

        z.backward(true, false);
        assertEquals(6, x.grad().value(), EPS);

        doubling.remove();
        z.backward(true, false);
        assertEquals(6 + 3, x.grad().value(), EPS);
    }

    @Test
    void preHookReturningNullKeepsTheGradient() {
        Scalar x = Scalar.parameter(2);
        List<Double> seen = new ArrayList<>();
        Scalar y = x.exp();
        y.registerHook(g -> { seen.add(g.value()); return null; });
        y.mul(4).backward();
        assertEquals(List.of(4.0), seen);
        assertEquals(4 * Math.exp(2), x.grad().value(), EPS);
    }

    @Test
    void preHooksOnOneOutputRunInRegistrationOrder() {
        Scalar x = Scalar.parameter(1);
        Scalar y = x.mul(1);
        y.registerHook(g -> g.add(1));
        y.registerHook(g -> g.mul(10));
        y.backward();
        assertEquals((1 + 1) * 10, x.grad().value(), EPS);
    }

    @Test
    void postHookSeesInputAndOutputGradients() {
        Scalar x = Scalar.parameter(3);
        Scalar y = Scalar.parameter(4);
        Scalar product = x.mul(y);
        List<List<Double>> seen = new ArrayList<>();
        product.gradFn().registerHook((in, out) -> {
            seen.add(values(in));
            seen.add(values(out));
            return null;
        });
        product.mul(2).backward();
        assertEquals(List.of(List.of(8.0, 6.0), List.of(2.0)), seen);
        assertEquals(8, x.grad().value(), EPS);
    }

    @Test
    void postHookCanReplaceInputGradientsUntilRemoved() {
        Scalar x = Scalar.parameter(3);
        Scalar y = Scalar.parameter(4);
        Scalar product = x.mul(y);
        RemovableHandle zeroX = product.gradFn().registerHook(
                (in, out) -> Arrays.asList(Scalar.constant(0), in.get(1)));
        product.backward(true, false);
        assertEquals(0, x.grad().value(), EPS);
        assertEquals(3, y.grad().value(), EPS);

        zeroX.remove();
        product.backward(true, false);
        assertEquals(4, x.grad().value(), EPS);
        assertEquals(6, y.grad().value(), EPS);
    }

    @Test
    void leafHookRunsBeforeAccumulation() {
        Scalar x = Scalar.parameter(2);
        List<Scalar> gradAtHookTime = new ArrayList<>();
        x.registerHook(g -> {
            gradAtHookTime.add(x.grad());
            return g.mul(10);
        });

        x.pow(2).backward();
        assertNull(gradAtHookTime.get(0));
        assertEquals(40, x.grad().value(), EPS);

        x.mul(5).backward();
        assertEquals(40, gradAtHookTime.get(1).value(), EPS);
        assertEquals(40 + 50, x.grad().value(), EPS);
    }

    @Test
    void hookIsNotCalledForAnOutputWithoutGradient() {
        List<Scalar> seen = new ArrayList<>();
        Scalar x = Scalar.parameter(1);
        Node<Scalar> pair = new Node<>("PairBackward", List.of(x.gradientEdge()), 2) {
            @Override
            protected List<Scalar> apply(List<Scalar> gradOutputs) { return List.of(gradOutputs.get(0)); }
        };
        pair.registerPreHook(1, g -> { seen.add(g); return null; });
        Scalar.output(1, pair, 0).backward();
        assertEquals(List.of(), seen);
        assertEquals(1, x.grad().value(), EPS);
    }

    @Test
    void preHookOnAMissingOutputIsRejected() {
        Scalar y = Scalar.parameter(1).exp();
        IndexOutOfBoundsException error = assertThrows(IndexOutOfBoundsException.class,
                () -> y.gradFn().registerPreHook(1, g -> g));
        assertEquals("output index 1 of ExpBackward which has 1 output(s)", error.getMessage());
    }

    private static List<Double> values(List<Scalar> scalars) {
        List<Double> values = new ArrayList<>();
        for (Scalar s : scalars) values.add(s == null ? null : s.value());
        return values;
    }
}
