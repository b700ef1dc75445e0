package dev.ember.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every optimizer case of the fixture: 20 steps on the fixed objective, fused and composite, against PyTorch 1.13. */
class OptimizerTrajectoryTest {

    static Stream<Arguments> cases() {
        return Problem.list(Problem.FIXTURE.get("optimizers")).stream()
                .map(Problem::map)
                .map(c -> Arguments.of(Problem.describe(c), c));
    }

    /**
     * Runs the fused and the composite update side by side: the fused trajectory must match
     * PyTorch's to 1e-5 (float32) or 1e-10 (float64), and the composite one must equal it bit for bit.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void trajectoryMatchesPyTorchAndFusedEqualsComposite(String name, Map<String, Object> optimizerCase) {
        DType dtype = Problem.dtype(optimizerCase);
        boolean maximize = Problem.maximize(optimizerCase);
        double tolerance = dtype == DType.FLOAT64 ? 1e-10 : 1e-5;
        List<Tensor> fusedParams = Problem.parameters(dtype);
        List<Tensor> compositeParams = Problem.parameters(dtype);
        Optimizer fused = Problem.optimizer(optimizerCase, fusedParams, true);
        Optimizer composite = Problem.optimizer(optimizerCase, compositeParams, false);
        List<Object> trajectory = Problem.list(optimizerCase.get("trajectory"));
        assertEquals(20, trajectory.size());
        for (int step = 0; step < trajectory.size(); step++) {
            Problem.trainStep(fused, fusedParams, dtype, maximize);
            Problem.trainStep(composite, compositeParams, dtype, maximize);
            double[] expected = Problem.doubles(trajectory.get(step));
            double[] actual = Problem.flatten(fusedParams);
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                if (Math.abs(expected[i] - actual[i]) > tolerance * (1 + Math.abs(expected[i]))) {
                    fail("step " + (step + 1) + ", element " + i + ": expected " + expected[i] + " but got " + actual[i]);
                }
            }
            assertArrayEquals(actual, Problem.flatten(compositeParams), "fused and composite differ at step " + (step + 1));
        }
    }
}
