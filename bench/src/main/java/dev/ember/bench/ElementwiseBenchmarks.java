package dev.ember.bench;

import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Elementwise ops on contiguous float32 vectors of 1e3, 1e6 and 1e7 standard-normal elements,
 * each call making a new output: {@code a + b}, {@code a * b + c} (two ops), {@code relu(a)},
 * {@code exp(a)}, and exact (erf) {@code gelu(a)}.
 */
final class ElementwiseBenchmarks {
    private ElementwiseBenchmarks() {}

    static final String GROUP = "elementwise";
    private static final long[] SIZES = {1_000, 1_000_000, 10_000_000};

    static List<Workload> workloads() {
        List<Workload> list = new ArrayList<>();
        for (long size : SIZES) {
            String suffix = "_" + sizeName(size);
            list.add(new MicroBenchmark(GROUP, "add" + suffix, () -> {
                Tensor a = Tensor.randn(size);
                Tensor b = Tensor.randn(size);
                return () -> a.add(b);
            }));
            list.add(new MicroBenchmark(GROUP, "muladd" + suffix, () -> {
                Tensor a = Tensor.randn(size);
                Tensor b = Tensor.randn(size);
                Tensor c = Tensor.randn(size);
                return () -> a.mul(b).add(c);
            }));
            list.add(new MicroBenchmark(GROUP, "relu" + suffix, () -> {
                Tensor a = Tensor.randn(size);
                return a::relu;
            }));
            list.add(new MicroBenchmark(GROUP, "exp" + suffix, () -> {
                Tensor a = Tensor.randn(size);
                return a::exp;
            }));
            list.add(new MicroBenchmark(GROUP, "gelu" + suffix, () -> {
                Tensor a = Tensor.randn(size);
                return () -> F.gelu(a);
            }));
        }
        return list;
    }

    /** 1e3, 1e6, 1e7: the names both sides use. */
    static String sizeName(long size) { return "1e" + Math.round(Math.log10(size)); }
}
