package dev.ember.devices.cpu;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;

/**
 * Frees the native block of a {@link CpuBuffer} that became unreachable without being closed: a
 * phantom reference per buffer, queued by the collector. A daemon thread frees what is queued,
 * and the allocator also drains the queue itself while it waits after a collection it started
 * ({@link #drain()}), so reclaiming does not depend on one thread being scheduled: on a busy
 * machine a {@link java.lang.ref.Cleaner}'s thread fell behind, the blocks waiting for it looked
 * live, and the allocator's threshold grew from garbage.
 *
 * <pre>{@code
 * BufferReclaimer.Block block = BufferReclaimer.register(buffer, address, byteSize);
 * block.free();   // on close(); a no-op if the collector's path freed it first
 * }</pre>
 */
final class BufferReclaimer {
    private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<>();
    /**
     * The blocks not yet freed, as a doubly linked list through the blocks themselves (head is a
     * sentinel), like the JDK's Cleaner keeps its references: holding them keeps them from being
     * collected unqueued. A concurrent hash set did the same at several times the cost: its size
     * counter, shared by the allocating thread and the reclaimer, was ~19 % of the samples of a
     * loop of 1,000-element adds.
     */
    private static final Block PENDING = new Block();

    static {
        Thread reclaimer = new Thread(BufferReclaimer::serve, "ember-cpu-reclaimer");
        reclaimer.setDaemon(true);
        reclaimer.start();
    }

    private BufferReclaimer() {}

    /** One native block, freed once: by close(), the reclaimer thread or the allocator, whichever comes first. */
    static final class Block extends PhantomReference<Object> {
        private final long address;
        private final long byteSize;
        /** Neighbours in the pending list, guarded by PENDING; both null once unlinked. */
        private Block previous;
        private Block next;

        private Block(Object owner, long address, long byteSize) {
            super(owner, QUEUE);
            this.address = address;
            this.byteSize = byteSize;
        }

        /** The list's sentinel. */
        private Block() {
            super(null, null);
            this.address = 0;
            this.byteSize = 0;
            previous = this;
            next = this;
        }

        void free() {
            if (unlink()) {
                clear();
                CpuAllocator.free(address, byteSize);
            }
        }

        /** Removes this block from the pending list; false if it was already removed (freed). */
        private boolean unlink() {
            synchronized (PENDING) {
                if (next == null) return false;
                previous.next = next;
                next.previous = previous;
                previous = null;
                next = null;
                return true;
            }
        }
    }

    /** Frees {@code address} once {@code owner} is unreachable, unless {@link Block#free()} came first. */
    static Block register(Object owner, long address, long byteSize) {
        Block block = new Block(owner, address, byteSize);
        synchronized (PENDING) {
            block.next = PENDING.next;
            block.previous = PENDING;
            PENDING.next.previous = block;
            PENDING.next = block;
        }
        return block;
    }

    /** Frees every block the collector has queued so far, on the calling thread; returns how many. */
    static int drain() {
        int freed = 0;
        for (Reference<?> reference; (reference = QUEUE.poll()) != null; freed++) ((Block) reference).free();
        return freed;
    }

    private static void serve() {
        while (true) {
            try {
                ((Block) QUEUE.remove()).free();
            } catch (InterruptedException e) {
                // a daemon that serves for the life of the JVM: keep going
            } catch (RuntimeException e) {
                // as with a Cleaner's actions: one failed free must not stop the reclaiming of the others
            }
        }
    }
}
