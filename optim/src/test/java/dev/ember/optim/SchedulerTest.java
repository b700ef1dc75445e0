package dev.ember.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each scheduler's lr sequence over 30 steps (and OneCycleLR's momentum) against PyTorch 1.13. */
class SchedulerTest {

    /** The fixture's scheduler cases, by name, built the Ember way. */
    static final Map<String, Function<Optimizer, LRScheduler>> SCHEDULERS = Map.ofEntries(
            Map.entry("StepLR(7, 0.5)", o -> new StepLR(o, 7, 0.5)),
            Map.entry("MultiStepLR([5, 12, 12, 20], 0.5)", o -> new MultiStepLR(o, new int[] {5, 12, 12, 20}, 0.5)),
            Map.entry("ExponentialLR(0.9)", o -> new ExponentialLR(o, 0.9)),
            Map.entry("CosineAnnealingLR(10, 0.001)", o -> new CosineAnnealingLR(o, 10, 0.001)),
            Map.entry("CosineAnnealingLR(7)", o -> new CosineAnnealingLR(o, 7)),
            Map.entry("LinearLR(0.25, 1.0, 8)", o -> new LinearLR(o, 0.25, 1.0, 8)),
            Map.entry("LinearLR()", LinearLR::new),
            Map.entry("LinearLR(1.0, 0.1, 12)", o -> new LinearLR(o, 1.0, 0.1, 12)),
            Map.entry("OneCycleLR([0.5, 0.1], 30)", o -> new OneCycleLR(o, OneCycleLR.options(0.5, 30).maxLr(0.5, 0.1))),
            Map.entry("OneCycleLR(0.3, 30, linear, threePhase)",
                    o -> new OneCycleLR(o, OneCycleLR.options(0.3, 30).annealStrategy("linear").threePhase(true))),
            Map.entry("OneCycleLR(0.01, 3x10, pctStart 0.25) Adam",
                    o -> new OneCycleLR(o, OneCycleLR.options(new double[] {0.01}, 3, 10).pctStart(0.25)
                            .baseMomentum(0.8).maxMomentum(0.9))),
            Map.entry("SequentialLR(LinearLR(0.1, 1.0, 5), CosineAnnealingLR(20), [5])",
                    o -> new SequentialLR(o, List.of(new LinearLR(o, 0.1, 1.0, 5), new CosineAnnealingLR(o, 20)), new int[] {5})),
            Map.entry("SequentialLR(ExponentialLR(0.9), StepLR(3, 0.5), MultiStepLR([4], 0.1), [4, 15])",
                    o -> new SequentialLR(o, List.of(new ExponentialLR(o, 0.9), new StepLR(o, 3, 0.5),
                            new MultiStepLR(o, new int[] {4}, 0.1)), new int[] {4, 15})));

    static Stream<Arguments> cases() {
        return Problem.list(Problem.FIXTURE.get("schedulers")).stream().map(Problem::map)
                .map(c -> Arguments.of(c.get("name"), c));
    }

