package dev.ember.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.GradMode;
import dev.ember.devices.Backend;
import dev.ember.devices.BackendRegistry;
import dev.ember.devices.DType;
import dev.ember.devices.Device;
import dev.ember.devices.Layout;
import dev.ember.devices.OptimizerKind;
import dev.ember.devices.Strided;
import dev.ember.tensor.OptimizerSupport;
import dev.ember.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The fused optimizer SPI of the CPU backend: what it accepts, what it refuses, and the tensor bridge's fallbacks. */
class FusedKernelChecksTest {
    private static final Backend CPU = BackendRegistry.get(Device.CPU);

    private static Strided floats(long... shape) {
        long numel = Layout.contiguous(shape).numel();
        return new Strided(CPU.allocate(Device.CPU, numel * 4), Layout.contiguous(shape), DType.FLOAT32);
    }

    @Test
    void cpuFusesFloat32AndFloat64Only() {
        for (OptimizerKind kind : OptimizerKind.values()) {
            assertTrue(CPU.hasOptimizerStep(kind, DType.FLOAT32));
            assertTrue(CPU.hasOptimizerStep(kind, DType.FLOAT64));
            assertFalse(CPU.hasOptimizerStep(kind, DType.FLOAT16));
        }
    }

    @Test
    void sgdKernelUpdatesTheParameterInPlace() {
        Strided param = floats(5);
        Strided grad = floats(5);
        CPU.fill(param, 1.0);
        CPU.fill(grad, 2.0);
        CPU.optimizerStep(OptimizerKind.SGD, param, grad, new Strided[] {null}, new double[] {0.25, 0, 0, 0, 0, 0, 1});
        float[] values = new float[5];
        CPU.copyToHost(param.buffer(), 0, MemorySegment.ofArray(values), 20);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, values);
    }

    @Test
    void wrongOperandCountsAreRejected() {
        var error = assertThrows(IllegalArgumentException.class, () -> CPU.optimizerStep(OptimizerKind.ADAM, floats(3), floats(3),
                new Strided[] {floats(3)}, new double[8]));
        assertEquals("optimizerStep(ADAM): expected 3 state operands and 8 hyperparameters, got 1 and 8", error.getMessage());
    }

    @Test
    void missingRequiredStateIsRejected() {
        var error = assertThrows(IllegalArgumentException.class, () -> CPU.optimizerStep(OptimizerKind.SGD, floats(3), floats(3),
                new Strided[] {null}, new double[] {0.1, 0.9, 0, 0, 0, 0, 1}));
        assertEquals("optimizerStep(SGD): state operand 0 is required but null", error.getMessage());
    }

    @Test
    void mismatchedShapesAndNonContiguousOperandsAreRejected() {
        var shapes = assertThrows(IllegalArgumentException.class, () -> CPU.optimizerStep(OptimizerKind.ADAGRAD, floats(3), floats(4),
                new Strided[] {floats(3)}, new double[6]));
        assertTrue(shapes.getMessage().contains("shapes differ"), shapes.getMessage());
        Strided square = floats(2, 3);
        Strided transposed = new Strided(square.buffer(), square.layout().transpose(0, 1), DType.FLOAT32);
        var layout = assertThrows(IllegalArgumentException.class, () -> CPU.optimizerStep(OptimizerKind.ADAGRAD, floats(3, 2),
                transposed, new Strided[] {floats(3, 2)}, new double[6]));
        assertTrue(layout.getMessage().startsWith("optimizerStep(ADAGRAD): expected a contiguous grad"), layout.getMessage());
    }

    @Test
    void bridgeDeclinesWhatTheKernelCannotTakeAndLeavesItUntouched() {
        Tensor half = Tensor.ones(DType.FLOAT16, 4);
        try (var noGrad = GradMode.noGrad()) {
            assertFalse(OptimizerSupport.fusedStep(OptimizerKind.SGD, half, Tensor.ones(DType.FLOAT16, 4), new Tensor[] {null},
                    new double[] {0.1, 0, 0, 0, 0, 0, 1}));
            Tensor strided = Tensor.ones(4, 2).t();
            assertFalse(OptimizerSupport.fusedStep(OptimizerKind.SGD, strided, Tensor.ones(2, 4), new Tensor[] {null},
                    new double[] {0.1, 0, 0, 0, 0, 0, 1}));
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, strided.toFloatArray());
        }
    }

    @Test
    void float16ParametersUseTheCompositeUpdate() {
        Tensor p = Tensor.ones(DType.FLOAT16, 3).requiresGrad_(true);
        Optimizer opt = new SGD(java.util.List.of(p), SGD.options().lr(0.5).momentum(0.9));
        p.setGrad(Tensor.ones(DType.FLOAT16, 3));
        opt.step();
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, p.toFloatArray());
    }
}
