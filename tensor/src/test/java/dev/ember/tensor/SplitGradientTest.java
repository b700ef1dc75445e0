package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * unbind, split and chunk record one backward node for all their pieces (PyTorch's
 * UnbindBackward/SplitBackward), which stacks or concatenates the pieces' gradients once.
 */
class SplitGradientTest {

    @Test
    void unbindPiecesShareOneNodeWhoseGradientStacksThePiecesGradients() {
        Tensor x = Tensor.arange(12).to(DType.FLOAT64).reshape(3, 4).requiresGrad_(true);
        List<Tensor> rows = x.unbind(0);
        assertSame(rows.get(0).gradFn(), rows.get(2).gradFn());
        assertEquals("UnbindBackward", rows.get(0).gradFn().name());
        // Row 1 is unused: its gradient is zero.
        rows.get(0).mul(2).sum().add(rows.get(2).mul(rows.get(2)).sum()).backward();
        assertArrayEquals(new double[] {2, 2, 2, 2, 0, 0, 0, 0, 16, 18, 20, 22}, x.grad().toDoubleArray());
    }

    @Test
    void unbindAlongAnInnerDimStacksAlongThatDim() {
        Tensor x = Tensor.arange(6).to(DType.FLOAT64).reshape(2, 3).requiresGrad_(true);
        List<Tensor> columns = x.unbind(1);
        columns.get(1).mul(Tensor.of(new double[] {5, 7}, 2)).sum().backward();
        assertArrayEquals(new double[] {0, 5, 0, 0, 7, 0}, x.grad().toDoubleArray());
    }

    @Test
    void splitAndChunkConcatenateThePiecesGradients() {
        Tensor x = Tensor.arange(10).to(DType.FLOAT64).requiresGrad_(true);
        List<Tensor> parts = x.split(new long[] {2, 5, 3}, 0);
        assertEquals("SplitBackward", parts.get(1).gradFn().name());
        parts.get(0).sum().add(parts.get(2).mul(3).sum()).backward();
        assertArrayEquals(new double[] {1, 1, 0, 0, 0, 0, 0, 3, 3, 3}, x.grad().toDoubleArray());

        Tensor y = Tensor.arange(7).to(DType.FLOAT64).requiresGrad_(true);
        List<Tensor> chunks = y.chunk(3);   // sizes 3, 3, 1
        chunks.get(1).mul(2).sum().add(chunks.get(2).sum()).backward();
        assertArrayEquals(new double[] {0, 0, 0, 2, 2, 2, 1}, y.grad().toDoubleArray());
    }

    @Test
    void piecesPassGradcheckAndDoubleBackward() {
        Tensor x = Tensor.randn(DType.FLOAT64, 3, 4).requiresGrad_(true);
        assertTrue(GradCheck.check(in -> {
            List<Tensor> rows = in.get(0).unbind(0);
            List<Tensor> halves = in.get(0).chunk(2, 1);
            return rows.get(0).mul(rows.get(2)).sum().add(halves.get(1).pow(3).sum()).reshape(1);
        }, List.of(x)));
        assertTrue(GradCheck.checkSecondOrder(in -> {
            List<Tensor> rows = in.get(0).unbind(0);
            return rows.get(0).mul(rows.get(1)).add(rows.get(2).tanh());
        }, List.of(x)));
    }

    @Test
    void noNodeWithoutGradModeOrWithoutAnInputThatRequiresGrad() {
        Tensor x = Tensor.randn(3, 2).requiresGrad_(true);
        try (var mode = GradMode.noGrad()) {
            assertFalse(x.unbind(0).get(0).requiresGrad());
        }
        assertFalse(Tensor.randn(3, 2).chunk(2, 0).get(0).requiresGrad());
        assertTrue(x.split(1, 0).get(2).requiresGrad());
    }
}
