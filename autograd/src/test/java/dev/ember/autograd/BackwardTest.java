package dev.ember.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class BackwardTest {

    private static final double EPS = 1e-12;

    @Test
    void microgradExampleMatchesAnalyticDerivatives() {
        Scalar a = Scalar.parameter(-4);
        Scalar b = Scalar.parameter(2);
        Scalar c = a.add(b);
        Scalar d = a.mul(b).add(b.pow(3));
        c = c.add(c.add(1));
        c = c.add(Scalar.constant(1).add(c).add(a.neg()));
        d = d.add(d.mul(2).add(b.add(a).relu()));
        d = d.add(Scalar.constant(3).mul(d).add(b.sub(a).relu()));
        Scalar e = c.sub(d);
        Scalar f = e.pow(2);
        Scalar g = f.div(2.0);
        g = g.add(Scalar.constant(10.0).div(f));

        g.backward();

        // e = 4a + 3b + 3 - 12ab - 12b^3 = -7 and dg/de = 2e (1/2 - 10/e^4), so
        // dg/da = dg/de (4 - 12b) and dg/db = dg/de (3 - 12a - 36b^2).
        double dgde = -7 + 140 / 2401.0;
        assertEquals(24.5 + 10 / 49.0, g.value(), EPS);
        assertEquals(dgde * -20, a.grad().value(), 1e-9);
        assertEquals(dgde * -93, b.grad().value(), 1e-9);
        assertEquals(138.8338, a.grad().value(), 1e-4);
        assertEquals(645.5773, b.grad().value(), 1e-4);
    }

    @Test
    void everyOpMatchesItsAnalyticDerivative() {
        double x = 0.7;
        double t = Math.tanh(x);
        assertDerivative(s -> s.add(Scalar.constant(5)), x, 1);
        assertDerivative(s -> Scalar.constant(5).sub(s), x, -1);
        assertDerivative(s -> s.mul(Scalar.constant(3)), x, 3);
        assertDerivative(s -> s.div(Scalar.constant(4)), x, 0.25);
        assertDerivative(s -> Scalar.constant(2).div(s), x, -2 / (x * x));
        assertDerivative(s -> s.pow(3), x, 3 * x * x);
        assertDerivative(s -> s.pow(-0.5), x, -0.5 * Math.pow(x, -1.5));
        assertDerivative(Scalar::tanh, x, 1 - t * t);
        assertDerivative(Scalar::exp, x, Math.exp(x));
        assertDerivative(Scalar::log, x, 1 / x);
        assertDerivative(Scalar::neg, x, -1);
        assertDerivative(Scalar::relu, x, 1);
        assertDerivative(Scalar::relu, -x, 0);
    }

    @Test
    void productRuleThroughTwoInputs() {
        Scalar x = Scalar.parameter(3);
        Scalar y = Scalar.parameter(4);
        x.mul(y).add(x).backward();
        assertEquals(5, x.grad().value(), EPS);
        assertEquals(3, y.grad().value(), EPS);
    }

    @Test
    void constantInputsGetNoGradientAndNoEdge() {
        Scalar x = Scalar.parameter(3);
        Scalar k = Scalar.constant(4);
        Scalar y = x.mul(k);
        assertNull(y.gradFn().nextEdges().get(1));
        y.backward();
        assertEquals(4, x.grad().value(), EPS);
        assertNull(k.grad());
    }

    @Test
    void backwardFromALeafSetsItsGradientToOne() {
        Scalar x = Scalar.parameter(3);
        x.backward();
        assertEquals(1, x.grad().value(), EPS);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Scalar x = Scalar.parameter(2);
        x.pow(2).backward();
        assertEquals(4, x.grad().value(), EPS);
        x.mul(x).mul(x).backward();
        assertEquals(4 + 12, x.grad().value(), EPS);
        x.setGrad(null);
        x.exp().backward();
        assertEquals(Math.exp(2), x.grad().value(), EPS);
    }

    @Test
    void severalRootsSumTheirGradients() {
        Scalar x = Scalar.parameter(2);
        Scalar square = x.pow(2);
        Scalar triple = x.mul(3);
        Engine.backward(Scalar.ALGEBRA, List.of(square.gradientEdge(), triple.gradientEdge()),
                List.of(Scalar.constant(1), Scalar.constant(10)), false, false);
        assertEquals(4 + 30, x.grad().value(), EPS);
    }

    @Test
    void storedLeafGradientsAreDetachedCopies() {
        Scalar a = Scalar.parameter(1);
        Scalar b = Scalar.parameter(2);
        a.add(b).backward();
        assertFalse(a.grad().requiresGrad());
        assertNotSame(a.grad(), b.grad());
        assertEquals(1, a.grad().value(), EPS);
        assertEquals(1, b.grad().value(), EPS);
    }

    @Test
    void diamondGraphRunsSharedNodeOnceWithSummedGradient() {
        Scalar x = Scalar.parameter(1);
        Scalar shared = x.mul(3);
        List<Double> arriving = new ArrayList<>();
        shared.registerHook(g -> { arriving.add(g.value()); return null; });

        // out = s*s + s, so dout/ds = 2s + 1 = 7 and dout/dx = 3 * 7.
        Scalar out = shared.mul(shared).add(shared);
        out.backward();

        assertEquals(1, ((Scalar.OpNode) shared.gradFn()).applyCount());
        assertEquals(List.of(7.0), arriving);
        assertEquals(21, x.grad().value(), EPS);
    }

    @Test
    void valueUsedTwiceByOneNodeAccumulatesOnce() {
        Scalar x = Scalar.parameter(5);
        List<Double> arriving = new ArrayList<>();
        x.registerHook(g -> { arriving.add(g.value()); return null; });
        x.mul(x).backward();
        assertEquals(List.of(10.0), arriving);
        assertEquals(10, x.grad().value(), EPS);
    }

    @Test
    void sharedNodeRunsAfterAllItsConsumers() {
        Scalar x = Scalar.parameter(0.5);
        Scalar y = x.exp();
        Scalar z = y.mul(x);
        Scalar w = z.add(y);
        List<String> order = new ArrayList<>();
        for (Scalar s : List.of(y, z, w)) {
            s.gradFn().registerHook((in, out) -> { order.add(s.gradFn().name()); return null; });
        }
        x.accumulator().registerHook((in, out) -> { order.add("AccumulateGrad"); return null; });

        w.backward();

        assertEquals(List.of("AddBackward", "MulBackward", "ExpBackward", "AccumulateGrad"), order);
        // dw/dx = d(x e^x + e^x)/dx = e^x (x + 2)
        assertEquals(Math.exp(0.5) * 2.5, x.grad().value(), EPS);
    }

    @Test
    void nodeWaitsForAllConsumersEvenWhenCreatedBeforeThem() {
        // Creation order alone would run `producer` (the newest node) first; only dependency
        // counting makes it wait for `consumer`, which was created earlier and points at it.
        List<String> order = new ArrayList<>();
        RewirableNode consumer = new RewirableNode("Consumer", order);
        RewirableNode producer = new RewirableNode("Producer", order);
        consumer.edges = List.of(new Edge<>(producer, 0));
        producer.edges = List.of();
        assertTrue(producer.sequenceNumber() > consumer.sequenceNumber());

        Engine.backward(Scalar.ALGEBRA, List.of(new Edge<>(consumer, 0), new Edge<>(producer, 0)),
                List.of(Scalar.constant(1), Scalar.constant(2)), false, false);

        assertEquals(List.of("Consumer:1.0", "Producer:3.0"), order);
    }

    @Test
    void secondBackwardWithoutRetainGraphFails() {
        Scalar x = Scalar.parameter(3);
        Scalar y = x.mul(x);
        y.backward(false, false);
        IllegalStateException error = assertThrows(
                IllegalStateException.class, () -> y.backward(false, false));
        assertTrue(error.getMessage().contains("retainGraph"), error.getMessage());
        assertTrue(error.getMessage().contains("MulBackward"), error.getMessage());
        assertEquals(6, x.grad().value(), EPS);
    }

    @Test
    void retainGraphAllowsSecondBackwardAndGradientsDouble() {
        Scalar x = Scalar.parameter(3);
        Scalar y = x.mul(x).tanh();
        y.backward(true, false);
        double once = x.grad().value();
        y.backward(true, false);
        assertEquals(2 * once, x.grad().value(), EPS);
        double t = Math.tanh(9);
        assertEquals(2 * (1 - t * t) * 6, x.grad().value(), EPS);
    }

    @Test
    void backwardWithoutRetainGraphAfterRetainedOnesReleasesTheGraph() {
        Scalar x = Scalar.parameter(3);
        Scalar y = x.exp();
        y.backward(true, false);
        assertEquals(1, ((Scalar.OpNode) y.gradFn()).applyCount());
        y.backward(false, false);
        assertEquals(2, ((Scalar.OpNode) y.gradFn()).applyCount());
        assertThrows(IllegalStateException.class, y::backward);
        assertEquals(2, ((Scalar.OpNode) y.gradFn()).applyCount());
    }

    @Test
    void deepChainOfHundredThousandNodesDoesNotOverflowTheStack() {
        Scalar x = Scalar.parameter(1);
        Scalar y = x;
        double factor = 1.00001;
        int depth = 100_000;
        for (int i = 0; i < depth; i++) y = y.mul(factor);

        assertEquals(Math.pow(factor, depth), Scalar.grad(y, List.of(x), true, false).get(0).value(), 1e-9);
        y.backward();
        assertEquals(Math.pow(factor, depth), x.grad().value(), 1e-9);
    }

    @Test
    void multiOutputNodeReceivesNullForAnUnusedOutput() {
        List<List<Scalar>> seen = new ArrayList<>();
        Scalar x = Scalar.parameter(3);
        Scalar[] pair = splitIntoDoubleAndSquare(x, seen);

        pair[0].mul(5).backward();
        assertEquals(5, seen.get(0).get(0).value(), EPS);
        assertNull(seen.get(0).get(1));
        assertEquals(10, x.grad().value(), EPS);

        x.setGrad(null);
        pair = splitIntoDoubleAndSquare(x, seen);
        pair[1].backward();
        assertNull(seen.get(1).get(0));
        assertEquals(1, seen.get(1).get(1).value(), EPS);
        assertEquals(6, x.grad().value(), EPS);

        x.setGrad(null);
        pair = splitIntoDoubleAndSquare(x, seen);
        pair[0].add(pair[1]).backward();
        assertEquals(2 + 6, x.grad().value(), EPS);
    }

    @Test
    void nodeWithoutAnyIncomingGradientIsSkipped() {
        Scalar x = Scalar.parameter(2);
        Scalar e = x.exp();
        Node<Scalar> stop = new Node<>("StopGradient", List.of(e.gradientEdge()), 1) {
            @Override
            protected List<Scalar> apply(List<Scalar> gradOutputs) { return Arrays.asList((Scalar) null); }
        };
        Scalar.output(e.value(), stop, 0).add(x).backward();
        assertEquals(0, ((Scalar.OpNode) e.gradFn()).applyCount());
        assertEquals(1, x.grad().value(), EPS);
    }

    @Test
    void nodeReturningWrongNumberOfGradientsFails() {
        Scalar x = Scalar.parameter(2);
        Node<Scalar> broken = new Node<>("BrokenBackward", List.of(x.gradientEdge()), 1) {
            @Override
            protected List<Scalar> apply(List<Scalar> gradOutputs) { return List.of(); }
        };
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> Scalar.output(2, broken, 0).backward());
        assertTrue(error.getMessage().contains("BrokenBackward returned 0 gradients but has 1 inputs"), error.getMessage());
    }

    @Test
    void mismatchedRootsAndGradientsAreRejected() {
        Scalar x = Scalar.parameter(2);
        assertThrows(IllegalArgumentException.class,
                () -> Engine.backward(Scalar.ALGEBRA, List.of(x.gradientEdge()), List.of(), false, false));
    }

    private static void assertDerivative(UnaryOperator<Scalar> f, double x, double expected) {
        Scalar input = Scalar.parameter(x);
        f.apply(input).backward();
        assertEquals(expected, input.grad().value(), 1e-12, () -> "derivative at " + x);
        double h = 1e-6;
        double central = (f.apply(Scalar.constant(x + h)).value() - f.apply(Scalar.constant(x - h)).value()) / (2 * h);
        assertEquals(expected, central, 1e-6, () -> "central difference at " + x);
    }

    /** One input, two outputs (2x, x^2), whose backward reads a missing output gradient as zero. */
    private static Scalar[] splitIntoDoubleAndSquare(Scalar x, List<List<Scalar>> seen) {
        Node<Scalar> node = new Node<>("SplitBackward", List.of(x.gradientEdge()), 2) {
            @Override
            protected List<Scalar> apply(List<Scalar> gradOutputs) {
                seen.add(new ArrayList<>(gradOutputs));
                Scalar gDouble = gradOutputs.get(0);
                Scalar gSquare = gradOutputs.get(1);
                Scalar total = Scalar.constant(0);
                if (gDouble != null) total = total.add(gDouble.mul(2));
                if (gSquare != null) total = total.add(gSquare.mul(x).mul(2));
                return List.of(total);
            }
        };
        return new Scalar[] {Scalar.output(2 * x.value(), node, 0), Scalar.output(x.value() * x.value(), node, 1)};
    }

    /** A node whose edges are set after creation, so a consumer can be older than its producer. */
    private static final class RewirableNode extends Node<Scalar> {
        private final List<String> order;
        List<Edge<Scalar>> edges = List.of();

        RewirableNode(String name, List<String> order) {
            super(name, List.of(), 1);
            this.order = order;
        }

        @Override
        public List<Edge<Scalar>> nextEdges() { return edges; }

        @Override
        protected List<Scalar> apply(List<Scalar> gradOutputs) {
            order.add(name() + ":" + gradOutputs.get(0).value());
            return edges.isEmpty() ? List.of() : List.of(gradOutputs.get(0));
        }
    }
}
