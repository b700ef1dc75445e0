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

class ConvolutionTest {

    static List<String> fixtureCases() { return ConvPoolCases.names("conv", "unfold", "fold"); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureCases")
    void matchesPyTorchForwardAndGradients(String name) { ConvPoolCases.check(name); }

    // ---------------------------------------------------------------- gradcheck in float64

    private static Tensor random(long... shape) { return Tensor.randn(DType.FLOAT64, shape).requiresGrad_(true); }

    @Test
    void conv1dGradientsMatchFiniteDifferences() {
        Tensor.manualSeed(1);
        assertTrue(GradCheck.check(in -> F.conv1d(in.get(0), in.get(1), in.get(2), new long[] {2}, new long[] {1},
                new long[] {2}, 2), List.of(random(2, 4, 9), random(6, 2, 3), random(6))));
    }

    @Test
    void conv2dGradientsMatchFiniteDifferencesToSecondOrder() {
        Tensor.manualSeed(2);
        List<Tensor> inputs = List.of(random(2, 2, 5, 4), random(3, 2, 3, 2), random(3));
        java.util.function.Function<List<Tensor>, Tensor> conv = in -> F.conv2d(in.get(0), in.get(1), in.get(2),
                new long[] {2, 1}, new long[] {1, 0}, new long[] {1, 2}, 1);
        assertTrue(GradCheck.check(conv, inputs));
        assertTrue(GradCheck.checkSecondOrder(conv, inputs));
    }

    @Test
    void groupedSameConv2dGradientsMatchFiniteDifferences() {
        Tensor.manualSeed(3);
        assertTrue(GradCheck.check(in -> F.conv2d(in.get(0), in.get(1), null, new long[] {1}, "same", new long[] {1}, 2),
                List.of(random(1, 4, 4, 5), random(4, 2, 2, 3))));
    }

    @Test
    void conv3dGradientsMatchFiniteDifferences() {
        Tensor.manualSeed(4);
        assertTrue(GradCheck.check(in -> F.conv3d(in.get(0), in.get(1), in.get(2), new long[] {1, 2, 1}, new long[] {1},
                new long[] {1}, 1), List.of(random(1, 2, 3, 4, 3), random(2, 2, 2, 2, 2), random(2))));
    }

    @Test
    void convTranspose2dGradientsMatchFiniteDifferencesToSecondOrder() {
        Tensor.manualSeed(5);
        List<Tensor> inputs = List.of(random(1, 4, 3, 2), random(4, 1, 3, 2), random(2));
        java.util.function.Function<List<Tensor>, Tensor> conv = in -> F.convTranspose2d(in.get(0), in.get(1), in.get(2),
                new long[] {2}, new long[] {1}, new long[] {1}, 2, new long[] {1});
        assertTrue(GradCheck.check(conv, inputs));
        assertTrue(GradCheck.checkSecondOrder(conv, inputs));
    }

    @Test
    void unfoldAndFoldGradientsMatchFiniteDifferences() {
        Tensor.manualSeed(6);
        assertTrue(GradCheck.check(in -> F.unfold(in.get(0), new long[] {2, 3}, new long[] {1}, new long[] {1}, new long[] {2, 1}),
                List.of(random(2, 2, 4, 5))));
        assertTrue(GradCheck.checkSecondOrder(in -> F.fold(in.get(0).square(), new long[] {4, 5}, new long[] {2, 3}, new long[] {1},
                new long[] {1}, new long[] {2, 1}), List.of(random(2, 12, 15))));
    }

    // ---------------------------------------------------------------- behaviour

    @Test
    void convolutionWithoutGradTracksNothing() {
        Tensor y = F.conv2d(Tensor.randn(2, 1, 5, 5), Tensor.randn(3, 1, 3, 3));
        assertArrayEquals(new long[] {2, 3, 3, 3}, y.shape());
        assertEquals(null, y.gradFn());
    }

    @Test
    void convolutionRecordsOneBackwardNode() {
        Tensor w = Tensor.randn(3, 1, 3, 3).requiresGrad_(true);
        Tensor y = F.conv2d(Tensor.randn(2, 1, 5, 5), w, Tensor.zeros(3).requiresGrad_(true));
        assertEquals("ConvolutionBackward0", y.gradFn().name());
    }

    @Test
    void convolutionOfNonContiguousInputMatchesContiguous() {
        Tensor.manualSeed(7);
        Tensor x = Tensor.randn(2, 3, 6, 5).transpose(2, 3);
        Tensor w = Tensor.randn(4, 3, 3, 3);
        GoldenCases.assertClose(F.conv2d(x.contiguous(), w), F.conv2d(x, w), "transposed input");
    }

    @Test
    void sameConvolutionKeepsSpatialSize() {
        Tensor y = F.conv2d(Tensor.randn(1, 2, 7, 6), Tensor.randn(3, 2, 4, 3), null, new long[] {1}, "same", new long[] {2}, 1);
        assertArrayEquals(new long[] {1, 3, 7, 6}, y.shape());
    }

    @Test
    void float64ConvolutionStaysFloat64() {
        Tensor y = F.conv2d(Tensor.randn(DType.FLOAT64, 1, 1, 4, 4), Tensor.randn(DType.FLOAT64, 2, 1, 2, 2));
        assertEquals(DType.FLOAT64, y.dtype());
    }

    // ---------------------------------------------------------------- errors, in PyTorch's words

    @Test
    void rejectsTwoDimensionalInputToConv2d() {
        var e = assertThrows(IllegalArgumentException.class, () -> F.conv2d(Tensor.randn(28, 28), Tensor.randn(32, 1, 3, 3)));
        assertEquals("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [28, 28]", e.getMessage());
    }

    @Test
    void rejectsChannelMismatch() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> F.conv2d(Tensor.randn(64, 3, 28, 28), Tensor.randn(32, 1, 3, 3)));
        assertEquals("Given groups=1, weight of size [32, 1, 3, 3], expected input[64, 3, 28, 28] to have 1 channels, "
                + "but got 3 channels instead", e.getMessage());
    }

    @Test
    void rejectsKernelLargerThanPaddedInput() {
        var e = assertThrows(IllegalArgumentException.class, () -> F.conv2d(Tensor.randn(1, 1, 2, 2), Tensor.randn(6, 1, 3, 3)));
        assertEquals("Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater "
                + "than actual input size", e.getMessage());
    }

    @Test
    void rejectsStridedSamePaddingAndUnknownPaddingStrings() {
        Tensor x = Tensor.randn(1, 1, 5, 5);
        Tensor w = Tensor.randn(6, 1, 3, 3);
        assertEquals("padding='same' is not supported for strided convolutions", assertThrows(IllegalArgumentException.class,
                () -> F.conv2d(x, w, null, new long[] {2}, "same", new long[] {1}, 1)).getMessage());
        assertEquals("Invalid padding string: 'foo'", assertThrows(IllegalArgumentException.class,
                () -> F.conv2d(x, w, null, new long[] {1}, "foo", new long[] {1}, 1)).getMessage());
    }

    @Test
    void rejectsBadBiasGroupsAndStride() {
        Tensor x = Tensor.randn(1, 4, 5, 5);
        assertEquals("Given weight of size [6, 4, 3, 3], expected bias to be 1-dimensional with 6 elements, but got bias of "
                + "size [5] instead", assertThrows(IllegalArgumentException.class,
                () -> F.conv2d(x, Tensor.randn(6, 4, 3, 3), Tensor.randn(5))).getMessage());
        assertEquals("Given groups=2, weight of size [6, 4, 3, 3], expected input[1, 4, 5, 5] to have 8 channels, but got 4 "
                + "channels instead", assertThrows(IllegalArgumentException.class,
                () -> F.conv2d(x, Tensor.randn(6, 4, 3, 3), null, new long[] {1}, new long[] {0}, new long[] {1}, 2)).getMessage());
        assertEquals("non-positive stride is not supported", assertThrows(IllegalArgumentException.class,
                () -> F.conv2d(x, Tensor.randn(6, 4, 3, 3), null, new long[] {0}, new long[] {0}, new long[] {1}, 1)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> F.conv2d(x, Tensor.randn(6, 4, 3, 3), null, new long[] {1, 1, 1}, new long[] {0}, new long[] {1}, 1));
    }

    @Test
    void rejectsOutputPaddingNotSmallerThanStrideOrDilation() {
        assertThrows(IllegalArgumentException.class, () -> F.convTranspose2d(Tensor.randn(1, 4, 5, 5), Tensor.randn(4, 2, 3, 3),
                null, new long[] {2}, new long[] {0}, new long[] {2}, 1, new long[] {1}));
    }

    // ---------------------------------------------------------------- modules

    @Test
    void conv2dModuleHasPyTorchShapesInitAndRepr() {
        Tensor.manualSeed(8);
        Conv2d conv = new Conv2d(1, 32, 3);
        assertArrayEquals(new long[] {32, 1, 3, 3}, conv.weight.shape());
        assertArrayEquals(new long[] {32}, conv.bias.shape());
        double bound = 1 / Math.sqrt(9);
        for (double v : conv.weight.toDoubleArray()) assertTrue(Math.abs(v) <= bound);
        for (double v : conv.bias.toDoubleArray()) assertTrue(Math.abs(v) <= bound);
        assertEquals("Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))", conv.toString());
        assertArrayEquals(new long[] {64, 32, 26, 26}, conv.call(Tensor.randn(64, 1, 28, 28)).shape());
        assertEquals(2, conv.parameters().size());
    }

    @Test
    void convModuleReprsMatchPyTorch() {
        assertEquals("Conv2d(2, 4, kernel_size=(3, 5), stride=(2, 2), padding=(1, 1), dilation=(2, 2), groups=2, bias=False)",
                new Conv2d(2, 4, new long[] {3, 5}, new long[] {2}, new long[] {1}, new long[] {2}, 2, false).toString());
        assertEquals("Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1), padding=same)",
                new Conv2d(1, 2, new long[] {3}, new long[] {1}, "same", new long[] {1}, 1, true).toString());
        assertEquals("Conv1d(1, 2, kernel_size=(3,), stride=(1,))", new Conv1d(1, 2, 3).toString());
        assertEquals("Conv3d(1, 2, kernel_size=(3, 3, 3), stride=(1, 1, 1))", new Conv3d(1, 2, 3).toString());
        assertEquals("ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1))",
                new ConvTranspose2d(4, 2, new long[] {3}, new long[] {2}, new long[] {0}, new long[] {1}, 1, true, new long[] {1})
                        .toString());
    }

    @Test
    void convModulesRunForwardAndBackward() {
        Conv1d conv1 = new Conv1d(16, 33, 3, 2);
        assertArrayEquals(new long[] {20, 33, 24}, conv1.call(Tensor.randn(20, 16, 50)).shape());
        Conv3d conv3 = new Conv3d(1, 4, 3);
        assertArrayEquals(new long[] {2, 4, 6, 6, 6}, conv3.call(Tensor.randn(2, 1, 8, 8, 8)).shape());
        ConvTranspose2d up = new ConvTranspose2d(16, 8, 3, 2);
        assertArrayEquals(new long[] {1, 8, 25, 25}, up.call(Tensor.randn(1, 16, 12, 12)).shape());
        assertArrayEquals(new long[] {16, 8, 3, 3}, up.weight.shape());
        Conv2d same = new Conv2d(3, 5, new long[] {4}, new long[] {1}, "same", new long[] {1}, 1, true);
        Tensor y = same.call(Tensor.randn(2, 3, 7, 7));
        assertArrayEquals(new long[] {2, 5, 7, 7}, y.shape());
        y.sum().backward();
        assertArrayEquals(new long[] {5, 3, 4, 4}, same.weight.grad().shape());
        assertArrayEquals(new long[] {5}, same.bias.grad().shape());
        assertEquals(2 * 7 * 7, same.bias.grad().toDoubleArray()[0], 1e-4);
    }

    @Test
    void moduleRejectsChannelsNotDivisibleByGroups() {
        assertEquals("in_channels must be divisible by groups", assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(3, 4, new long[] {3}, new long[] {1}, new long[] {0}, new long[] {1}, 2, true)).getMessage());
    }
}
