package dev.ember.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.Backend;
import dev.ember.devices.BackendRegistry;
import dev.ember.devices.DType;
import dev.ember.devices.Device;
import dev.ember.nn.Linear;
import dev.ember.nn.Module;
import dev.ember.tensor.MemoryScope;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Optimizer mechanics: grads, groups, state dicts, validation, fused kernels on large and odd layouts. */
class OptimizerBehaviourTest {

    private static Backend cpu() { return BackendRegistry.get(Device.CPU); }

    static Stream<Arguments> cases() {
        return Problem.list(Problem.FIXTURE.get("optimizers")).stream().map(Problem::map)
                .map(c -> Arguments.of(Problem.describe(c), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void stateDictRoundTripContinuesTheSameTrajectory(String name, Map<String, Object> optimizerCase) {
        DType dtype = Problem.dtype(optimizerCase);
        boolean maximize = Problem.maximize(optimizerCase);
        List<Tensor> params = Problem.parameters(dtype);
        Optimizer original = Problem.optimizer(optimizerCase, params, true);
        for (int step = 0; step < 6; step++) Problem.trainStep(original, params, dtype, maximize);
        Map<String, Object> saved = original.stateDict();

        List<Tensor> copies = new ArrayList<>();
        for (Tensor p : params) copies.add(p.detach().clone().requiresGrad_(true));
        Map<String, Object> other = new java.util.LinkedHashMap<>(Problem.map(optimizerCase));
        other.put("options", Map.of("lr", 0.5));
        other.remove("groups");
        if (optimizerCase.containsKey("groups")) other.put("groups", optimizerCase.get("groups"));
        Optimizer resumed = Problem.optimizer(other, copies, true);
        resumed.loadStateDict(saved);
        for (int step = 0; step < 6; step++) {
            Problem.trainStep(original, params, dtype, maximize);
            Problem.trainStep(resumed, copies, dtype, maximize);
            assertArrayEquals(Problem.flatten(params), Problem.flatten(copies), "step " + step);
        }
    }

    @Test
    void zeroGradFreesTheGradientsNoOneWasHandedAndTheNextStepsStayExact() {
        long size = 1L << 20;
        Tensor w = Tensor.zeros(size).requiresGrad_(true);
        Tensor x = Tensor.ones(size).mul(2);
        Optimizer sgd = new SGD(List.of(w), 0.5);
        for (int step = 1; step <= 3; step++) {
            w.mul(x).sum().backward();
            sgd.step();
            long before = cpu().liveBytes();
            sgd.zeroGrad();
            assertTrue(before - cpu().liveBytes() >= 4 * size, "step " + step + ": the 4 MB gradient is freed at once");
            assertArrayEquals(new float[] {-step, -step}, w.narrow(0, 0, 2).toFloatArray(), 0f);
        }
    }

    @Test
    void clippingAndSteppingDoNotPinTheGradientButReadingItDoes() {
        long size = 1L << 20;
        Tensor w = Tensor.zeros(size).requiresGrad_(true);
        Optimizer adam = new Adam(List.of(w), 0.1);
        w.sum().backward();
        ClipGrad.clipGradNorm(List.of(w), 1.0);
        adam.step();
        long before = cpu().liveBytes();
        adam.zeroGrad();
        assertTrue(before - cpu().liveBytes() >= 4 * size, "clipping and the step left the gradient unpinned");

        w.sum().backward();
        Tensor read = w.grad();
        adam.zeroGrad();
        assertFalse(read.isClosed());
        assertEquals(1f, read.narrow(0, 0, 1).item(), 0f);
    }

    @Test
    void stateDictIndexesParametersThroughTheGroups() {
        Tensor a = Tensor.ones(2).requiresGrad_(true);
        Tensor b = Tensor.ones(3).requiresGrad_(true);
        Tensor c = Tensor.ones(4).requiresGrad_(true);
        Optimizer opt = new Adam(List.of(new ParamGroup(List.of(a, b)), new ParamGroup(List.of(c)).setLr(0.1)));
        a.setGrad(Tensor.ones(2));
        c.setGrad(Tensor.ones(4));
        opt.step();
        Map<String, Object> dict = opt.stateDict();
        Map<Integer, Map<String, Object>> state = castState(dict.get("state"));
        assertEquals(List.of(0, 2), new ArrayList<>(state.keySet()));
        assertEquals(List.of("step", "expAvg", "expAvgSq"), new ArrayList<>(state.get(0).keySet()));
        assertEquals(1.0, ((Tensor) state.get(2).get("step")).item());
        List<Object> groups = Problem.list(dict.get("paramGroups"));
        assertEquals(List.of(0, 1), Problem.map(groups.get(0)).get("params"));
        assertEquals(List.of(2), Problem.map(groups.get(1)).get("params"));
        assertEquals(0.1, Problem.map(groups.get(1)).get("lr"));
        assertEquals(List.of(0.9, 0.999), Problem.map(groups.get(0)).get("betas"));
    }

    @SuppressWarnings("unchecked")
    private static Map<Integer, Map<String, Object>> castState(Object state) { return (Map<Integer, Map<String, Object>>) state; }

    @Test
    void loadStateDictCopiesStateAndChecksGroupSizes() {
        Tensor a = Tensor.ones(2).requiresGrad_(true);
        Optimizer opt = new SGD(List.of(a), SGD.options().lr(0.1).momentum(0.9));
        a.setGrad(Tensor.ones(2));
        opt.step();
        Map<String, Object> saved = opt.stateDict();
        Tensor b = Tensor.ones(2).requiresGrad_(true);
        Optimizer other = new SGD(List.of(b), 0.5);
        other.loadStateDict(saved);
        assertEquals(0.1, other.paramGroups().get(0).lr());
        assertEquals(0.9, other.paramGroups().get(0).getDouble("momentum"));
        assertNotSame(opt.state(a).get("momentumBuffer"), other.state(b).get("momentumBuffer"));

        Optimizer twoParams = new SGD(List.of(Tensor.ones(2).requiresGrad_(true), Tensor.ones(1).requiresGrad_(true)), 0.1);
        var error = assertThrows(IllegalArgumentException.class, () -> twoParams.loadStateDict(saved));
        assertEquals("loaded state dict contains a parameter group that doesn't match the size of optimizer's group", error.getMessage());
    }

    @Test
    void zeroGradSetsGradientsToNull() {
        Tensor a = Tensor.ones(2).requiresGrad_(true);
        Optimizer opt = new SGD(List.of(a), 0.1);
        a.mul(3.0).sum().backward();
        assertArrayEquals(new float[] {3, 3}, a.grad().toFloatArray());
        opt.zeroGrad();
        assertNull(a.grad());
    }

    @Test
    void zeroGradWithoutSetToNoneFillsZerosInPlace() {
        Tensor a = Tensor.ones(2).requiresGrad_(true);
        Optimizer opt = new SGD(List.of(a), 0.1);
        a.mul(3.0).sum().backward();
        Tensor grad = a.grad();
        opt.zeroGrad(false);
        assertTrue(grad == a.grad());
        assertArrayEquals(new float[] {0, 0}, a.grad().toFloatArray());
    }

    @Test
    void stepSkipsParametersWithoutGradient() {
        Tensor a = Tensor.ones(2).requiresGrad_(true);
        Tensor b = Tensor.ones(2).requiresGrad_(true);
        Optimizer opt = new Adam(List.of(a, b), 0.1);
        a.mul(2.0).sum().backward();
        opt.step();
        assertArrayEquals(new float[] {0.9f, 0.9f}, a.toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1, 1}, b.toFloatArray());
        assertTrue(opt.state(b).isEmpty());
        assertFalse(opt.state(a).isEmpty());
    }

    @Test
    void stepUpdatesInPlaceAndBumpsTheVersion() {
        Tensor a = Tensor.ones(2).requiresGrad_(true);
        Optimizer opt = new SGD(List.of(a), 0.5);
        a.setGrad(Tensor.of(new float[] {1, -2}, 2));
        int before = a.version();
        opt.step();
        assertTrue(a.version() > before);
        assertArrayEquals(new float[] {0.5f, 2f}, a.toFloatArray());
        assertTrue(a.requiresGrad() && a.isLeaf());
    }

    @Test
    void paramGroupsUseTheirOwnLearningRates() {
        Tensor a = Tensor.zeros(2).requiresGrad_(true);
        Tensor b = Tensor.zeros(2).requiresGrad_(true);
        Optimizer opt = new SGD(List.of(new ParamGroup(List.of(a)), new ParamGroup(List.of(b)).setLr(0.01)), 0.1);
        a.setGrad(Tensor.ones(2));
        b.setGrad(Tensor.ones(2));
        opt.step();
        assertArrayEquals(new float[] {-0.1f, -0.1f}, a.toFloatArray());
        assertArrayEquals(new float[] {-0.01f, -0.01f}, b.toFloatArray());
        opt.paramGroups().get(0).setLr(1.0);
        opt.step();
        assertArrayEquals(new float[] {-1.1f, -1.1f}, a.toFloatArray(), 1e-6f);
    }

    @Test
    void addParamGroupFillsDefaultsAndRejectsSharedParameters() {
        Tensor a = Tensor.zeros(2).requiresGrad_(true);
        Optimizer opt = new SGD(List.of(a), SGD.options().lr(0.1).momentum(0.9));
        Tensor b = Tensor.zeros(2).requiresGrad_(true);
        opt.addParamGroup(new ParamGroup(List.of(b)).setLr(0.3));
        assertEquals(0.3, opt.paramGroups().get(1).lr());
        assertEquals(0.9, opt.paramGroups().get(1).getDouble("momentum"));
        var error = assertThrows(IllegalArgumentException.class, () -> opt.addParamGroup(new ParamGroup(List.of(a))));
        assertEquals("some parameters appear in more than one parameter group", error.getMessage());
    }

    @Test
    void invalidOptionsAreRejectedWithPyTorchsMessages() {
        List<Tensor> params = List.of(Tensor.zeros(2).requiresGrad_(true));
        assertEquals("Invalid learning rate: -0.1",
                assertThrows(IllegalArgumentException.class, () -> new SGD(params, -0.1)).getMessage());
        assertEquals("Nesterov momentum requires a momentum and zero dampening", assertThrows(IllegalArgumentException.class,
                () -> new SGD(params, SGD.options().lr(0.1).nesterov(true))).getMessage());
        assertEquals("Invalid beta parameter at index 1: 1.0", assertThrows(IllegalArgumentException.class,
                () -> new Adam(params, Adam.options().betas(0.9, 1.0))).getMessage());
        assertEquals("SGD: the learning rate lr is required",
                assertThrows(IllegalArgumentException.class, () -> new SGD(params, SGD.options())).getMessage());
        assertEquals("optimizer got an empty parameter list",
                assertThrows(IllegalArgumentException.class, () -> new Adam(List.of())).getMessage());
        Tensor nonLeaf = Tensor.zeros(2).requiresGrad_(true).mul(2.0);
        assertEquals("can't optimize a non-leaf Tensor",
                assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(nonLeaf))).getMessage());
    }

