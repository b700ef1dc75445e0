package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * GELU (exact and tanh) and SiLU as fused ops: one recorded node named as in PyTorch, a fused
 * backward that matches the derivative of the composed formulas they replaced, at first and
 * second order, and tails that the composed formulas lose to cancellation.
 */
class FusedActivationsTest {

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);

    private record Activation(String name, UnaryOperator<Tensor> fused, UnaryOperator<Tensor> composed) {}

    /** The fused ops beside the compositions of primitives that Ember used before. */
    private static final List<Activation> ACTIVATIONS = List.of(
            new Activation("gelu", Tensor::gelu, x -> x.mul(0.5).mul(x.mul(SQRT_HALF).erf().add(1))),
            new Activation("gelu tanh", x -> x.gelu(true), x -> {
                Tensor inner = x.add(x.pow(3).mul(0.044715)).mul(SQRT_TWO_OVER_PI);
                return x.mul(0.5).mul(inner.tanh().add(1));
            }),
            new Activation("silu", Tensor::silu, x -> x.mul(x.sigmoid())));

    /** Seeded normal values spread to ±12, so that both tails are covered, with 0 and ±1e-30. */
    private static Tensor inputs(DType dtype) {
        Tensor.manualSeed(17);
        double[] values = Tensor.randn(DType.FLOAT64, 300).mul(4).toDoubleArray();
        values[0] = 0;
        values[1] = 1e-30;
        values[2] = -1e-30;
        values[3] = -12;
        values[4] = 12;
        return Tensor.of(values, values.length).to(dtype).requiresGrad_(true);
    }

    private static void assertClose(Tensor expected, Tensor actual, double rtol, double atol, String what) {
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]),
                    what + " at " + i + ": expected " + e[i] + ", got " + a[i]);
        }
    }

    private static Tensor gradient(UnaryOperator<Tensor> f, Tensor x, Tensor weights, boolean createGraph) {
        return Autograd.grad(List.of(f.apply(x)), List.of(x), List.of(weights), true, createGraph, false).get(0);
    }

    @Test
    void forwardIsOneNodeNamedAsInPyTorch() {
        Tensor x = Tensor.randn(4).requiresGrad_(true);
        for (var c : List.of(new Object[] {x.gelu(), "GeluBackward0"}, new Object[] {x.gelu(true), "GeluBackward0"},
                new Object[] {x.silu(), "SiluBackward0"})) {
            Tensor y = (Tensor) c[0];
            assertEquals(c[1], y.gradFn().name());
            // straight to x's gradient accumulator: no intermediate nodes
            assertEquals(1, y.gradFn().nextEdges().size());
            assertTrue(y.gradFn().nextEdges().get(0).node().nextEdges().isEmpty(), c[1] + " has a chain of nodes");
        }
        Tensor g = Autograd.grad(List.of(x.gelu().sum()), List.of(x), true).get(0);
        assertEquals("GeluBackwardBackward0", g.gradFn().name());
        Tensor h = Autograd.grad(List.of(x.silu().sum()), List.of(x), true).get(0);
        assertEquals("SiluBackwardBackward0", h.gradFn().name());
    }

    @Test
    void fusedValuesAndGradientsMatchTheComposedFormulasInFloat64() {
        Tensor x = inputs(DType.FLOAT64);
        Tensor.manualSeed(3);
        Tensor v = Tensor.randn(DType.FLOAT64, 300);
        Tensor w = Tensor.randn(DType.FLOAT64, 300);
        for (Activation a : ACTIVATIONS) {
            // the composed forms lose ~1e-16 |x| to cancellation in the negative tail
            assertClose(a.composed().apply(x), a.fused().apply(x), 1e-13, 1e-14, a.name() + " forward");
            Tensor fused = gradient(a.fused(), x, v, true);
            Tensor composed = gradient(a.composed(), x, v, true);
            assertClose(composed, fused, 1e-12, 1e-14, a.name() + " backward");
            // second order through the fused backward op's own row (grad of <v f'(x), w>)
            Tensor fusedSecond = Autograd.grad(List.of(fused), List.of(x), List.of(w), true, false, false).get(0);
            Tensor composedSecond = Autograd.grad(List.of(composed), List.of(x), List.of(w), true, false, false).get(0);
            assertClose(composedSecond, fusedSecond, 1e-11, 1e-13, a.name() + " second order");
        }
    }

    @Test
    void float32ValuesAndGradientsMatchFloat64() {
        Tensor x = inputs(DType.FLOAT32);
        Tensor exact = x.detach().to(DType.FLOAT64).requiresGrad_(true);
        Tensor.manualSeed(4);
        Tensor v = Tensor.randn(300);
        for (Activation a : ACTIVATIONS) {
            assertClose(a.fused().apply(exact), a.fused().apply(x), 1e-6, 1e-7, a.name() + " forward");
            // |v| < 4 here: the kernels' bound of 1e-7 absolute per unit of gradient
            assertClose(gradient(a.fused(), exact, v.to(DType.FLOAT64), false), gradient(a.fused(), x, v, false), 1e-6,
                    4e-7, a.name() + " backward");
        }
    }

    @Test
    void negativeTailKeepsItsRelativeAccuracyInFloat32() {
        // mpmath: x Φ(x) at -10 and -6, where PyTorch's float32 gelu returns 0
        Tensor x = Tensor.of(new double[] {-10, -6}, 2).to(DType.FLOAT32);
        assertClose(Tensor.of(new double[] {-7.6198530241605261e-23, -5.9195258702261888e-9}, 2), x.gelu(), 1e-6, 0, "gelu tail");
        Tensor grad = gradient(Tensor::gelu, x.requiresGrad_(true), Tensor.ones(2), false);
        assertClose(Tensor.of(new double[] {-7.6184000964648141e-22, -3.5468709453902015e-8}, 2), grad, 1e-6, 0, "gelu' tail");
    }

    @Test
    void integerInputsComputeInFloat32() {
        Tensor y = Tensor.of(new long[] {-1, 0, 2}, 3).gelu();
        assertEquals(DType.FLOAT32, y.dtype());
        assertClose(Tensor.of(new double[] {-0.15865525393145705, 0, 1.9544997361036416}, 3), y, 1e-6, 1e-7, "gelu of int64");
    }
}
