package dev.ember.devices.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * Splits a range of work over Ember's own ForkJoin pool (one worker per core, property
 * {@code ember.cpu.threads}) when it is large enough to pay for the dispatch, and runs it on
 * the calling thread otherwise, so tiny ops stay cheap. Not the common pool: its parallelism
 * is one less than the core count, which on a 2-core machine means no parallelism at all.
 *
 * <pre>{@code
 * Parallel.forRange(numel, 1, (start, end) -> kernel(start, end));
 * }</pre>
 */
final class Parallel {

    /** Below this many element-operations a kernel runs serially. */
    static final long GRAIN_SIZE = 32_768;

    private static final int THREADS = Math.max(1, Integer.getInteger("ember.cpu.threads",
            Runtime.getRuntime().availableProcessors()));

    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS, pool -> {
        ForkJoinWorkerThread worker = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        worker.setDaemon(true);
        worker.setName("ember-cpu-" + worker.getPoolIndex());
        return worker;
    }, null, false);

    /** Worker threads of the pool, for sizing per-thread work. */
    static int threads() { return THREADS; }

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
        if (ForkJoinTask.inForkJoinPool() && ForkJoinTask.getPool() == POOL) {
            ForkJoinTask.invokeAll(tasks);
        } else {
            POOL.invoke(new RecursiveAction() {
                @Override
                protected void compute() { invokeAll(tasks); }
            });
        }
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
