package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import dev.ember.nn.functional.F;
import dev.ember.tensor.GradCheck;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinearTest {

    private static final Map<String, Object> DOCUMENT = JsonFixtures.load("nn_basic.json");

    static Map<String, Object> fixtureCase(String name) { return JsonFixtures.caseNamed(DOCUMENT, name); }

    /** Loads the case's parameters into {@code module}, runs it on the case's inputs and checks output and gradients. */
    static void checkAgainstFixture(Module module, String name) {
        Map<String, Object> c = fixtureCase(name);
        Map<String, Object> params = JsonFixtures.object(c, "params");
        Map<String, Tensor> state = new java.util.LinkedHashMap<>();
        params.forEach((key, spec) -> state.put(key, JsonFixtures.tensor(spec)));
        module.loadStateDict(state);
        List<Object> inputSpecs = JsonFixtures.list(c, "inputs");
        Tensor[] inputs = new Tensor[inputSpecs.size()];
        for (int i = 0; i < inputs.length; i++) {
            Tensor x = JsonFixtures.tensor(inputSpecs.get(i));
            inputs[i] = x.isFloatingPoint() ? x.requiresGrad_(true) : x;
        }
        Tensor output = module.call(inputs);
        assertClose(JsonFixtures.tensor(c.get("output")), output, name + " output");
        output.mul(JsonFixtures.tensor(c.get("grad_output"))).sum().backward();
        List<Object> inputGrads = JsonFixtures.list(c, "input_grads");
        for (int i = 0; i < inputs.length; i++) {
            if (inputGrads.get(i) == null) assertNull(inputs[i].grad());
            else assertClose(JsonFixtures.tensor(inputGrads.get(i)), inputs[i].grad(), name + " grad of input " + i);
        }
        Map<String, Parameter> named = module.namedParameters();
        JsonFixtures.object(c, "param_grads").forEach((key, spec) ->
                assertClose(JsonFixtures.tensor(spec), named.get(key).grad(), name + " grad of " + key));
    }

    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-5 + 1e-5 * Math.abs(e[i]), what + " at " + i);
        }
    }

    @Test
    void linearMatchesPyTorchOn2DInput() { checkAgainstFixture(new Linear(5, 4), "linear 2-D"); }

    @Test
    void linearMatchesPyTorchOnBatchedInput() { checkAgainstFixture(new Linear(5, 4), "linear 3-D"); }

    @Test
    void linearWithoutBiasMatchesPyTorchOnAVector() { checkAgainstFixture(new Linear(5, 4, false), "linear 1-D no bias"); }

    @Test
    void bilinearMatchesPyTorch() { checkAgainstFixture(new Bilinear(3, 2, 4), "bilinear"); }

    @Test
    void linearGradcheckInFloat64() {
        Tensor x = Tensor.randn(DType.FLOAT64, 3, 4).requiresGrad_(true);
        Tensor w = Tensor.randn(DType.FLOAT64, 2, 4).requiresGrad_(true);
        Tensor b = Tensor.randn(DType.FLOAT64, 2).requiresGrad_(true);
        assertTrue(GradCheck.check(in -> F.linear(in.get(0), in.get(1), in.get(2)), List.of(x, w, b)));
        Tensor batched = Tensor.randn(DType.FLOAT64, 2, 3, 4).transpose(0, 1).requiresGrad_(true);
        assertTrue(GradCheck.check(in -> F.linear(in.get(0), in.get(1), in.get(2)), List.of(batched, w, b)));
        assertTrue(GradCheck.check(in -> F.linear(in.get(0), in.get(1)), List.of(x, w)));
    }

    @Test
    void bilinearGradcheckInFloat64() {
        Tensor x1 = Tensor.randn(DType.FLOAT64, 2, 3, 4).requiresGrad_(true);
        Tensor x2 = Tensor.randn(DType.FLOAT64, 2, 3, 2).requiresGrad_(true);
        Tensor w = Tensor.randn(DType.FLOAT64, 5, 4, 2).requiresGrad_(true);
        Tensor b = Tensor.randn(DType.FLOAT64, 5).requiresGrad_(true);
        assertTrue(GradCheck.check(in -> F.bilinear(in.get(0), in.get(1), in.get(2), in.get(3)), List.of(x1, x2, w, b)));
    }

    @Test
    void linearOutputShapeFollowsLeadingDims() {
        Linear linear = new Linear(4, 6);
        assertArrayEquals(new long[] {2, 3, 5, 6}, linear.call(Tensor.randn(2, 3, 5, 4)).shape());
        assertArrayEquals(new long[] {6}, linear.call(Tensor.randn(4)).shape());
    }

    @Test
    void linearRejectsMismatchedShapes() {
        Linear linear = new Linear(5, 3);
        var error = assertThrows(IllegalArgumentException.class, () -> linear.call(Tensor.randn(2, 4)));
        assertEquals("mat1 and mat2 shapes cannot be multiplied (2x4 and 5x3)", error.getMessage());
        var weight = assertThrows(IllegalArgumentException.class, () -> F.linear(Tensor.randn(2, 4), Tensor.randn(4)));
        assertEquals("linear: expected a 2-D weight [out_features, in_features], but got weight of size [4]", weight.getMessage());
    }

    @Test
    void bilinearRejectsMismatchedInputs() {
        Bilinear bilinear = new Bilinear(3, 2, 4);
        var batch = assertThrows(IllegalArgumentException.class, () -> bilinear.call(Tensor.randn(5, 3), Tensor.randn(4, 2)));
        assertEquals("bilinear(): input batch dimensions do not match: got [5, 3] and [4, 2]", batch.getMessage());
        var size = assertThrows(IllegalArgumentException.class, () -> bilinear.call(Tensor.randn(5, 2), Tensor.randn(5, 2)));
        assertEquals("bilinear(): input1 size does not match weight size: got 2 but expected 3", size.getMessage());
        var count = assertThrows(IllegalArgumentException.class, () -> bilinear.call(Tensor.randn(5, 3)));
        assertEquals("Bilinear.forward() takes 2 inputs but 1 were given", count.getMessage());
    }

    @Test
    void linearDefaultInitIsUniformWithinOneOverSqrtFanIn() {
        Tensor.manualSeed(7);
        Linear linear = new Linear(400, 300);
        double bound = 1 / Math.sqrt(400);
        checkUniform(linear.weight, bound);
        checkUniform(linear.bias, bound);
    }

    @Test
    void bilinearDefaultInitIsUniformWithinOneOverSqrtIn1() {
        Tensor.manualSeed(8);
        Bilinear bilinear = new Bilinear(64, 30, 50);
        checkUniform(bilinear.weight, 1 / Math.sqrt(64));
    }

    /** All values inside [-bound, bound], and max, mean and std as a uniform sample of that size would give. */
    private static void checkUniform(Tensor t, double bound) {
        try (var mode = GradMode.noGrad()) {
            double max = t.abs().max().item();
            long n = t.numel();
            assertTrue(max <= bound, "max " + max + " above bound " + bound);
            assertTrue(max > bound * (1 - 20.0 / n), "max " + max + " too far below bound " + bound);
            double std = bound / Math.sqrt(3);
            assertEquals(0, t.mean().item(), 5 * std / Math.sqrt(n));
            assertEquals(std, t.std().item(), 5 * std / Math.sqrt(n));
        }
    }

    @Test
    void extraReprNamesFeatures() {
        assertEquals("Linear(in_features=3, out_features=2, bias=False)", new Linear(3, 2, false).toString());
        assertEquals("Bilinear(in1_features=1, in2_features=2, out_features=3, bias=True)", new Bilinear(1, 2, 3).toString());
    }
}
