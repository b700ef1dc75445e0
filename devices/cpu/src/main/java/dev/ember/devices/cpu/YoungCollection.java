package dev.ember.devices.cpu;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * Runs a young-generation collection by allocating what is left of eden.
 *
 * <p>A tensor made and dropped inside a loop dies young, so a young collection finds its buffer
 * unreachable and the reclaimer frees it. The JDK has a call for a full collection only
 * ({@link System#gc()}), which marks the whole heap, code and metadata: 10-25 ms on this
 * project's machines even with a 3 MiB heap, against 0.7-1.3 ms for a young pause. Filling eden
 * is the one portable way to ask for the cheap one. It is tried only when eden has at most
 * {@code ember.cpu.youngFillLimit} bytes (default 64 MiB) left, so that an application with a
 * large young generation does not pay for zeroing it; the caller falls back to a full collection.
 *
 * <pre>{@code
 * if (!YoungCollection.run()) System.gc();
 * }</pre>
 */
final class YoungCollection {

    private static final long FILL_LIMIT = Long.getLong("ember.cpu.youngFillLimit", 64L << 20);
    /** Small enough to stay a regular (not humongous) object for every G1 region size. */
    private static final int CHUNK = 256 << 10;
    private static final int CHUNKS_PER_CHECK = 8;
    private static final MemoryPoolMXBean EDEN = edenPool();
    private static final GarbageCollectorMXBean YOUNG_COLLECTOR = youngCollector();
    /** Fills in a row that ended without a collection: eden is larger than it looked, stop trying. */
    private static final int MAX_FAILURES = 3;
    private static int failures;

    /** Keeps each filler array reachable until the next is made, so no compiler can drop them. */
    @SuppressWarnings("unused")
    private static volatile byte[] filler;

    private YoungCollection() {}

    /** Returns true when a young collection ran; false when this collector or eden's size rules it out. */
    static boolean run() {
        if (failures >= MAX_FAILURES) return false;
        return fillEden(FILL_LIMIT);
    }

    /** Allocates up to {@code limit} bytes of filler until a young collection has run; true if one did. */
    static boolean fillEden(long limit) {
        if (EDEN == null || YOUNG_COLLECTOR == null) return false;
        long room = room();
        if (room <= 0 || room > limit) return false;
        long before = YOUNG_COLLECTOR.getCollectionCount();
        // Up to twice the room: eden may grow while it fills, but never past the limit.
        long budget = Math.min(2 * room + CHUNK, limit);
        for (long filled = 0, chunks = 0; filled < budget; filled += CHUNK, chunks++) {
            filler = new byte[CHUNK];
            if (chunks % CHUNKS_PER_CHECK == 0 && YOUNG_COLLECTOR.getCollectionCount() != before) break;
        }
        filler = null;
        boolean collected = YOUNG_COLLECTOR.getCollectionCount() != before;
        failures = collected ? 0 : failures + 1;
        return collected;
    }

    /**
     * Bytes left before eden is full. G1 reports eden's committed size as what it has used so
     * far, so when that shows no room the heap's free committed bytes bound it instead.
     */
    static long room() {
        MemoryUsage eden = EDEN.getUsage();
        long room = eden.getCommitted() - eden.getUsed();
        if (room > 0) return room;
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getCommitted() - heap.getUsed();
    }

    private static MemoryPoolMXBean edenPool() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            // G1 Eden Space, PS Eden Space, Eden Space (serial); ZGC and Shenandoah have none
            if (pool.getType() == MemoryType.HEAP && pool.getName().contains("Eden")) return pool;
        }
        return null;
    }

    private static GarbageCollectorMXBean youngCollector() {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = collector.getName();
            if (name.equals("G1 Young Generation") || name.equals("PS Scavenge") || name.equals("Copy")) return collector;
        }
        return null;
    }
}