    @Test
    void closureStepReturnsTheLoss() {
        Tensor a = Tensor.of(new float[] {3}, 1).requiresGrad_(true);
        Optimizer opt = new SGD(List.of(a), 0.25);
        Tensor loss = opt.step(() -> {
            opt.zeroGrad();
            Tensor l = a.pow(2).sum();
            l.backward();
            return l;
        });
        assertEquals(9.0, loss.item());
        assertArrayEquals(new float[] {1.5f}, a.toFloatArray());
    }

    @Test
    void stateCreatedInsideAMemoryScopeSurvivesIt() {
        Tensor a = Tensor.ones(3).requiresGrad_(true);
        Optimizer opt = new Adam(List.of(a), 0.1);
        for (int step = 0; step < 3; step++) {
            try (var scope = MemoryScope.open()) {
                opt.zeroGrad();
                a.pow(2).sum().backward();
                opt.step();
            }
        }
        assertEquals(3.0, ((Tensor) opt.state(a).get("step")).item());
        assertFalse(((Tensor) opt.state(a).get("expAvg")).isClosed());
    }

    @Test
    void optimizesModuleParameters() {
        Tensor.manualSeed(3);
        Module model = new Linear(4, 1);
        Optimizer opt = new Adam(model.parameters(), 0.05);
        Tensor x = Tensor.randn(16, 4);
        Tensor y = x.sum(1, true);
        double first = 0;
        double last = 0;
        for (int step = 0; step < 100; step++) {
            opt.zeroGrad();
            Tensor loss = model.forward(x).sub(y).pow(2).mean();
            loss.backward();
            opt.step();
            if (step == 0) first = loss.item();
            last = loss.item();
        }
        assertTrue(last < first * 0.01, "loss went from " + first + " to " + last);
    }

