package dev.ember.bench;

import dev.ember.tensor.Tensor;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Ember's side of the core micro-benchmarks: per-op overhead, an elementwise op, and matmul
 * against OpenBLAS's sgemm called directly. Prints one tab-separated line per workload
 * (name, median, min, max nanoseconds per call).
 */
public final class CoreBenchmarks {
    private CoreBenchmarks() {}

    public static void main(String[] args) {
        Tensor.manualSeed(0);
        Tensor a1 = Tensor.randn(1);
        Tensor b1 = Tensor.randn(1);
        print(Measurement.of("add_1", 20_000, 15, () -> a1.add(b1)));
        Tensor a16 = Tensor.randn(16);
        Tensor b16 = Tensor.randn(16);
        print(Measurement.of("add_16", 20_000, 15, () -> a16.add(b16)));
        Tensor big1 = Tensor.randn(1_000_000);
        Tensor big2 = Tensor.randn(1_000_000);
        print(Measurement.of("add_1e6", 200, 9, () -> big1.add(big2)));
        for (int n : new int[] {512, 1024}) {
            Tensor x = Tensor.randn(n, n);
            Tensor y = Tensor.randn(n, n);
            print(Measurement.of("matmul_" + n, n == 512 ? 40 : 8, 7, () -> x.matmul(y)));
            print(rawSgemm(n));
        }
    }

    private static Measurement rawSgemm(int n) {
        FloatPointer a = new FloatPointer((long) n * n);
        FloatPointer b = new FloatPointer((long) n * n);
        FloatPointer c = new FloatPointer((long) n * n);
        for (long i = 0; i < (long) n * n; i++) {
            a.put(i, (float) Math.sin(i));
            b.put(i, (float) Math.cos(i));
        }
        return Measurement.of("openblas_sgemm_" + n, n == 512 ? 40 : 8, 7, () -> openblas.cblas_sgemm(
                openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, n, n, n, 1f, a, n, b, n, 0f, c, n));
    }

    private static void print(Measurement m) { System.out.println(m.line()); }
}
