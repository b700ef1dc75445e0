package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultiOutputFunctionTest {

    /** {@code (x + y, x * y)}; remembers the gradients its backward received. */
    static final class SumAndProduct extends MultiOutputFunction {
        Tensor[] received;

        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... inputs) {
            ctx.saveForBackward(inputs[0], inputs[1]);
            return new Tensor[] {inputs[0].add(inputs[1]), inputs[0].mul(inputs[1])};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... gradOutputs) {
            received = gradOutputs.clone();
            Tensor[] saved = ctx.savedTensors();
            Tensor sum = gradOutputs[0];
            return new Tensor[] {sum.add(gradOutputs[1].mul(saved[1])), sum.add(gradOutputs[1].mul(saved[0]))};
        }
    }

    /** {@code (2x, argmax(x), x)}: a float output, an integer one and the input itself. */
    static final class DoubleAndArgmax extends MultiOutputFunction {
        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... inputs) {
            return new Tensor[] {inputs[0].mul(2), inputs[0].argmax(), inputs[0]};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... gradOutputs) {
            return new Tensor[] {gradOutputs[0].mul(2).add(gradOutputs[2])};
        }
    }

    @Test
    void bothOutputsShareOneNodeAndGetTheirGradients() {
        Tensor x = Tensor.of(new double[] {1, 2, -3}).requiresGrad_(true);
        Tensor y = Tensor.of(new double[] {4, -5, 6}).requiresGrad_(true);
        SumAndProduct function = new SumAndProduct();
        Tensor[] out = function.apply(x, y);
        assertSame(out[0].gradFn(), out[1].gradFn());
        assertEquals("SumAndProductBackward", out[0].gradFn().name());
        assertArrayEquals(new double[] {5, -3, 3}, out[0].toDoubleArray());
        assertArrayEquals(new double[] {4, -10, -18}, out[1].toDoubleArray());
        // d/dx of sum(3 (x + y) + (x * y)) = 3 + y, d/dy = 3 + x
        out[0].mul(3).add(out[1]).sum().backward();
        assertArrayEquals(new double[] {7, -2, 9}, x.grad().toDoubleArray());
        assertArrayEquals(new double[] {4, 5, 0}, y.grad().toDoubleArray());
    }

    @Test
    void anOutputNoGradientReachedGetsZeros() {
        Tensor x = Tensor.of(new double[] {1, 2}).requiresGrad_(true);
        Tensor y = Tensor.of(new double[] {3, 4}).requiresGrad_(true);
        SumAndProduct function = new SumAndProduct();
        function.apply(x, y)[1].sum().backward();
        assertArrayEquals(new double[] {0, 0}, function.received[0].toDoubleArray());
        assertArrayEquals(new long[] {2}, function.received[0].shape());
        assertEquals(DType.FLOAT64, function.received[0].dtype());
        assertArrayEquals(new double[] {3, 4}, x.grad().toDoubleArray());
        assertArrayEquals(new double[] {1, 2}, y.grad().toDoubleArray());
    }

    @Test
    void gradcheckFirstAndSecondOrder() {
        Tensor.manualSeed(5);
        Tensor x = Tensor.randn(DType.FLOAT64, 3, 4).requiresGrad_(true);
        Tensor y = Tensor.randn(DType.FLOAT64, 3, 4).requiresGrad_(true);
        java.util.function.Function<List<Tensor>, Tensor> f = inputs -> {
            Tensor[] out = new SumAndProduct().apply(inputs.get(0), inputs.get(1));
            return out[0].square().add(out[1].mul(out[0]));
        };
        assertTrue(GradCheck.check(f, List.of(x, y)));
        assertTrue(GradCheck.checkSecondOrder(f, List.of(x, y)));
    }

    @Test
    void integerOutputsGetNoHistoryAndAnInputIsNotTakenOver() {
        Tensor x = Tensor.of(new double[] {1, 5, 2}).requiresGrad_(true);
        Tensor[] out = new DoubleAndArgmax().apply(x);
        assertNull(out[1].gradFn());
        assertFalse(out[1].requiresGrad());
        assertEquals(1L, (long) out[1].item());
        assertNotSame(x, out[2]);
        assertTrue(x.isLeaf());
        assertSame(out[0].gradFn(), out[2].gradFn());
        out[0].add(out[2]).sum().backward();
        assertArrayEquals(new double[] {3, 3, 3}, x.grad().toDoubleArray());
    }

    @Test
    void noHistoryWithoutGradientsOrUnderNoGrad() {
        Tensor x = Tensor.of(new double[] {1, 2});
        Tensor[] out = new SumAndProduct().apply(x, x);
        assertNull(out[0].gradFn());
        Tensor leaf = x.clone().requiresGrad_(true);
        try (var mode = dev.ember.autograd.GradMode.noGrad()) {
            assertNull(new SumAndProduct().apply(leaf, leaf)[1].gradFn());
        }
    }

    @Test
    void aWrongNumberOfGradientsIsReported() {
        MultiOutputFunction broken = new MultiOutputFunction() {
            @Override
            protected Tensor[] forward(FunctionContext ctx, Tensor... inputs) { return new Tensor[] {inputs[0].neg(), inputs[0].exp()}; }

            @Override
            protected Tensor[] backward(FunctionContext ctx, Tensor... gradOutputs) { return new Tensor[] {gradOutputs[0], gradOutputs[1]}; }
        };
        Tensor x = Tensor.of(new double[] {1}).requiresGrad_(true);
        Tensor[] out = broken.apply(x);
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> out[1].sum().backward());
        assertEquals("function FunctionBackward returned an incorrect number of gradients (expected 1, got 2)", error.getMessage());
    }
}
