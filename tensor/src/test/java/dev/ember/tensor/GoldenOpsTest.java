package dev.ember.tensor;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Forward results of every op against PyTorch's, read from the committed fixtures (see tools/fixtures). */
class GoldenOpsTest {

    private static Stream<DynamicTest> cases(String family) {
        return Fixture.load(family).stream().map(c -> dynamicTest(c.name(), () -> GoldenCheck.forward(c)));
    }

    @TestFactory Stream<DynamicTest> unaryOpsMatchPyTorch() { return cases("unary"); }

    @TestFactory Stream<DynamicTest> activationsMatchPyTorch() { return cases("activations"); }

    @TestFactory Stream<DynamicTest> binaryOpsMatchPyTorch() { return cases("binary"); }

    @TestFactory Stream<DynamicTest> comparisonsMatchPyTorch() { return cases("comparison"); }

    @TestFactory Stream<DynamicTest> typePromotionMatchesPyTorch() { return cases("promotion"); }

    @TestFactory Stream<DynamicTest> reductionsMatchPyTorch() { return cases("reductions"); }

    @TestFactory Stream<DynamicTest> linearAlgebraMatchesPyTorch() { return cases("linalg"); }

    @TestFactory Stream<DynamicTest> shapeOpsMatchPyTorch() { return cases("shape"); }

    @TestFactory Stream<DynamicTest> indexingMatchesPyTorch() { return cases("indexing"); }

    @TestFactory Stream<DynamicTest> specialValuesMatchPyTorch() { return cases("edge"); }
}
