package dev.ember.bench;

import java.util.Arrays;

/**
 * Warm-up then repeated timing of one workload: each repeat times a batch of calls and
 * reports nanoseconds per call; the median, min and max over repeats are kept.
 */
record Measurement(String workload, double medianNanos, double minNanos, double maxNanos) {

    static Measurement of(String workload, int callsPerRepeat, int repeats, Runnable call) {
        long warmUpEnd = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warmUpEnd) call.run();
        double[] perCall = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < callsPerRepeat; i++) call.run();
            perCall[r] = (System.nanoTime() - start) / (double) callsPerRepeat;
        }
        Arrays.sort(perCall);
        return new Measurement(workload, perCall[repeats / 2], perCall[0], perCall[repeats - 1]);
    }

    String line() {
        return String.format(java.util.Locale.ROOT, "%s\t%.1f\t%.1f\t%.1f", workload, medianNanos, minNanos, maxNanos);
    }
}
