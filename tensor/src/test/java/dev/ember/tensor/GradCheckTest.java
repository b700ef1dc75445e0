package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GradCheckTest {

    @BeforeEach
    void seed() { Tensor.manualSeed(7); }

    private static Tensor input(long... shape) { return Tensor.randn(DType.FLOAT64, shape).requiresGrad_(true); }

    /** x * x with a backward that forgets the factor 2. */
    private static final class WrongSquare extends Function {
        @Override
        protected Tensor forward(FunctionContext ctx, Tensor... inputs) {
            ctx.saveForBackward(inputs[0]);
            return inputs[0].mul(inputs[0]);
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor gradOutput) {
            return new Tensor[] {gradOutput.mul(ctx.savedTensors()[0])};
        }
    }

    /** x * x whose backward is right but not differentiable in x (it detaches the saved input). */
    private static final class FirstOrderOnlySquare extends Function {
        @Override
        protected Tensor forward(FunctionContext ctx, Tensor... inputs) {
            ctx.saveForBackward(inputs[0]);
            return inputs[0].mul(inputs[0]);
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor gradOutput) {
            return new Tensor[] {gradOutput.mul(ctx.savedTensors()[0].detach()).mul(2)};
        }
    }

    @Test
    void correctGradientsPass() {
        assertTrue(GradCheck.check(in -> in.get(0).tanh().mul(in.get(1)).sum(1), List.of(input(2, 3), input(2, 3))));
        assertTrue(GradCheck.check(in -> in.get(0).matmul(in.get(1)), List.of(input(2, 3), input(3, 4))));
        assertTrue(GradCheck.check(in -> in.get(0).add(in.get(1)).sigmoid(), List.of(input(2, 3), input(3))),
                "broadcast inputs get gradients of their own shape");
        assertTrue(GradCheck.check(in -> in.get(0).exp().sum(), List.of(input())), "0-dim input and output");
    }

    @Test
    void inputsThatDoNotRequireGradAreHeldFixed() {
        Tensor constant = Tensor.randn(DType.FLOAT64, 3);
        assertTrue(GradCheck.check(in -> in.get(0).mul(in.get(1)).sin(), List.of(input(3), constant)));
    }

    @Test
    void aWrongBackwardIsReportedWithInputElementAndBothValues() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}).requiresGrad_(true);
        var error = assertThrows(IllegalStateException.class,
                () -> GradCheck.check(in -> new WrongSquare().apply(in.get(0)), List.of(x)));
        String message = error.getMessage();
        assertTrue(message.contains("input 0"), message);
        assertTrue(message.contains("output element 0, input element 0"), message);
        assertTrue(message.contains("numerical 2.0") && message.contains("analytical 1.0"), message);
    }

    @Test
    void nonDoubleInputsAreRejected() {
        Tensor x = Tensor.randn(3).requiresGrad_(true);
        var error = assertThrows(IllegalArgumentException.class, () -> GradCheck.check(in -> in.get(0).exp(), List.of(x)));
        assertTrue(error.getMessage().contains("float64") && error.getMessage().contains("float32"), error.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(in -> in.get(0).exp(), List.of(Tensor.randn(DType.FLOAT64, 3))));
    }

    @Test
    void inputsAreNotModifiedAndGetNoGrad() {
        Tensor x = Tensor.of(new double[] {0.5, -1}).requiresGrad_(true);
        GradCheck.check(in -> in.get(0).pow(3), List.of(x));
        GradCheck.checkSecondOrder(in -> in.get(0).pow(3), List.of(x));
        assertArrayEquals(new double[] {0.5, -1}, x.toDoubleArray());
        assertNull(x.grad());
        assertTrue(x.isLeaf());
    }

    @Test
    void secondOrderGradientsPass() {
        assertTrue(GradCheck.checkSecondOrder(in -> in.get(0).tanh().pow(3), List.of(input(2, 2))));
        assertTrue(GradCheck.checkSecondOrder(in -> in.get(0).mul(in.get(1)).exp(), List.of(input(3), input(3))));
        assertTrue(GradCheck.checkSecondOrder(in -> in.get(0).matmul(in.get(1)).sigmoid(), List.of(input(2, 3), input(3, 2))));
        assertTrue(GradCheck.checkSecondOrder(in -> in.get(0).square().sum(), List.of(input(4))));
    }

    @Test
    void aBackwardThatIsNotDifferentiableFailsTheSecondOrderCheckOnly() {
        Tensor x = Tensor.of(new double[] {1, 2}).requiresGrad_(true);
        assertTrue(GradCheck.check(in -> new FirstOrderOnlySquare().apply(in.get(0)), List.of(x)));
        var error = assertThrows(IllegalStateException.class,
                () -> GradCheck.checkSecondOrder(in -> new FirstOrderOnlySquare().apply(in.get(0)), List.of(x)));
        assertTrue(error.getMessage().startsWith("second-order Jacobian mismatch"), error.getMessage());
    }

    @Test
    void toleranceOverloadsAreHonoured() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}).requiresGrad_(true);
        // analytical x vs numerical 2x: off by up to 3, within atol 10
        assertTrue(GradCheck.check(in -> new WrongSquare().apply(in.get(0)), List.of(x), 1e-6, 10, 0));
    }
}