    /** SGD (momentum 0.9) or Adam with two groups, like the fixture. */
    static Optimizer optimizer(String kind, double[] lrs) {
        List<ParamGroup> groups = List.of(
                new ParamGroup(List.of(Tensor.zeros(2).requiresGrad_(true))).setLr(lrs[0]),
                new ParamGroup(List.of(Tensor.zeros(3).requiresGrad_(true))).setLr(lrs[1]));
        return kind.equals("SGD") ? new SGD(groups, SGD.options().lr(lrs[0]).momentum(0.9)) : new Adam(groups, lrs[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lrSequenceMatchesPyTorch(String name, Map<String, Object> schedulerCase) {
        Optimizer opt = optimizer((String) schedulerCase.get("optimizer"), Problem.doubles(schedulerCase.get("lrs")));
        LRScheduler scheduler = SCHEDULERS.get(name).apply(opt);
        List<Object> expectedLrs = Problem.list(schedulerCase.get("lr"));
        List<Object> expectedMomentum = schedulerCase.containsKey("momentum") ? Problem.list(schedulerCase.get("momentum")) : null;
        for (int step = 0; step < expectedLrs.size(); step++) {
            if (step > 0) {
                opt.step();
                scheduler.step();
            }
            assertClose(Problem.doubles(expectedLrs.get(step)), scheduler.getLastLr(), "lr after step " + step);
            assertClose(Problem.doubles(expectedLrs.get(step)), List.of(opt.paramGroups().get(0).lr(), opt.paramGroups().get(1).lr()),
                    "group lr after step " + step);
            if (expectedMomentum != null) {
                assertClose(Problem.doubles(expectedMomentum.get(step)), List.of(momentum(opt, 0), momentum(opt, 1)),
                        "momentum after step " + step);
            }
        }
    }

    private static double momentum(Optimizer opt, int group) {
        ParamGroup g = opt.paramGroups().get(group);
        return g.has("betas") ? g.getPair("betas")[0] : g.getDouble("momentum");
    }

    static void assertClose(double[] expected, List<Double> actual, String message) {
        assertEquals(expected.length, actual.size(), message);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual.get(i), 1e-12 * Math.max(1, Math.abs(expected[i])), message + ", group " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void stateDictRoundTripContinuesTheSameSchedule(String name, Map<String, Object> schedulerCase) {
        double[] lrs = Problem.doubles(schedulerCase.get("lrs"));
        String kind = (String) schedulerCase.get("optimizer");
        Optimizer first = optimizer(kind, lrs);
        LRScheduler original = SCHEDULERS.get(name).apply(first);
        for (int step = 0; step < 9; step++) original.step();
        Map<String, Object> optimizerState = first.stateDict();
        Map<String, Object> schedulerState = original.stateDict();

        Optimizer second = optimizer(kind, lrs);
        LRScheduler resumed = SCHEDULERS.get(name).apply(second);
        second.loadStateDict(optimizerState);
        resumed.loadStateDict(schedulerState);
        for (int step = 0; step < 15; step++) {
            original.step();
            resumed.step();
            assertEquals(original.getLastLr(), resumed.getLastLr(), "step " + step);
        }
    }

    @Test
    void schedulerRecordsInitialLrOnEveryGroup() {
        Optimizer opt = optimizer("SGD", new double[] {0.1, 0.02});
        new StepLR(opt, 3);
        assertEquals(0.1, opt.paramGroups().get(0).getDouble("initialLr"));
        assertEquals(0.02, opt.paramGroups().get(1).getDouble("initialLr"));
    }

    @Test
    void resumingWithoutInitialLrIsRejected() {
        Optimizer opt = optimizer("SGD", new double[] {0.1, 0.02});
        var error = assertThrows(IllegalArgumentException.class, () -> new StepLR(opt, 3, 0.1, 4));
        assertTrue(error.getMessage().contains("initialLr"), error.getMessage());
    }

    @Test
    void oneCycleRefusesToStepPastTotalSteps() {
        Optimizer opt = optimizer("SGD", new double[] {0.1, 0.02});
        OneCycleLR scheduler = new OneCycleLR(opt, 0.5, 4);
        for (int i = 0; i < 4; i++) scheduler.step();
        var error = assertThrows(IllegalStateException.class, scheduler::step);
        assertEquals("Tried to step 6 times. The specified number of total steps is 4", error.getMessage());
    }

    @Test
    void oneCycleStateDictRestoresTotalStepsAndPhases() {
        Optimizer first = optimizer("SGD", new double[] {0.1, 0.02});
        OneCycleLR original = new OneCycleLR(first, OneCycleLR.options(0.3, 30).annealStrategy("linear").threePhase(true));
        for (int step = 0; step < 7; step++) original.step();

        // Built with other settings: loading must bring back the saved schedule, not keep these.
        Optimizer second = optimizer("SGD", new double[] {0.1, 0.02});
        OneCycleLR resumed = new OneCycleLR(second, OneCycleLR.options(0.3, 100));
        second.loadStateDict(first.stateDict());
        resumed.loadStateDict(original.stateDict());
        for (int step = 7; step < 30; step++) {
            original.step();
            resumed.step();
            assertEquals(original.getLastLr(), resumed.getLastLr(), "step " + step);
            assertEquals(first.paramGroups().get(0).getDouble("momentum"), second.paramGroups().get(0).getDouble("momentum"));
        }
        var error = assertThrows(IllegalStateException.class, resumed::step);
        assertEquals("Tried to step 32 times. The specified number of total steps is 30", error.getMessage());
    }

    @Test
    void oneCycleNeedsAnOptimizerWithMomentum() {
        Optimizer opt = new Adagrad(List.of(Tensor.zeros(2).requiresGrad_(true)));
        var error = assertThrows(IllegalArgumentException.class, () -> new OneCycleLR(opt, 0.5, 10));
        assertEquals("optimizer must support momentum with `cycle_momentum` option enabled", error.getMessage());
    }

    @Test
    void sequentialLrChecksMilestoneCount() {
        Optimizer opt = optimizer("SGD", new double[] {0.1, 0.02});
        var error = assertThrows(IllegalArgumentException.class,
                () -> new SequentialLR(opt, List.of(new ExponentialLR(opt, 0.9), new StepLR(opt, 2)), new int[] {2, 4}));
        assertTrue(error.getMessage().contains("number of milestones to be equal to 2"), error.getMessage());
    }
}
