package dev.ember.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.Supplier;

/**
 * Warm-up until steady, then repeated timing of one call; {@code bench/pytorch/measure.py} is
 * the same procedure in Python.
 * <ol>
 * <li>Warm-up: calls for at least {@link Settings#warmUpNanos()}, then in windows of about
 *     {@link Settings#repeatNanos()} (at least {@link #MIN_WINDOW_CALLS} calls each) until three
 *     windows in a row fail to beat the fastest window so far by 10 % while the JIT compiles
 *     nothing, or
 *     {@link Settings#maxWarmUpNanos()} has passed. A JIT compiles Ember's kernels only after many
 *     calls of interpreted code, which for slow ops takes more than a fixed second; PyTorch is
 *     steady at once and leaves after 3 windows.</li>
 * <li>Each repeat times as many calls as fill {@link Settings#repeatNanos()} at the last window's
 *     speed; the result is nanoseconds per call for each repeat.</li>
 * </ol>
 *
 * <pre>{@code
 * double[] nanos = Measurement.perCallNanos(settings, () -> a.add(b));
 * }</pre>
 */
final class Measurement {
    private Measurement() {}

    private static final int STEADY_WINDOWS = 3;
    private static final double IMPROVEMENT = 0.9;

    /**
     * Why windows have several calls: with one call per window, a slow workload still being
     * compiled can miss a 10 % gain three times in a row. The LSTM's forward + backward took
     * ~350 ms per call 2 s in and ~45 ms from 5 s on, and a warm-up of one-call windows ended at
     * about 2 s.
     */
    static final int MIN_WINDOW_CALLS = 10;

    /**
     * Why the JIT must be idle too: each workload runs in a fresh JVM, where the compilers are
     * still at work on its kernels for seconds, and a window can miss a 10 % gain while they are.
     * Measured in fresh processes with the time criterion alone: add at 1e6 timed 1.97 ms in its
     * first repeat and 0.62 ms in its tenth, Linear(16, 16) forward + backward 110-148 us against
     * 37 us in a process that had run other workloads first.
     */
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    /*
     * Why the shortest warm-up is 3 s (Settings), not 1: an idle JIT does not mean compiled code.
     * Linear(16, 16) forward + backward (~15 µs a call when compiled) sometimes went steady after
     * 1 s at 27-75 µs a call, its hot methods still in C1's profiling tier with the compilers idle,
     * and the process was done 2.6 s in; 3 s gave 7.9-15.6 µs in 5 of 5 fresh processes.
     */

    // Results go here so that the JIT cannot drop a call whose value is unused.
    private static volatile Object sink;

    static double[] perCallNanos(Settings settings, Supplier<?> call) {
        long start = System.nanoTime();
        long calls = 0;
        do {
            sink = call.get();
            calls++;
        } while (System.nanoTime() - start < settings.warmUpNanos());
        double estimate = (System.nanoTime() - start) / (double) calls;
        double fastest = Double.MAX_VALUE;
        int windowsWithoutGain = 0;
        while (windowsWithoutGain < STEADY_WINDOWS && System.nanoTime() - start < settings.maxWarmUpNanos()) {
            long compiledBefore = compilationMillis();
            estimate = timePerCall(call, Math.max(MIN_WINDOW_CALLS, callsFilling(settings.repeatNanos(), estimate)));
            if (estimate < IMPROVEMENT * fastest || compilationMillis() != compiledBefore) windowsWithoutGain = 0;
            else windowsWithoutGain++;
            fastest = Math.min(fastest, estimate);
        }
        long perRepeat = callsFilling(settings.repeatNanos(), estimate);
        double[] perCall = new double[settings.repeats()];
        for (int r = 0; r < perCall.length; r++) perCall[r] = timePerCall(call, perRepeat);
        sink = null;
        return perCall;
    }

    /** Total time the JIT's compilers have worked, or 0 where the JVM does not tell. */
    private static long compilationMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : 0;
    }

    private static long callsFilling(long nanos, double perCall) { return Math.max(1, Math.round(nanos / perCall)); }

    private static double timePerCall(Supplier<?> call, long calls) {
        long start = System.nanoTime();
        for (long i = 0; i < calls; i++) sink = call.get();
        return (System.nanoTime() - start) / (double) calls;
    }
}
