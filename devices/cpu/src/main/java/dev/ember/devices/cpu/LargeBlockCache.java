package dev.ember.devices.cpu;

import java.util.HashMap;
import java.util.Map;

/**
 * Freed blocks above the small-block size, kept to be handed out again for exactly their size:
 * the most recently freed first (the one likeliest still in cache), and the least recently freed
 * given back to libc first when the allocator needs room. Why: glibc serves each thread from an
 * arena of 64 MiB heaps and unmaps a heap as soon as it is empty, so a loop of 1e6-element adds,
 * whose 4 MiB outputs the reclaimer frees in batches after each collection, page-faulted about 80
 * times per call (measured with perf) and rewrote every output into freshly zeroed pages.
 *
 * <pre>{@code
 * LargeBlockCache cache = new LargeBlockCache();
 * cache.keep(address, 4 << 20);
 * long again = cache.take(4 << 20);       // == address
 * long oldest = cache.evictOldest();      // 0 when empty; the caller frees it
 * }</pre>
 *
 * <p>Not thread-safe by itself: {@link CpuAllocator} guards it.
 */
final class LargeBlockCache {

    /** One kept block, in two doubly linked lists: all blocks by age, and the blocks of its size. */
    private static final class Entry {
        final long address;
        final long byteSize;
        Entry older;
        Entry newer;
        Entry olderOfSize;
        Entry newerOfSize;

        Entry(long address, long byteSize) {
            this.address = address;
            this.byteSize = byteSize;
        }
    }

    private final Map<Long, Entry> newestOfSize = new HashMap<>();
    private Entry newest;
    private Entry oldest;
    private long keptBytes;
    private int keptBlocks;

    long keptBytes() { return keptBytes; }

    int keptBlocks() { return keptBlocks; }

    void keep(long address, long byteSize) {
        Entry entry = new Entry(address, byteSize);
        entry.older = newest;
        if (newest != null) newest.newer = entry;
        newest = entry;
        if (oldest == null) oldest = entry;
        Entry sameSize = newestOfSize.put(byteSize, entry);
        entry.olderOfSize = sameSize;
        if (sameSize != null) sameSize.newerOfSize = entry;
        keptBytes += byteSize;
        keptBlocks++;
    }

    /** The most recently kept block of exactly {@code byteSize} bytes, removed; 0 when there is none. */
    long take(long byteSize) {
        Entry entry = newestOfSize.get(byteSize);
        if (entry == null) return 0;
        remove(entry);
        return entry.address;
    }

    /** The least recently kept block, removed; 0 when the cache is empty. */
    long evictOldest() {
        Entry entry = oldest;
        if (entry == null) return 0;
        remove(entry);
        return entry.address;
    }

    /** The size of the block {@link #evictOldest()} would return next; 0 when empty. */
    long oldestByteSize() { return oldest == null ? 0 : oldest.byteSize; }

    private void remove(Entry entry) {
        if (entry.newer != null) entry.newer.older = entry.older; else newest = entry.older;
        if (entry.older != null) entry.older.newer = entry.newer; else oldest = entry.newer;
        if (entry.newerOfSize != null) {
            entry.newerOfSize.olderOfSize = entry.olderOfSize;
        } else if (entry.olderOfSize != null) {
            newestOfSize.put(entry.byteSize, entry.olderOfSize);
        } else {
            newestOfSize.remove(entry.byteSize);
        }
        if (entry.olderOfSize != null) entry.olderOfSize.newerOfSize = entry.newerOfSize;
        keptBytes -= entry.byteSize;
        keptBlocks--;
    }
}
