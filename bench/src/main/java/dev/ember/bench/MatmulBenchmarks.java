package dev.ember.bench;

import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Matrix products through {@code Tensor.matmul}: squares of side 64 to 2048, and the MLP's
 * first layer shape (64×784)·(784×256). Inputs are standard normal.
 */
final class MatmulBenchmarks {
    private MatmulBenchmarks() {}

    static final String GROUP = "matmul";
    static final int[] SQUARE_SIDES = {64, 128, 256, 512, 1024, 2048};

    static List<Workload> workloads() {
        List<Workload> list = new ArrayList<>();
        for (int n : SQUARE_SIDES) list.add(product("matmul_" + n, n, n, n));
        list.add(product("matmul_64x784x256", 64, 784, 256));
        return list;
    }

    private static Workload product(String name, long m, long k, long n) {
        return new MicroBenchmark(GROUP, name, () -> {
            Tensor left = Tensor.randn(m, k);
            Tensor right = Tensor.randn(k, n);
            return () -> left.matmul(right);
        });
    }
}
