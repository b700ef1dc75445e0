package dev.ember.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ReduceLROnPlateau on scripted metric sequences, against PyTorch 1.13. */
class ReduceLROnPlateauTest {

    static Stream<Arguments> cases() {
        return Problem.list(Problem.FIXTURE.get("plateau")).stream().map(Problem::map)
                .map(c -> Arguments.of(c.get("name"), c));
    }

    static Optimizer optimizer() {
        return new SGD(List.of(new ParamGroup(List.of(Tensor.zeros(2).requiresGrad_(true))).setLr(0.1),
                new ParamGroup(List.of(Tensor.zeros(3).requiresGrad_(true))).setLr(0.05)), 0.1);
    }

    static ReduceLROnPlateau.Options options(Map<String, Object> settings) {
        ReduceLROnPlateau.Options options = ReduceLROnPlateau.options();
        settings.forEach((key, value) -> {
            switch (key) {
                case "mode" -> options.mode((String) value);
                case "factor" -> options.factor(((Number) value).doubleValue());
                case "patience" -> options.patience(((Number) value).intValue());
                case "threshold" -> options.threshold(((Number) value).doubleValue());
                case "thresholdMode" -> options.thresholdMode((String) value);
                case "cooldown" -> options.cooldown(((Number) value).intValue());
                case "minLr" -> options.minLr(Problem.doubles(value));
                default -> throw new IllegalArgumentException("unknown option " + key);
            }
        });
        return options;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lrFollowsPyTorchOnScriptedMetrics(String name, Map<String, Object> plateauCase) {
        Optimizer opt = optimizer();
        ReduceLROnPlateau scheduler = new ReduceLROnPlateau(opt, options(Problem.map(plateauCase.get("options"))));
        double[] metrics = Problem.doubles(plateauCase.get("metrics"));
        List<Object> expected = Problem.list(plateauCase.get("lr"));
        for (int epoch = 0; epoch < metrics.length; epoch++) {
            scheduler.step(metrics[epoch]);
            SchedulerTest.assertClose(Problem.doubles(expected.get(epoch)), scheduler.getLastLr(), "epoch " + epoch);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void stateDictRoundTripContinuesIdentically(String name, Map<String, Object> plateauCase) {
        Map<String, Object> settings = Problem.map(plateauCase.get("options"));
        double[] metrics = Problem.doubles(plateauCase.get("metrics"));
        Optimizer first = optimizer();
        ReduceLROnPlateau original = new ReduceLROnPlateau(first, options(settings));
        for (int epoch = 0; epoch < 12; epoch++) original.step(metrics[epoch]);
        Optimizer second = optimizer();
        ReduceLROnPlateau resumed = new ReduceLROnPlateau(second, ReduceLROnPlateau.options());
        second.loadStateDict(first.stateDict());
        resumed.loadStateDict(original.stateDict());
        for (int epoch = 12; epoch < metrics.length; epoch++) {
            original.step(metrics[epoch]);
            resumed.step(metrics[epoch]);
            assertEquals(original.getLastLr(), resumed.getLastLr(), "epoch " + epoch);
        }
    }

    @Test
    void stepWithoutMetricIsAClearError() {
        ReduceLROnPlateau scheduler = new ReduceLROnPlateau(optimizer());
        var error = assertThrows(IllegalStateException.class, scheduler::step);
        assertEquals("ReduceLROnPlateau.step() needs the metric to watch: call step(metric)", error.getMessage());
    }

    @Test
    void unknownModeAndFactorAboveOneAreRejected() {
        assertEquals("mode median is unknown!", assertThrows(IllegalArgumentException.class,
                () -> new ReduceLROnPlateau(optimizer(), ReduceLROnPlateau.options().mode("median"))).getMessage());
        assertEquals("Factor should be < 1.0.", assertThrows(IllegalArgumentException.class,
                () -> new ReduceLROnPlateau(optimizer(), ReduceLROnPlateau.options().factor(1.5))).getMessage());
    }

    @Test
    void tensorMetricIsReadAsItsValue() {
        Optimizer opt = optimizer();
        ReduceLROnPlateau scheduler = new ReduceLROnPlateau(opt, ReduceLROnPlateau.options().patience(0));
        scheduler.step(Tensor.scalar(1.0));
        scheduler.step(Tensor.scalar(2.0));
        assertEquals(List.of(0.010000000000000002, 0.005000000000000001), scheduler.getLastLr());
    }
}
