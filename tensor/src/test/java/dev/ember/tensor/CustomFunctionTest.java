package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.GradMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class CustomFunctionTest {

    private static final double TOLERANCE = 1e-12;

    static final class Exp extends Function {
        boolean gradModeInForward = true;

        @Override
        protected Tensor forward(FunctionContext ctx, Tensor... inputs) {
            gradModeInForward = GradMode.isEnabled();
            Tensor result = inputs[0].exp();
            ctx.saveForBackward(result);
            return result;
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor gradOutput) {
            return new Tensor[] {gradOutput.mul(ctx.savedTensors()[0])};
        }
    }

    /** {@code a + b} whose backward hands back the unreduced gradient for both. */
    static final class BroadcastAdd extends Function {
        @Override
        protected Tensor forward(FunctionContext ctx, Tensor... inputs) { return inputs[0].add(inputs[1]); }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor gradOutput) { return new Tensor[] {gradOutput, gradOutput}; }
    }

    /** {@code x * scale}; the scale gets no gradient. */
    static final class Scale extends Function {
        @Override
        protected Tensor forward(FunctionContext ctx, Tensor... inputs) {
            ctx.put("factor", inputs[1].item());
            ctx.put("needs", new boolean[] {ctx.needsInputGrad(0), ctx.needsInputGrad(1)});
            return inputs[0].mul(inputs[1]);
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor gradOutput) {
            double factor = ctx.get("factor");
            return new Tensor[] {gradOutput.mul(factor), null};
        }
    }

    static final class Identity extends Function {
        @Override
        protected Tensor forward(FunctionContext ctx, Tensor... inputs) { return inputs[0]; }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor gradOutput) { return new Tensor[] {gradOutput.mul(2)}; }
    }

    @Test
    void customExpMatchesTheBuiltInOp() {
        double[] xs = {-1, 0, 0.5, 2};
        Tensor x = Tensor.of(xs).requiresGrad_(true);
        Exp exp = new Exp();
        Tensor y = exp.apply(x);
        assertFalse(exp.gradModeInForward, "forward runs with grad mode off");
        assertEquals("ExpBackward", y.gradFn().name());
        // past 80 columns the suffix moves to its own line, as in PyTorch
        assertEquals("tensor([0.3679, 1.0000, 1.6487, 7.3891], dtype=torch.float64,\n       grad_fn=<ExpBackward>)",
                y.toString());
        y.sum().backward();
        double[] expected = new double[xs.length];
        for (int i = 0; i < xs.length; i++) expected[i] = Math.exp(xs[i]);
        assertArrayEquals(expected, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void customFunctionsComposeWithBuiltInOps() {
        Tensor x = Tensor.of(new double[] {0.3, -0.2}).requiresGrad_(true);
        new Exp().apply(x.mul(2)).mul(x).sum().backward();
        // d/dx [x e^{2x}] = e^{2x} (1 + 2x)
        assertArrayEquals(new double[] {Math.exp(0.6) * 1.6, Math.exp(-0.4) * 0.6}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void higherOrderGradientsFlowThroughADifferentiableBackward() {
        Tensor x = Tensor.of(new double[] {0.7}).requiresGrad_(true);
        Tensor first = Autograd.grad(List.of(new Exp().apply(x).sum()), List.of(x), true).get(0);
        Tensor second = Autograd.grad(List.of(first.sum()), List.of(x), false).get(0);
        assertEquals(Math.exp(0.7), second.item(), TOLERANCE);
        assertTrue(GradCheck.check(in -> new Exp().apply(in.get(0)), List.of(Tensor.of(new double[] {0.1, -0.5}).requiresGrad_(true))));
        assertTrue(GradCheck.checkSecondOrder(in -> new Exp().apply(in.get(0)),
                List.of(Tensor.of(new double[] {0.1, -0.5}).requiresGrad_(true))));
    }

    @Test
    void broadcastGradientsAreSummedToEachInputShape() {
        Tensor row = Tensor.of(new double[] {1, 2, 3}).requiresGrad_(true);
        Tensor matrix = Tensor.zeros(dev.ember.devices.DType.FLOAT64, 2, 3).requiresGrad_(true);
        new BroadcastAdd().apply(row, matrix).sum().backward();
        assertArrayEquals(new double[] {2, 2, 2}, row.grad().toDoubleArray(), TOLERANCE);
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, matrix.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void nullGradientsAndContextValues() {
        Tensor x = Tensor.of(new double[] {1, 2}).requiresGrad_(true);
        Tensor scale = Tensor.scalar(3.0).requiresGrad_(true);
        Tensor y = new Scale().apply(x, scale);
        y.sum().backward();
        assertArrayEquals(new double[] {3, 3}, x.grad().toDoubleArray(), TOLERANCE);
        assertNull(scale.grad());
        Tensor plain = Tensor.of(new double[] {1, 2});
        Scale partly = new Scale();
        assertNull(partly.apply(plain, Tensor.scalar(2.0)).gradFn(), "nothing requires grad: nothing recorded");
    }

    @Test
    void nothingIsRecordedUnderNoGrad() {
        Tensor x = Tensor.of(new double[] {1}).requiresGrad_(true);
        try (var off = GradMode.noGrad()) {
            Tensor y = new Exp().apply(x);
            assertNull(y.gradFn());
            assertFalse(y.requiresGrad());
        }
    }

    @Test
    void returningAnInputLeavesThatInputAlone() {
        Tensor x = Tensor.of(new double[] {1, 2}).requiresGrad_(true);
        Tensor y = new Identity().apply(x);
        assertTrue(x.isLeaf());
        assertFalse(y.isLeaf());
        y.sum().backward();
        assertArrayEquals(new double[] {2, 2}, x.grad().toDoubleArray(), TOLERANCE);
    }

    @Test
    void wrongGradientCountOrShapeIsAClearError() {
        Function tooFew = new Function() {
            @Override
            protected Tensor forward(FunctionContext ctx, Tensor... inputs) { return inputs[0].add(inputs[1]); }

            @Override
            protected Tensor[] backward(FunctionContext ctx, Tensor gradOutput) { return new Tensor[] {gradOutput}; }
        };
        Tensor a = Tensor.of(new double[] {1, 2}).requiresGrad_(true);
        Tensor b = Tensor.of(new double[] {3, 4}).requiresGrad_(true);
        var count = assertThrows(IllegalStateException.class, () -> tooFew.apply(a, b).sum().backward());
        assertTrue(count.getMessage().contains("expected 2, got 1"), count.getMessage());

        Function badShape = new Function() {
            @Override
            protected Tensor forward(FunctionContext ctx, Tensor... inputs) { return inputs[0].mul(2); }

            @Override
            protected Tensor[] backward(FunctionContext ctx, Tensor gradOutput) {
                return new Tensor[] {Tensor.ones(dev.ember.devices.DType.FLOAT64, 3)};
            }
        };
        var shape = assertThrows(IllegalStateException.class, () -> badShape.apply(a).sum().backward());
        assertTrue(shape.getMessage().contains("[3]") && shape.getMessage().contains("[2]"), shape.getMessage());
    }

    @Test
    void modifyingASavedTensorInPlaceMakesBackwardFail() {
        Tensor x = Tensor.of(new double[] {1, 2}).requiresGrad_(true);
        Tensor y = new Exp().apply(x);
        Tensor loss = y.sum();
        try (var off = GradMode.noGrad()) {
            y.add_(1);
        }
        var error = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(error.getMessage().contains("modified by an inplace operation"), error.getMessage());
        assertTrue(error.getMessage().contains("ExpBackward"), error.getMessage());
    }

    @Test
    void backwardTwiceWithoutRetainingTheGraphFails() {
        Tensor x = Tensor.of(new double[] {1}).requiresGrad_(true);
        Tensor loss = new Exp().apply(x).sum();
        loss.backward();
        assertThrows(IllegalStateException.class, loss::backward);
        Tensor retained = new Exp().apply(x).sum();
        retained.backward(Tensor.onesLike(retained), true, false);
        retained.backward();
        assertEquals(3 * Math.E, x.grad().item(), TOLERANCE);
    }

    @Test
    void missingContextValuesAreReportedByName() {
        FunctionContext ctx = new FunctionContext("TestBackward");
        var error = assertThrows(IllegalArgumentException.class, () -> ctx.get("alpha"));
        assertTrue(error.getMessage().contains("alpha"), error.getMessage());
        assertEquals(0, ctx.savedTensors().length);
    }
}
