package dev.ember.devices.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Splits a range of work over the common ForkJoin pool when it is large enough to pay for
 * the dispatch, and runs it on the calling thread otherwise, so tiny ops stay cheap.
 *
 * <pre>{@code
 * Parallel.forRange(numel, 1, (start, end) -> kernel(start, end));
 * }</pre>
 */
final class Parallel {

    /** Below this many element-operations a kernel runs serially. */
    static final long GRAIN_SIZE = 32_768;

    private static final int THREADS = Math.max(1, ForkJoinPool.getCommonPoolParallelism());

    @FunctionalInterface
    interface Range {
        void run(long start, long end);
    }

    private Parallel() {}

    /**
     * Runs {@code body} over [0, count) in chunks; {@code costPerItem} is the work of one
     * item in element-operations, used to decide whether to split at all.
     */
    static void forRange(long count, long costPerItem, Range body) {
        if (count <= 0) return;
        long work = count * Math.max(1, costPerItem);
        if (THREADS <= 1 || work < 2 * GRAIN_SIZE || count < 2) {
            body.run(0, count);
            return;
        }
        long chunks = Math.min(Math.min(count, work / GRAIN_SIZE), THREADS * 4L);
        if (chunks < 2) {
            body.run(0, count);
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[(int) chunks];
        for (int c = 0; c < chunks; c++) {
            long start = count * c / chunks;
            long end = count * (c + 1) / chunks;
            tasks[c] = new Chunk(body, start, end);
        }
        ForkJoinTask.invokeAll(tasks);
    }

    private static final class Chunk extends RecursiveAction {
        private final Range body;
        private final long start;
        private final long end;

        Chunk(Range body, long start, long end) {
            this.body = body;
            this.start = start;
            this.end = end;
        }

        @Override
        protected void compute() { body.run(start, end); }
    }
}
