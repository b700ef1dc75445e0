package dev.ember.tensor;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Gradients of sum(result * weights) for every differentiable op against PyTorch autograd, read from the committed fixtures (see tools/fixtures). */
class GoldenGradientTest {

    private static Stream<DynamicTest> cases(String family) {
        return Fixture.load(family).stream().filter(c -> c.grads() != null).map(c -> dynamicTest(c.name(), () -> GoldenCheck.backward(c)));
    }

    @TestFactory Stream<DynamicTest> unaryOpsGradientsMatchPyTorch() { return cases("unary"); }

    @TestFactory Stream<DynamicTest> activationsGradientsMatchPyTorch() { return cases("activations"); }

    @TestFactory Stream<DynamicTest> binaryOpsGradientsMatchPyTorch() { return cases("binary"); }

    @TestFactory Stream<DynamicTest> typePromotionGradientsMatchPyTorch() { return cases("promotion"); }

    @TestFactory Stream<DynamicTest> reductionsGradientsMatchPyTorch() { return cases("reductions"); }

    @TestFactory Stream<DynamicTest> linearAlgebraGradientsMatchPyTorch() { return cases("linalg"); }

    @TestFactory Stream<DynamicTest> shapeOpsGradientsMatchPyTorch() { return cases("shape"); }

    @TestFactory Stream<DynamicTest> indexingGradientsMatchPyTorch() { return cases("indexing"); }

    @TestFactory Stream<DynamicTest> subgradientConventionsMatchPyTorch() { return cases("edge"); }
}