    // ---------------------------------------------------------------- fused kernels on large and odd layouts

    /** Builds an optimizer over the params, fused or composite. */
    interface Factory {
        Optimizer build(List<Tensor> params, boolean fused);
    }

    static Stream<Arguments> richOptimizers() {
        return Stream.of(
                Arguments.of("SGD nesterov", (Factory) (p, f) -> new SGD(p, SGD.options().lr(0.1).momentum(0.9).nesterov(true).weightDecay(0.01).fused(f))),
                Arguments.of("SGD dampening maximize", (Factory) (p, f) -> new SGD(p, SGD.options().lr(0.1).momentum(0.5).dampening(0.2).maximize(true).fused(f))),
                Arguments.of("Adam amsgrad", (Factory) (p, f) -> new Adam(p, Adam.options().lr(0.01).amsgrad(true).weightDecay(0.1).fused(f))),
                Arguments.of("AdamW maximize", (Factory) (p, f) -> new AdamW(p, AdamW.options().lr(0.01).maximize(true).fused(f))),
                Arguments.of("RMSprop centered momentum", (Factory) (p, f) -> new RMSprop(p, RMSprop.options().momentum(0.9).centered(true).weightDecay(0.1).fused(f))),
                Arguments.of("Adagrad", (Factory) (p, f) -> new Adagrad(p, Adagrad.options().lrDecay(0.1).initialAccumulatorValue(0.2).fused(f))),
                Arguments.of("Adadelta", (Factory) (p, f) -> new Adadelta(p, Adadelta.options().weightDecay(0.1).maximize(true).fused(f))));
    }

