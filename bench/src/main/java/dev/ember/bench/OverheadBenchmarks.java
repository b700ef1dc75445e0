package dev.ember.bench;

import dev.ember.nn.Linear;
import dev.ember.nn.Parameter;
import dev.ember.tensor.Tensor;
import java.util.List;

/**
 * The fixed cost of one op, where the arithmetic is negligible: {@code a + b} on 1 and 16
 * elements, {@code Linear(16, 16)} forward on one [1, 16] sample, and forward + backward of its
 * output's sum (gradients are reset to null after each call, like {@code zero_grad()}).
 */
final class OverheadBenchmarks {
    private OverheadBenchmarks() {}

    static final String GROUP = "overhead";

    static List<Workload> workloads() {
        return List.of(
                add("add_1", 1),
                add("add_16", 16),
                new MicroBenchmark(GROUP, "linear16_fwd", () -> {
                    Linear linear = new Linear(16, 16);
                    Tensor x = Tensor.randn(1, 16);
                    return () -> linear.call(x);
                }),
                new MicroBenchmark(GROUP, "linear16_fwdbwd", () -> {
                    Linear linear = new Linear(16, 16);
                    Tensor x = Tensor.randn(1, 16);
                    List<Parameter> parameters = linear.parameters();
                    return () -> {
                        Tensor loss = linear.call(x).sum();
                        loss.backward();
                        for (Parameter parameter : parameters) parameter.setGrad(null);
                        return loss;
                    };
                }));
    }

    private static Workload add(String name, long size) {
        return new MicroBenchmark(GROUP, name, () -> {
            Tensor a = Tensor.randn(size);
            Tensor b = Tensor.randn(size);
            return () -> a.add(b);
        });
    }
}
