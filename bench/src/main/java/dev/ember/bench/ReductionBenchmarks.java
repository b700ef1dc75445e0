package dev.ember.bench;

import dev.ember.nn.LayerNorm;
import dev.ember.tensor.Tensor;
import java.util.List;

/**
 * Row-wise ops over a [1024, 1024] standard-normal matrix: the sum of each row, softmax and
 * log-softmax along rows, and {@code LayerNorm(1024)} (with its weight and bias, eps 1e-5).
 */
final class ReductionBenchmarks {
    private ReductionBenchmarks() {}

    static final String GROUP = "reductions";
    private static final long ROWS = 1024;
    private static final long COLUMNS = 1024;

    static List<Workload> workloads() {
        return List.of(
                new MicroBenchmark(GROUP, "sum_rows_1024x1024", () -> {
                    Tensor x = Tensor.randn(ROWS, COLUMNS);
                    return () -> x.sum(-1);
                }),
                new MicroBenchmark(GROUP, "softmax_rows_1024x1024", () -> {
                    Tensor x = Tensor.randn(ROWS, COLUMNS);
                    return () -> x.softmax(-1);
                }),
                new MicroBenchmark(GROUP, "log_softmax_rows_1024x1024", () -> {
                    Tensor x = Tensor.randn(ROWS, COLUMNS);
                    return () -> x.logSoftmax(-1);
                }),
                new MicroBenchmark(GROUP, "layer_norm_1024x1024", () -> {
                    LayerNorm norm = new LayerNorm(COLUMNS);
                    Tensor x = Tensor.randn(ROWS, COLUMNS);
                    return () -> norm.call(x);
                }));
    }
}
