package dev.ember.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** clipGradNorm / clipGradValue against torch.nn.utils.clip_grad_norm_ / clip_grad_value_. */
class ClipGradTest {

    static Stream<Arguments> cases() {
        return Problem.list(Problem.FIXTURE.get("clip")).stream().map(Problem::map)
                .map(c -> Arguments.of(c.get("kind") + " " + c.getOrDefault("normType", "") + " " + c.getOrDefault("maxNorm", ""), c));
    }

    private static List<Tensor> parametersWithGrads(Map<String, Object> clipCase) {
        List<Tensor> params = new ArrayList<>();
        for (Object spec : Problem.list(clipCase.get("grads"))) {
            Tensor grad = Problem.tensor(Problem.map(spec), DType.FLOAT32);
            Tensor param = Tensor.zeros(grad.shape()).requiresGrad_(true);
            param.setGrad(grad);
            params.add(param);
        }
        return params;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void clippedGradientsAndTotalNormMatchPyTorch(String name, Map<String, Object> clipCase) {
        List<Tensor> params = parametersWithGrads(clipCase);
        if (clipCase.get("kind").equals("norm")) {
            Object type = clipCase.get("normType");
            double normType = type.equals("inf") ? Double.POSITIVE_INFINITY : ((Number) type).doubleValue();
            Tensor total = ClipGrad.clipGradNorm(params, ((Number) clipCase.get("maxNorm")).doubleValue(), normType);
            double expected = ((Number) clipCase.get("total")).doubleValue();
            assertEquals(expected, total.item(), 1e-5 * expected);
            assertEquals(0, total.dim());
        } else {
            ClipGrad.clipGradValue(params, ((Number) clipCase.get("clipValue")).doubleValue());
        }
        List<Object> clipped = Problem.list(clipCase.get("clipped"));
        for (int i = 0; i < params.size(); i++) {
            double[] expected = Problem.doubles(Problem.map(clipped.get(i)).get("data"));
            double[] actual = params.get(i).grad().toDoubleArray();
            for (int j = 0; j < expected.length; j++) {
                assertEquals(expected[j], actual[j], 1e-6 + 1e-5 * Math.abs(expected[j]), "grad " + i + " element " + j);
            }
        }
    }

    @Test
    void parametersWithoutGradientsAreSkipped() {
        Tensor withGrad = Tensor.zeros(2).requiresGrad_(true);
        withGrad.setGrad(Tensor.of(new float[] {3, 4}, 2));
        Tensor without = Tensor.zeros(3).requiresGrad_(true);
        Tensor total = ClipGrad.clipGradNorm(List.of(withGrad, without), 1.0);
        assertEquals(5.0, total.item(), 1e-6);
        assertArrayEquals(new float[] {0.6f, 0.8f}, withGrad.grad().toFloatArray(), 1e-6f);
        assertNull(without.grad());
    }

    @Test
    void noGradientsGiveAZeroNorm() {
        assertEquals(0.0, ClipGrad.clipGradNorm(List.of(Tensor.zeros(2).requiresGrad_(true)), 1.0).item());
    }

    @Test
    void nonFiniteNormThrowsOnlyWhenAsked() {
        Tensor p = Tensor.zeros(2).requiresGrad_(true);
        p.setGrad(Tensor.of(new float[] {Float.NaN, 1}, 2));
        var error = assertThrows(IllegalStateException.class, () -> ClipGrad.clipGradNorm(List.of(p), 1.0, 2.0, true));
        assertTrue(error.getMessage().startsWith("The total norm of order 2.0 for gradients from `parameters` is non-finite"));
        assertTrue(Double.isNaN(ClipGrad.clipGradNorm(List.of(p), 1.0).item()));
    }

    @Test
    void clippingBumpsTheGradientVersion() {
        Tensor p = Tensor.zeros(2).requiresGrad_(true);
        p.setGrad(Tensor.of(new float[] {3, 4}, 2));
        int before = p.grad().version();
        ClipGrad.clipGradValue(List.of(p), 1.0);
        assertTrue(p.grad().version() > before);
        assertArrayEquals(new float[] {1, 1}, p.grad().toFloatArray());
    }
}
