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

class UpsampleTest {

    static List<String> fixtureCases() { return ConvPoolCases.names("interpolate"); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureCases")
    void matchesPyTorchForwardAndGradients(String name) { ConvPoolCases.check(name); }

    @Test
    void interpolationGradientsMatchFiniteDifferencesToSecondOrder() {
        Tensor.manualSeed(1);
        List<Tensor> inputs = List.of(Tensor.randn(DType.FLOAT64, 1, 2, 3, 4).requiresGrad_(true));
        java.util.function.Function<List<Tensor>, Tensor> bilinear = in -> F.interpolate(in.get(0).square(), new long[] {5, 7},
                null, "bilinear", true);
        assertTrue(GradCheck.check(bilinear, inputs));
        assertTrue(GradCheck.checkSecondOrder(bilinear, inputs));
        assertTrue(GradCheck.check(in -> F.interpolate(in.get(0), 1.5, "nearest"), inputs));
        assertTrue(GradCheck.check(in -> F.interpolate(in.get(0), null, new double[] {2}, "bilinear", false), inputs));
    }

    @Test
    void nearestDoublingRepeatsEachCell() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4},
                F.interpolate(x, 2.0, "nearest").toFloatArray());
    }

    @Test
    void rejectsWrongRanksAndOptions() {
        assertEquals("Got 3D input, but bilinear mode needs 4D input", assertThrows(IllegalArgumentException.class,
                () -> F.interpolate(Tensor.randn(1, 4, 4), 2.0, "bilinear")).getMessage());
        assertEquals("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear",
                assertThrows(IllegalArgumentException.class,
                        () -> F.interpolate(Tensor.randn(1, 1, 4, 4), null, new double[] {2}, "nearest", true)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> F.interpolate(Tensor.randn(1, 1, 4, 4), new long[] {2},
                new double[] {2}, "nearest", null));
    }

    @Test
    void upsampleModuleComputesInterpolateAndPrintsLikePyTorch() {
        Tensor x = Tensor.randn(1, 3, 4, 4);
        Upsample nearest = new Upsample(2.0);
        assertEquals("Upsample(scale_factor=2.0, mode=nearest)", nearest.toString());
        GoldenCases.assertClose(F.interpolate(x, 2.0, "nearest"), nearest.call(x), "Upsample nearest");
        Upsample bilinear = new Upsample(new long[] {4, 5}, null, "bilinear", true);
        assertEquals("Upsample(size=(4, 5), mode=bilinear)", bilinear.toString());
        assertArrayEquals(new long[] {1, 3, 4, 5}, bilinear.call(x).shape());
    }
}
