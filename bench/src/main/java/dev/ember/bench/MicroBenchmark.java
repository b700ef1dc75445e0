package dev.ember.bench;

import dev.ember.tensor.Tensor;
import java.util.function.Supplier;

/**
 * A workload timed per call by {@link Measurement}: {@code setUp} makes the inputs (outside the
 * timing) and returns the call to time.
 *
 * <pre>{@code
 * new MicroBenchmark("elementwise", "add_1e6", () -> {
 *     Tensor a = Tensor.randn(1_000_000), b = Tensor.randn(1_000_000);
 *     return () -> a.add(b);
 * });
 * }</pre>
 */
record MicroBenchmark(String group, String name, Supplier<Supplier<?>> setUp) implements Workload {

    @Override
    public void run(Settings settings) {
        Tensor.manualSeed(settings.seed());
        Supplier<?> call = setUp.get();
        Results.result(group, name, "ns", Measurement.perCallNanos(settings, call));
    }
}
