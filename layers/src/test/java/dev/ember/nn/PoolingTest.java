package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.nn.functional.F;
import dev.ember.tensor.GradCheck;
import dev.ember.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PoolingTest {

    static List<String> fixtureCases() { return ConvPoolCases.names("max_pool", "avg_pool", "adaptive"); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureCases")
    void matchesPyTorchForwardIndicesAndGradients(String name) { ConvPoolCases.check(name); }

    /** Distinct float64 values (a shuffled ramp), so no pooling window has a tie and finite differences are clean. */
    private static Tensor distinct(long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        return Tensor.randperm(n).to(DType.FLOAT64).div(n).reshape(shape).requiresGrad_(true);
    }

    @Test
    void maxPoolGradientsMatchFiniteDifferencesToSecondOrder() {
        Tensor.manualSeed(1);
        java.util.function.Function<List<Tensor>, Tensor> pool = in -> F.maxPool2d(in.get(0).square(), new long[] {3},
                new long[] {2}, new long[] {1}, new long[] {1}, true);
        List<Tensor> inputs = List.of(distinct(2, 2, 5, 6));
        assertTrue(GradCheck.check(pool, inputs));
        assertTrue(GradCheck.checkSecondOrder(pool, inputs));
        assertTrue(GradCheck.check(in -> F.maxPool1d(in.get(0), new long[] {2}, new long[] {1}, new long[] {0}, new long[] {2},
                false), List.of(distinct(2, 3, 7))));
    }

    @Test
    void avgPoolGradientsMatchFiniteDifferencesToSecondOrder() {
        Tensor.manualSeed(2);
        java.util.function.Function<List<Tensor>, Tensor> pool = in -> F.avgPool2d(in.get(0).square(), new long[] {3},
                new long[] {2}, new long[] {1}, true, false, null);
        List<Tensor> inputs = List.of(Tensor.randn(DType.FLOAT64, 2, 2, 5, 6).requiresGrad_(true));
        assertTrue(GradCheck.check(pool, inputs));
        assertTrue(GradCheck.checkSecondOrder(pool, inputs));
        assertTrue(GradCheck.check(in -> F.avgPool1d(in.get(0), new long[] {3}, new long[] {2}, new long[] {1}, true, true),
                List.of(Tensor.randn(DType.FLOAT64, 2, 3, 8).requiresGrad_(true))));
    }

    @Test
    void adaptivePoolGradientsMatchFiniteDifferences() {
        Tensor.manualSeed(3);
        assertTrue(GradCheck.check(in -> F.adaptiveAvgPool2d(in.get(0), 3, 4),
                List.of(Tensor.randn(DType.FLOAT64, 2, 2, 7, 9).requiresGrad_(true))));
        assertTrue(GradCheck.check(in -> F.adaptiveMaxPool2d(in.get(0), 3, 4), List.of(distinct(2, 2, 7, 9))));
        assertTrue(GradCheck.check(in -> F.adaptiveMaxPool2d(in.get(0), 2, 3), List.of(distinct(1, 2, 4, 6))));
    }

    @Test
    void maxPoolPropagatesNaNLikePyTorch() {
        Tensor x = Tensor.of(new float[] {1, Float.NaN, 3, 4}, 1, 1, 2, 2);
        assertTrue(Double.isNaN(F.maxPool2d(x, 2).item()));
    }

    @Test
    void maxPoolOfNonContiguousInputMatchesContiguous() {
        Tensor.manualSeed(4);
        Tensor x = Tensor.randn(2, 3, 6, 8).transpose(2, 3);
        GoldenCases.assertClose(F.maxPool2d(x.contiguous(), 2), F.maxPool2d(x, 2), "transposed input");
    }

    @Test
    void maxPoolWithoutGradRecordsNothing() {
        Tensor y = F.maxPool2d(Tensor.randn(1, 1, 4, 4), 2);
        assertArrayEquals(new long[] {1, 1, 2, 2}, y.shape());
        assertEquals(null, y.gradFn());
    }

    @Test
    void rejectsPaddingOverHalfTheKernelAndTooSmallOutputs() {
        assertEquals("pad should be at most half of kernel size, but got pad=2 and kernel_size=2",
                assertThrows(IllegalArgumentException.class, () -> F.maxPool2d(Tensor.randn(1, 1, 4, 4), new long[] {2}, null,
                        new long[] {2}, new long[] {1}, false)).getMessage());
        assertEquals("Given input size: (1x1x1). Calculated output size: (1x0x0). Output size is too small",
                assertThrows(IllegalArgumentException.class, () -> F.maxPool2d(Tensor.randn(1, 1, 1, 1), 2)).getMessage());
        assertEquals("max_pool2d: Expected 3D or 4D (batch mode) tensor for input, but got input of size: [28, 28]",
                assertThrows(IllegalArgumentException.class, () -> F.maxPool2d(Tensor.randn(28, 28), 2)).getMessage());
        assertEquals("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [28, 28]",
                assertThrows(IllegalArgumentException.class, () -> F.adaptiveAvgPool2d(Tensor.randn(28, 28), 2)).getMessage());
    }

    @Test
    void poolingModuleReprsMatchPyTorch() {
        assertEquals("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", new MaxPool2d(2).toString());
        assertEquals("MaxPool2d(kernel_size=(2, 3), stride=1, padding=0, dilation=1, ceil_mode=True)",
                new MaxPool2d(new long[] {2, 3}, new long[] {1}, new long[] {0}, new long[] {1}, true).toString());
        assertEquals("MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", new MaxPool1d(2).toString());
        assertEquals("AvgPool2d(kernel_size=2, stride=2, padding=0)", new AvgPool2d(2).toString());
        assertEquals("AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))", new AvgPool1d(3).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=5)", new AdaptiveAvgPool2d(5).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=(5, None))", new AdaptiveAvgPool2d(5, -1).toString());
        assertEquals("AdaptiveMaxPool2d(output_size=(2, 3))", new AdaptiveMaxPool2d(2, 3).toString());
    }

    @Test
    void poolingModulesComputeTheirFunctions() {
        Tensor.manualSeed(5);
        Tensor x = Tensor.randn(2, 3, 8, 9);
        GoldenCases.assertClose(F.maxPool2d(x, 2), new MaxPool2d(2).call(x), "MaxPool2d");
        GoldenCases.assertClose(F.avgPool2d(x, 2), new AvgPool2d(2).call(x), "AvgPool2d");
        assertArrayEquals(new long[] {2, 3, 5, 9}, new AdaptiveAvgPool2d(5, -1).call(x).shape());
        assertArrayEquals(new long[] {2, 3, 3, 4}, new AdaptiveMaxPool2d(3, 4).call(x).shape());
        Tensor line = Tensor.randn(2, 3, 10);
        GoldenCases.assertClose(F.maxPool1d(line, 2), new MaxPool1d(2).call(line), "MaxPool1d");
        GoldenCases.assertClose(F.avgPool1d(line, 2), new AvgPool1d(2).call(line), "AvgPool1d");
    }
}
