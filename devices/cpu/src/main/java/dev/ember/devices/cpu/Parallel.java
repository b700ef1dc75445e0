package dev.ember.devices.cpu;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a range of work into chunks shared by the calling thread and Ember's worker threads
 * (one fewer than the cores, property {@code ember.cpu.threads} for the total), when it is large
 * enough to pay for the split, and runs it on the calling thread otherwise, so tiny ops stay cheap.
 *
 * <p>Why not a ForkJoinPool: waking a parked thread costs tens of microseconds on a virtual
 * machine, more than a whole medium-sized elementwise op. Here the caller works through the
 * chunks itself, so it never waits for a worker to wake, only for chunks already started; and
 * workers keep looking for work for a short while after their last chunk before parking, so
 * back-to-back ops find them awake (see {@link #WORKER_SPIN_NANOS}).
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

    /**
     * How long an idle worker keeps looking for work before it parks (0 parks at once). Waking a
     * parked worker blocks the caller in the futex call while the kernel wakes the idle CPU:
     * 20-60 µs on this project's virtual machines, a fifth of a 1024x1024 row sum. While it looks,
     * the worker yields its CPU on every turn, so a thread that needs that CPU (oneDNN's OpenMP
     * threads, the JIT, the GC) gets it at once; a plain spin measured slower on MLP training.
     */
    private static final long WORKER_SPIN_NANOS = Long.getLong("ember.cpu.spinMicros", 200) * 1000;

    /** How long a caller spins for chunks a worker is finishing before it parks. */
    private static final long CALLER_SPIN_NANOS = 20_000;

    private static final ConcurrentLinkedQueue<Job> QUEUE = new ConcurrentLinkedQueue<>();

    private static final Worker[] WORKERS = new Worker[THREADS - 1];

    static {
        for (int i = 0; i < WORKERS.length; i++) {
            WORKERS[i] = new Worker(i);
            WORKERS[i].start();
        }
    }

    /** Threads that run chunks at once: the caller and the workers. */
    static int threads() { return THREADS; }

    @FunctionalInterface
    interface Range {
        void run(long start, long end);
    }

    private Parallel() {}

    /**
     * Runs {@code body} over [0, count) in chunks; {@code costPerItem} is the work of one
     * item in element-operations, used to decide whether to split at all. A call from inside
     * a chunk runs serially on that thread.
     */
    static void forRange(long count, long costPerItem, Range body) {
        if (count <= 0) return;
        long work = count * Math.max(1, costPerItem);
        if (THREADS <= 1 || work < 2 * GRAIN_SIZE || count < 2 || Thread.currentThread() instanceof Worker) {
            body.run(0, count);
            return;
        }
        int chunks = (int) Math.min(Math.min(count, work / GRAIN_SIZE), THREADS * 4L);
        if (chunks < 2) {
            body.run(0, count);
            return;
        }
        Job job = new Job(body, count, chunks, Thread.currentThread());
        QUEUE.add(job);
        for (Worker worker : WORKERS) worker.wake();
        job.runChunks();
        job.awaitChunks();
        QUEUE.remove(job);
        if (job.failure != null) throw rethrown(job.failure);
    }

    private static RuntimeException rethrown(Throwable failure) {
        if (failure instanceof RuntimeException runtime) return runtime;
        if (failure instanceof Error error) throw error;
        return new IllegalStateException(failure);
    }

    /** One forRange call: chunks handed out by a counter, finished ones counted. */
    private static final class Job {
        private final Range body;
        private final long count;
        private final int chunks;
        private final Thread owner;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private volatile Throwable failure;

        Job(Range body, long count, int chunks, Thread owner) {
            this.body = body;
            this.count = count;
            this.chunks = chunks;
            this.owner = owner;
        }

        boolean exhausted() { return next.get() >= chunks; }

        void runChunks() {
            for (int chunk; (chunk = next.getAndIncrement()) < chunks; ) {
                try {
                    if (failure == null) body.run(count * chunk / chunks, count * (chunk + 1) / chunks);
                } catch (Throwable error) {
                    if (failure == null) failure = error;
                } finally {
                    if (finished.incrementAndGet() == chunks) LockSupport.unpark(owner);
                }
            }
        }

        /** Waits for chunks that workers started; a short spin first, as they are usually nearly done. */
        void awaitChunks() {
            long spinUntil = System.nanoTime() + CALLER_SPIN_NANOS;
            while (finished.get() < chunks) {
                if (System.nanoTime() < spinUntil) Thread.onSpinWait();
                else LockSupport.parkNanos(this, 50_000);
            }
        }
    }

    private static final class Worker extends Thread {
        private volatile boolean parked;

        Worker(int index) {
            super("ember-cpu-" + index);
            setDaemon(true);
        }

        void wake() {
            if (parked) LockSupport.unpark(this);
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Job job = QUEUE.peek();
                if (job != null) {
                    if (job.exhausted()) {
                        QUEUE.remove(job);
                    } else {
                        job.runChunks();
                    }
                    idleSince = System.nanoTime();
                    continue;
                }
                if (System.nanoTime() - idleSince < WORKER_SPIN_NANOS) {
                    Thread.yield();
                    continue;
                }
                parked = true;
                // a job queued between the check above and "parked = true" is seen here
                if (QUEUE.isEmpty()) LockSupport.park(this);
                parked = false;
                idleSince = System.nanoTime();
            }
        }
    }
}
