package dev.ember.bench;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * OpenBLAS's {@code cblas_sgemm} called directly (the same library Ember links), on the shapes
 * of {@link MatmulBenchmarks}, at 1 and 2 OpenBLAS threads: the ceiling Ember's GEMM is held
 * to. Runs in a process of its own (group {@code openblas}) because Ember sets OpenBLAS's
 * thread count for its own use once it multiplies.
 */
final class RawBlasBenchmarks {
    private RawBlasBenchmarks() {}

    static final String GROUP = "openblas";

    static List<Workload> workloads() {
        List<Workload> list = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            for (int n : MatmulBenchmarks.SQUARE_SIDES) list.add(sgemm("sgemm_" + n + "_t" + threads, threads, n, n, n));
            list.add(sgemm("sgemm_64x784x256_t" + threads, threads, 64, 784, 256));
        }
        return list;
    }

    private static Workload sgemm(String name, int threads, int m, int k, int n) {
        return new MicroBenchmark(GROUP, name, () -> {
            openblas.blas_set_num_threads(threads);
            FloatPointer a = filled((long) m * k, 0.5);
            FloatPointer b = filled((long) k * n, 0.25);
            FloatPointer c = new FloatPointer((long) m * n);
            return () -> {
                openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans,
                        m, n, k, 1f, a, k, b, n, 0f, c, n);
                return c;
            };
        });
    }

    private static FloatPointer filled(long count, double phase) {
        FloatPointer pointer = new FloatPointer(count);
        for (long i = 0; i < count; i++) pointer.put(i, (float) Math.sin(i + phase));
        return pointer;
    }
}
