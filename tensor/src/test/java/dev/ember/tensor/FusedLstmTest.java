package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import org.junit.jupiter.api.Test;

/** The tensor-level entry to the fused LSTM kernels: the product into a reused buffer, one cell step, and the checks. */
class FusedLstmTest {

    @Test
    void productWritesIntoTheGivenBufferFromAnyStrides() {
        Tensor left = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor right = Tensor.of(new double[] {1, 0, 2, 1, 0, 3, 1, 1, 1, 0, 2, 1}, 4, 3).t();   // [3, 4], transposed view
        Tensor output = Tensor.empty(DType.FLOAT64, left.device(), 2, 4);
        FusedLstm.product(left, right, output);
        assertArrayEquals(left.matmul(right).toDoubleArray(), output.toDoubleArray());
    }

    @Test
    void productRejectsMismatchedShapesDtypesAndStridedOutputs() {
        Tensor left = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        IllegalArgumentException shapes = assertThrows(IllegalArgumentException.class,
                () -> FusedLstm.product(left, left, Tensor.empty(DType.FLOAT64, left.device(), 2, 3)));
        assertEquals("product: cannot multiply [2, 3] by [2, 3] into a [2, 3] (float64, float64, float64)", shapes.getMessage());
        IllegalArgumentException strided = assertThrows(IllegalArgumentException.class,
                () -> FusedLstm.product(left, left.t(), Tensor.empty(DType.FLOAT64, left.device(), 2, 4).narrow(1, 0, 2)));
        assertEquals("product: cannot multiply [2, 3] by [3, 2] into a non-contiguous [2, 2] (float64, float64, float64)",
                strided.getMessage());
        IllegalArgumentException dtypes = assertThrows(IllegalArgumentException.class,
                () -> FusedLstm.product(left, left.t().to(DType.FLOAT32), Tensor.empty(DType.FLOAT64, left.device(), 2, 2)));
        assertTrue(dtypes.getMessage().endsWith("(float64, float32, float64)"), dtypes.getMessage());
    }

    @Test
    void oneCellStepMatchesTheFormulas() {
        Tensor inputGates = Tensor.of(new double[] {0.5, -1, 2, 0.25}, 1, 4);
        Tensor hiddenGates = Tensor.of(new double[] {0.5, 1, -1, 0.75}, 1, 4);
        Tensor cellPrevious = Tensor.of(new double[] {3}, 1, 1);
        Tensor gates = Tensor.empty(DType.FLOAT64, inputGates.device(), 1, 4);
        Tensor cell = Tensor.empty(DType.FLOAT64, inputGates.device(), 1, 1);
        Tensor hidden = Tensor.empty(DType.FLOAT64, inputGates.device(), 1, 1);
        FusedLstm.cell(inputGates, hiddenGates, cellPrevious, gates, cell, hidden);
        double i = 1 / (1 + Math.exp(-1.0)), f = 0.5, g = Math.tanh(1), o = 1 / (1 + Math.exp(-1.0));
        assertArrayEquals(new double[] {i, f, g, o}, gates.toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {f * 3 + i * g}, cell.toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {o * Math.tanh(f * 3 + i * g)}, hidden.toDoubleArray(), 1e-15);
    }

    @Test
    void availableForFloatingCpuTensorsOnly() {
        assertTrue(FusedLstm.isAvailable(Tensor.zeros(2, 4)));
        assertFalse(FusedLstm.isAvailable(Tensor.zeros(2, 4).to(DType.INT64)));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> {
            Tensor integral = Tensor.zeros(1, 4).to(DType.INT64);
            FusedLstm.cell(integral, integral, integral, integral, integral, integral);
        });
        assertEquals("the fused LSTM cell is not available for int64 tensors on cpu; check isAvailable first", error.getMessage());
    }
}
