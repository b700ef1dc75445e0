package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.nn.functional.F;
import dev.ember.tensor.GradCheck;
import dev.ember.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Float64 gradient checks of the normalization functions (first and second order), and their argument errors. */
class NormalizationTestGradients {

    private static Tensor input(long... shape) { return Tensor.randn(DType.FLOAT64, shape).requiresGrad_(true); }

    @Test
    void batchNormGradientsAreExactToSecondOrder() {
        Tensor.manualSeed(21);
        Tensor x = input(4, 3, 2);
        Tensor weight = input(3);
        Tensor bias = input(3);
        List<Tensor> inputs = List.of(x, weight, bias);
        assertTrue(GradCheck.check(in -> F.batchNorm(in.get(0), null, null, in.get(1), in.get(2), true, 0.1, 1e-5), inputs));
        assertTrue(GradCheck.checkSecondOrder(in -> F.batchNorm(in.get(0), null, null, in.get(1), in.get(2), true, 0.1, 1e-5), inputs));
        Tensor mean = Tensor.randn(DType.FLOAT64, 3);
        Tensor variance = Tensor.rand(DType.FLOAT64, 3).add(0.5);
        assertTrue(GradCheck.check(in -> F.batchNorm(in.get(0), mean, variance, in.get(1), in.get(2), false, 0.1, 1e-5), inputs));
    }

    @Test
    void layerGroupInstanceAndRmsNormGradientsAreExact() {
        Tensor.manualSeed(22);
        Tensor x = input(2, 4, 3);
        Tensor weight = input(3);
        Tensor bias = input(3);
        assertTrue(GradCheck.check(in -> F.layerNorm(in.get(0), new long[] {3}, in.get(1), in.get(2), 1e-5), List.of(x, weight, bias)));
        assertTrue(GradCheck.checkSecondOrder(in -> F.layerNorm(in.get(0), new long[] {3}, in.get(1), in.get(2), 1e-5),
                List.of(x, weight, bias)));
        Tensor channels = input(4);
        assertTrue(GradCheck.check(in -> F.groupNorm(in.get(0), 2, in.get(1), in.get(2), 1e-5), List.of(x, channels, input(4))));
        assertTrue(GradCheck.check(in -> F.instanceNorm(in.get(0), null, null, in.get(1), null, true, 0.1, 1e-5),
                List.of(x, channels)));
        assertTrue(GradCheck.check(in -> F.rmsNorm(in.get(0), new long[] {4, 3}, in.get(1), null), List.of(x, input(4, 3))));
    }

    private static void fails(String message, Executable call) {
        Throwable thrown = assertThrows(IllegalArgumentException.class, call);
        assertTrue(thrown.getMessage().contains(message), "message was: " + thrown.getMessage());
    }

    @Test
    void wrongShapesAreReportedWithTheShapes() {
        fails("Expected more than 1 value per channel when training, got input size [1, 3]",
                () -> new BatchNorm1d(3).call(Tensor.randn(1, 3)));
        fails("expected 4D input (got 3D input)", () -> new BatchNorm2d(3).call(Tensor.randn(2, 3, 4)));
        fails("expected 2D or 3D input (got 4D input)", () -> new BatchNorm1d(3).call(Tensor.randn(2, 3, 4, 4)));
        fails("expected input with 3 channels (dim 1), got input of size [2, 4, 5, 5]",
                () -> new BatchNorm2d(3).call(Tensor.randn(2, 4, 5, 5)));
        fails("Given normalized_shape=[5], expected input with shape [*, 5], but got input of size[2, 4]",
                () -> new LayerNorm(5).call(Tensor.randn(2, 4)));
        fails("Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 6, 3] and num_groups=4",
                () -> F.groupNorm(Tensor.randn(2, 6, 3), 4));
        fails("num_channels must be divisible by num_groups", () -> new GroupNorm(4, 6));
        fails("running_mean should contain 3 elements not 4",
                () -> F.batchNorm(Tensor.randn(2, 3), Tensor.zeros(4), Tensor.ones(4)));
    }
}