    /** Above the kernels' parallel grain (on machines with several cores), with a length that leaves a vector tail; float32 and float64. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("richOptimizers")
    void fusedKernelEqualsCompositeOnLargeParametersInParallel(String name, Factory factory) {
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Tensor.manualSeed(11);
            Tensor start = Tensor.randn(dtype, 67, 71);
            Tensor fusedParam = start.clone().requiresGrad_(true);
            Tensor compositeParam = start.clone().requiresGrad_(true);
            Optimizer fused = factory.build(List.of(fusedParam), true);
            Optimizer composite = factory.build(List.of(compositeParam), false);
            for (int step = 0; step < 3; step++) {
                // a transposed (non-contiguous) gradient, as matmul backward can produce
                Tensor grad = Tensor.randn(dtype, 71, 67).t();
                fusedParam.setGrad(grad);
                compositeParam.setGrad(grad);
                fused.step();
                composite.step();
                assertArrayEquals(compositeParam.toDoubleArray(), fusedParam.toDoubleArray(), name + " " + dtype + " step " + step);
            }
        }
    }

    @Test
    void nonContiguousParameterFallsBackToTheCompositeUpdate() {
        Tensor base = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor view = base.t().requiresGrad_(true);
        Tensor plain = base.t().contiguous().requiresGrad_(true);
        Optimizer onView = new Adam(List.of(view), 0.1);
        Optimizer onPlain = new Adam(List.of(plain), 0.1);
        Tensor grad = Tensor.of(new float[] {1, -1, 2, -2, 3, -3}, 3, 2);
        for (int step = 0; step < 3; step++) {
            view.setGrad(grad);
            plain.setGrad(grad);
            onView.step();
            onPlain.step();
        }
        assertArrayEquals(plain.toFloatArray(), view.toFloatArray());
        assertArrayEquals(plain.toFloatArray(), base.t().toFloatArray());
    }
}
