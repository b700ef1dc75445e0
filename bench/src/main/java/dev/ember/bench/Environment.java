package dev.ember.bench;

import java.lang.management.ManagementFactory;
import org.bytedeco.openblas.global.openblas;

/**
 * What the report needs to say about Ember's side: the BLAS it runs (OpenBLAS's own build
 * description), its thread settings and the JVM.
 */
final class Environment {
    private Environment() {}

    static void print() {
        Results.info("ember.blas", openblas.OPENBLAS_VERSION.trim() + " (org.bytedeco:openblas, pthreads build; "
                + "Ember's matmul calls it single-threaded and splits the product over its own pool)");
        int processors = Runtime.getRuntime().availableProcessors();
        Results.info("ember.threads", Integer.getInteger("ember.cpu.threads", processors) + " (ember.cpu.threads; "
                + processors + " processors)");
        Results.info("ember.java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + ", flags: " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    }
}
