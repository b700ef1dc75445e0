package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.AnomalyException;
import dev.ember.autograd.AnomalyMode;
import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutogradFunctionalTest {

    private static final double TOLERANCE = 1e-10;

    private static Tensor vector(double... values) { return Tensor.of(values); }

    @Test
    void createGraphGivesTheSecondDerivativeOfSumTanhCubed() {
        double[] xs = {-1.2, -0.3, 0.0, 0.4, 1.5};
        Tensor x = vector(xs).requiresGrad_(true);
        Tensor y = x.tanh().pow(3).sum();
        Tensor first = Autograd.grad(List.of(y), List.of(x), true).get(0);
        assertTrue(first.requiresGrad());
        Tensor second = Autograd.grad(List.of(first.sum()), List.of(x), false).get(0);
        double[] expectedFirst = new double[xs.length];
        double[] expectedSecond = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            double t = Math.tanh(xs[i]);
            // f = t^3: f' = 3t^2(1-t^2), f'' = (6t - 12t^3)(1-t^2)
            expectedFirst[i] = 3 * t * t * (1 - t * t);
            expectedSecond[i] = (6 * t - 12 * t * t * t) * (1 - t * t);
        }
        assertArrayEquals(expectedFirst, first.toDoubleArray(), TOLERANCE);
        assertArrayEquals(expectedSecond, second.toDoubleArray(), TOLERANCE);
        assertNull(x.grad(), "Autograd.grad does not accumulate into .grad");
    }

    @Test
    void jacobianOfALinearMapIsItsMatrix() {
        double[] a = {1, 2, 3, 4, 5, 6};
        Tensor matrix = Tensor.of(a, 3, 2);
        Tensor jacobian = Autograd.jacobian(x -> matrix.mv(x), vector(0.5, -1));
        assertArrayEquals(new long[] {3, 2}, jacobian.shape());
        assertArrayEquals(a, jacobian.toDoubleArray(), TOLERANCE);
        assertFalse(jacobian.requiresGrad());
    }

    @Test
    void jacobianShapeIsOutputShapeThenInputShape() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor jacobian = Autograd.jacobian(v -> v.square(), x);
        assertArrayEquals(new long[] {2, 2, 2, 2}, jacobian.shape());
        double[] expected = new double[16];
        double[] xs = x.toDoubleArray();
        for (int i = 0; i < 4; i++) expected[i * 4 + i] = 2 * xs[i];
        assertArrayEquals(expected, jacobian.toDoubleArray(), TOLERANCE);
        Tensor scalarJacobian = Autograd.jacobian(v -> v.sum(), x);
        assertArrayEquals(new long[] {2, 2}, scalarJacobian.shape());
        assertArrayEquals(new double[] {1, 1, 1, 1}, scalarJacobian.toDoubleArray(), TOLERANCE);
    }

    @Test
    void jacobianOfAConstantFunctionIsZero() {
        Tensor constant = vector(7, 8, 9);
        Tensor jacobian = Autograd.jacobian(x -> constant, vector(1, 2));
        assertArrayEquals(new long[] {3, 2}, jacobian.shape());
        assertArrayEquals(new double[6], jacobian.toDoubleArray());
    }

    @Test
    void jacobianWithCreateGraphIsDifferentiable() {
        Tensor x = vector(1, 2).requiresGrad_(true);
        Tensor jacobian = Autograd.jacobian(v -> v.pow(3), x, true);   // diag(3x^2)
        assertArrayEquals(new double[] {3, 0, 0, 12}, jacobian.toDoubleArray(), TOLERANCE);
        jacobian.sum().backward();
        assertArrayEquals(new double[] {6, 12}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void hessianOfAQuadraticFormIsTheSymmetrisedMatrix() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor hessian = Autograd.hessian(x -> x.dot(a.mv(x)), vector(0.3, -2));
        assertArrayEquals(new long[] {2, 2}, hessian.shape());
        assertArrayEquals(new double[] {2, 5, 5, 8}, hessian.toDoubleArray(), TOLERANCE);   // A + A^T
    }

    @Test
    void hessianOfSumOfCubesIsDiagonalSixX() {
        Tensor hessian = Autograd.hessian(x -> x.pow(3).sum(), vector(1, -2, 0.5));
        assertArrayEquals(new double[] {6, 0, 0, 0, -12, 0, 0, 0, 3}, hessian.toDoubleArray(), TOLERANCE);
        Tensor linear = Autograd.hessian(x -> x.mul(vector(1, 2, 3)).sum(), vector(1, 1, 1));
        assertArrayEquals(new double[9], linear.toDoubleArray(), TOLERANCE);
    }

    @Test
    void hessianRejectsNonScalarFunctions() {
        var error = assertThrows(IllegalArgumentException.class, () -> Autograd.hessian(x -> x.square(), vector(1, 2)));
        assertTrue(error.getMessage().contains("[2]"), error.getMessage());
    }

    @Test
    void vjpWeightsTheJacobianRows() {
        List<Tensor> result = Autograd.vjp(x -> x.mul(x), vector(1, 2, 3), vector(1, 0.5, 2));
        assertArrayEquals(new double[] {1, 4, 9}, result.get(0).toDoubleArray(), TOLERANCE);
        assertArrayEquals(new double[] {2, 2, 12}, result.get(1).toDoubleArray(), TOLERANCE);
        assertFalse(result.get(1).requiresGrad());
        List<Tensor> scalar = Autograd.vjp(x -> x.square().sum(), vector(1, 2), null);
        assertArrayEquals(new double[] {2, 4}, scalar.get(1).toDoubleArray(), TOLERANCE);
    }

    @Test
    void vjpRejectsAVectorOfTheWrongShape() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> Autograd.vjp(x -> x.mul(2), vector(1, 2, 3), vector(1, 2)));
        assertTrue(error.getMessage().contains("[2]") && error.getMessage().contains("[3]"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Autograd.vjp(x -> x.mul(2), vector(1, 2, 3), null));
    }

    @Test
    void jvpMultipliesTheJacobianByTheTangent() {
        double x0 = 0.5;
        double x1 = 3;
        // f(x) = [x0 * x1, sin x0]: J = [[x1, x0], [cos x0, 0]]
        List<Tensor> result = Autograd.jvp(
                x -> Tensor.stack(List.of(x.select(0, 0).mul(x.select(0, 1)), x.select(0, 0).sin())),
                vector(x0, x1), vector(1, 2));
        assertArrayEquals(new double[] {x0 * x1, Math.sin(x0)}, result.get(0).toDoubleArray(), TOLERANCE);
        assertArrayEquals(new double[] {x1 + 2 * x0, Math.cos(x0)}, result.get(1).toDoubleArray(), TOLERANCE);
    }

    @Test
    void jvpAgreesWithTheJacobianTimesTheVector() {
        Tensor a = Tensor.of(new double[] {1, -2, 0.5, 3, 4, -1}, 2, 3);
        java.util.function.Function<Tensor, Tensor> f = x -> a.mv(x.tanh()).exp();
        Tensor x = vector(0.1, -0.4, 0.7);
        Tensor v = vector(2, 1, -1);
        Tensor expected = Autograd.jacobian(f, x).mv(v);
        assertArrayEquals(expected.toDoubleArray(), Autograd.jvp(f, x, v).get(1).toDoubleArray(), TOLERANCE);
    }

    @Test
    void functionalApiLeavesTheInputUntouched() {
        Tensor x = vector(1, 2).requiresGrad_(true);
        Autograd.jacobian(v -> v.exp(), x);
        Autograd.vjp(v -> v.exp(), x, vector(1, 1));
        Autograd.jvp(v -> v.exp(), x, vector(1, 1));
        assertNull(x.grad());
        assertTrue(x.isLeaf());
    }

    @Test
    void gradRejectsInputsThatDoNotRequireGradAndUnusedInputs() {
        Tensor x = vector(1, 2).requiresGrad_(true);
        Tensor unused = vector(3).requiresGrad_(true);
        Tensor y = x.square().sum();
        assertThrows(IllegalStateException.class, () -> Autograd.grad(List.of(y), List.of(vector(1)), false));
        var error = assertThrows(IllegalStateException.class,
                () -> Autograd.grad(List.of(y), List.of(x, unused), null, true, false, false));
        assertTrue(error.getMessage().contains("allowUnused"), error.getMessage());
        List<Tensor> grads = Autograd.grad(List.of(y), List.of(x, unused), null, false, false, true);
        assertArrayEquals(new double[] {2, 4}, grads.get(0).toDoubleArray(), TOLERANCE);
        assertNull(grads.get(1));
    }

    // ---------------------------------------------------------------- grad modes and anomaly mode on tensors

    @Test
    void noGradRecordsNothingAndEnableGradRecordsAgain() {
        Tensor x = vector(1, 2).requiresGrad_(true);
        try (var off = GradMode.noGrad()) {
            Tensor y = x.mul(2);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
            try (var on = GradMode.enableGrad()) {
                assertEquals("MulBackward0", x.mul(2).gradFn().name());
            }
            assertNull(x.mul(2).gradFn());
        }
        assertTrue(x.mul(2).requiresGrad());
    }

    @Test
    void tensorsMadeInInferenceModeCannotJoinAGraph() {
        Tensor x = vector(1, 2).requiresGrad_(true);
        Tensor made;
        try (var inference = GradMode.inferenceMode()) {
            made = x.mul(2);
            assertFalse(made.requiresGrad());
        }
        var error = assertThrows(IllegalStateException.class, () -> made.requiresGrad_(true));
        assertTrue(error.getMessage().contains("inference mode"), error.getMessage());
    }

    @Test
    void anomalyModeNamesTheOpWhoseBackwardProducedNan() {
        Tensor x = Tensor.of(new double[] {0}).requiresGrad_(true);
        try (var anomaly = AnomalyMode.enable()) {
            Tensor y = x.log().mul(0).sum();   // d/dx = 0 * (1/0) = nan, produced by LogBackward0
            var error = assertThrows(AnomalyException.class, y::backward);
            assertTrue(error.getMessage().contains("LogBackward0"), error.getMessage());
            assertTrue(error.getMessage().contains(getClass().getSimpleName()), "the forward trace points at this test");
        }
        Tensor z = Tensor.of(new double[] {0}).requiresGrad_(true);
        z.log().mul(0).sum().backward();
        assertTrue(Double.isNaN(z.grad().item()), "without anomaly mode the nan just flows into .grad");
    }

    @Test
    void floatTypesOtherThanDoubleWorkToo() {
        Tensor x = Tensor.of(new float[] {1, 2});
        Tensor jacobian = Autograd.jacobian(v -> v.mul(3), x);
        assertEquals(DType.FLOAT32, jacobian.dtype());
        assertArrayEquals(new double[] {3, 0, 0, 3}, jacobian.toDoubleArray(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> Autograd.jacobian(v -> v, Tensor.of(new long[] {1})));
    }
}
