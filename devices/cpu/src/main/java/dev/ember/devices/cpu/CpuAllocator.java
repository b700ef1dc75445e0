package dev.ember.devices.cpu;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Off-heap memory for CPU buffers: 64-byte aligned blocks from libc, counted in
 * {@link #liveBytes()}, freed by close() or by the {@link BufferReclaimer} when unreachable.
 * Freed blocks are kept and handed out again for the same size: up to 64 KiB in stacks per size
 * class (32 MiB in all), larger ones in a {@link LargeBlockCache} that gives its oldest blocks back
 * to libc once live and kept bytes together would pass the GC threshold.
 *
 * <p>Like the JDK's direct-buffer reservation, crossing a soft threshold runs a GC so that
 * unreachable buffers are freed before memory grows (a young collection first, see
 * {@link YoungCollection}); the threshold then adapts to about twice the memory still live. A
 * hard limit ({@code ember.cpu.memoryLimit}, default 80% of physical memory) turns a runaway
 * allocation into a clear {@link OutOfMemoryError}.
 *
 * <pre>{@code
 * long live = CpuAllocator.liveBytes();
 * List<String> leaks = CpuAllocator.liveAllocations();   // with -Dember.cpu.trackAllocations=true
 * CpuAllocator.emptyCache();                             // kept blocks back to libc
 * }</pre>
 */
public final class CpuAllocator {

    static final long ALIGNMENT = 64;
    private static final long MIN_GC_THRESHOLD = Long.getLong("ember.cpu.gcThreshold", 256L << 20);
    private static final long MEMORY_LIMIT = Long.getLong("ember.cpu.memoryLimit", defaultLimit());
    private static final boolean TRACK = Boolean.getBoolean("ember.cpu.trackAllocations");

    private static final MethodHandle ALIGNED_ALLOC;
    private static final MethodHandle FREE;

    private static final AtomicLong LIVE = new AtomicLong();
    private static final AtomicLong LEAST_LIVE_SINCE_COLLECTION = new AtomicLong();
    private static volatile long gcThreshold = MIN_GC_THRESHOLD;
    private static final Object GC_LOCK = new Object();
    private static final Map<Long, Throwable> ALLOCATION_SITES = new ConcurrentHashMap<>();

    /**
     * Freed blocks of at most this many bytes go to a stack per 64-byte size class for reuse
     * instead of back to libc, up to {@code ember.cpu.reuseBytes} bytes in all. Why: a loop of
     * 1,000-element adds spent about a third of its thread's time in aligned_alloc and free,
     * the reclaimer thread's frees contending with the allocating thread's allocations for
     * glibc's arena lock.
     */
    private static final long REUSE_MAX_BLOCK = 64 << 10;
    private static final long REUSE_MAX_BYTES = Long.getLong("ember.cpu.reuseBytes", 32L << 20);
    private static final int REUSE_DEPTH = 64;
    private static final long[][] REUSABLE = new long[(int) (REUSE_MAX_BLOCK / ALIGNMENT) + 1][];
    private static final int[] REUSABLE_COUNT = new int[REUSABLE.length];
    private static final Object REUSE_LOCK = new Object();
    private static long reusableBytes;
    private static final boolean REUSE_LARGE = !"false".equals(System.getProperty("ember.cpu.reuseLargeBlocks"));
    private static final LargeBlockCache LARGE_BLOCKS = new LargeBlockCache();

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        ALIGNED_ALLOC = linker.downcallHandle(libc.find("aligned_alloc").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        FREE = linker.downcallHandle(libc.find("free").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        keepLargeBlocksInTheHeap(linker);
    }

    /**
     * glibc serves large blocks with mmap and returns them with munmap, so every large tensor
     * would start with a page fault per 4 KiB. Raising the mmap and trim thresholds keeps freed
     * blocks for reuse, as a caching allocator would. Best effort: other C libraries lack mallopt.
     */
    private static void keepLargeBlocksInTheHeap(Linker linker) {
        final int mTrimThreshold = -1;
        final int mMmapThreshold = -3;
        var mallopt = linker.defaultLookup().find("mallopt");
        if (mallopt.isEmpty()) return;
        var handle = linker.downcallHandle(mallopt.get(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        // 32 MiB is the largest threshold glibc accepts on 64-bit systems.
        int threshold = Integer.getInteger("ember.cpu.mmapThreshold", 32 << 20);
        try {
            int ignored = (int) handle.invokeExact(mMmapThreshold, threshold);
            ignored = (int) handle.invokeExact(mTrimThreshold, Integer.MAX_VALUE);
        } catch (Throwable e) {
            // keep glibc's defaults
        }
    }

    private CpuAllocator() {}

    private static long defaultLimit() {
        try {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long physical = os.getTotalMemorySize();
            if (physical > 0) return physical / 10 * 8;
        } catch (RuntimeException | LinkageError e) {
            // not a HotSpot-style bean: fall through to "no limit"
        }
        return Long.MAX_VALUE;
    }

    /** Bytes held by CPU buffers that are neither closed nor cleaned. */
    public static long liveBytes() { return LIVE.get(); }

    /** Live bytes past which the next allocation first runs a GC. */
    public static long gcThreshold() { return gcThreshold; }

    /** The hard limit on {@link #liveBytes()}. */
    public static long memoryLimit() { return MEMORY_LIMIT; }

    /** Stack traces of where each live buffer was allocated; empty unless tracking is on. */
    public static List<String> liveAllocations() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Long, Throwable> e : ALLOCATION_SITES.entrySet()) {
            StringBuilder sb = new StringBuilder(e.getValue().getMessage()).append('\n');
            for (StackTraceElement frame : e.getValue().getStackTrace()) sb.append("    at ").append(frame).append('\n');
            out.add(sb.toString());
        }
        return out;
    }

    public static boolean isTracking() { return TRACK; }

    /** Bytes in freed blocks kept for reuse (not counted in {@link #liveBytes()}). */
    public static long cachedBytes() {
        synchronized (REUSE_LOCK) {
            return reusableBytes + LARGE_BLOCKS.keptBytes();
        }
    }

    /**
     * Gives every kept block back to libc, like {@code torch.cuda.empty_cache()}: for a process
     * that is done with large tensors and wants its memory back. Returns the bytes released.
     */
    public static long emptyCache() {
        long released = 0;
        for (long size; (size = releaseOldestLargeBlock()) > 0; ) released += size;
        synchronized (REUSE_LOCK) {
            for (int sizeClass = 0; sizeClass < REUSABLE.length; sizeClass++) {
                for (int i = 0; i < REUSABLE_COUNT[sizeClass]; i++) freeToLibc(REUSABLE[sizeClass][i]);
                released += (long) REUSABLE_COUNT[sizeClass] * sizeClass * ALIGNMENT;
                REUSABLE_COUNT[sizeClass] = 0;
            }
            reusableBytes = 0;
        }
        return released;
    }

    /** Returns the address of {@code byteSize} fresh bytes, after reserving them. */
    static long allocate(long byteSize) {
        if (byteSize < 0) throw new IllegalArgumentException("negative buffer size " + byteSize);
        long rounded = roundUp(byteSize);
        reserve(rounded, byteSize);
        long address = takeReusable(rounded);
        if (address == 0) {
            // small misses skip this (and its lock): the next large one catches up
            if (rounded > REUSE_MAX_BLOCK) releaseLargeBlocksAboveThreshold();
            address = alignedAlloc(rounded);
            if (address == 0 && emptyCache() > 0) address = alignedAlloc(rounded);
        }
        if (address == 0) {
            LIVE.addAndGet(-rounded);
            throw new OutOfMemoryError("cpu: the system refused " + byteSize + " bytes (live " + LIVE.get() + " bytes)");
        }
        if (TRACK) {
            ALLOCATION_SITES.put(address, new Throwable("buffer of " + byteSize + " bytes at 0x" + Long.toHexString(address)));
        }
        return address;
    }

    private static long alignedAlloc(long rounded) {
        try {
            return ((MemorySegment) ALIGNED_ALLOC.invokeExact(ALIGNMENT, rounded)).address();
        } catch (Throwable t) {
            LIVE.addAndGet(-rounded);
            throw new IllegalStateException("aligned_alloc failed", t);
        }
    }

    private static void freeToLibc(long address) {
        try {
            FREE.invokeExact(MemorySegment.ofAddress(address));
        } catch (Throwable t) {
            throw new IllegalStateException("free failed", t);
        }
    }

    /** Kept blocks of other sizes give way to a new large one rather than grow memory past the threshold. */
    private static void releaseLargeBlocksAboveThreshold() {
        while (LIVE.get() + largeBlocksKept() > gcThreshold && releaseOldestLargeBlock() > 0) {
            // released one; check again
        }
    }

    private static long largeBlocksKept() {
        synchronized (REUSE_LOCK) {
            return LARGE_BLOCKS.keptBytes();
        }
    }

    /** Frees the least recently kept large block to libc; returns its size, 0 when none is kept. */
    private static long releaseOldestLargeBlock() {
        long address;
        long size;
        synchronized (REUSE_LOCK) {
            size = LARGE_BLOCKS.oldestByteSize();
            address = LARGE_BLOCKS.evictOldest();
        }
        if (address == 0) return 0;
        freeToLibc(address);
        return size;
    }

    static long roundUp(long byteSize) {
        return Math.max(ALIGNMENT, (byteSize + ALIGNMENT - 1) & -ALIGNMENT);
    }

    private static void reserve(long rounded, long requested) {
        long live = LIVE.addAndGet(rounded);
        if (live <= gcThreshold && live <= MEMORY_LIMIT) return;
        LIVE.addAndGet(-rounded);
        boolean youngCollectionFellShort = false;
        synchronized (GC_LOCK) {
            if (LIVE.get() + rounded > gcThreshold || LIVE.get() + rounded > MEMORY_LIMIT) {
                // A working set that stays live just under the threshold (a dataset held in
                // memory, say) leaves only a few MiB of room, and then every few training steps
                // collect (measured: a full GC every ~8 steps, 20-25 ms each). When the least
                // live since the last collection came within a quarter of the minimum of the
                // threshold, the threshold grows by the minimum. The least live, not what is live
                // right after this collection: blocks may still be waiting to be freed then.
                long leastLive = LEAST_LIVE_SINCE_COLLECTION.get();
                if (leastLive + MIN_GC_THRESHOLD / 4 > gcThreshold) {
                    gcThreshold = Math.min(gcThreshold + MIN_GC_THRESHOLD, Math.max(MEMORY_LIMIT, MIN_GC_THRESHOLD));
                }
                youngCollectionFellShort = collect(rounded);
                LEAST_LIVE_SINCE_COLLECTION.set(LIVE.get());
            }
            live = LIVE.addAndGet(rounded);
            if (live > MEMORY_LIMIT) {
                LIVE.addAndGet(-rounded);
                throw new OutOfMemoryError("cpu: cannot allocate " + requested + " bytes: " + (live - rounded)
                        + " bytes are live and the limit is " + MEMORY_LIMIT
                        + " bytes (set -Dember.cpu.memoryLimit, or close tensors / use a memory scope)");
            }
            if (live > gcThreshold || (youngCollectionFellShort && 2 * live > gcThreshold)) {
                // What is still live after a full GC is the working set: leave it as much room
                // again. Also when it fits under the threshold but left a young collection too
                // little room: in a loop over 40 MB tensors (live ~160 MB of 256) every
                // few calls ran a young and then a full collection (210 full GCs of 20-40 ms in
                // 27 s; add at 1e7 took 30-60 ms a call).
                gcThreshold = Math.max(MIN_GC_THRESHOLD, Math.min(2 * live, Long.MAX_VALUE / 4));
            }
        }
    }

    /**
     * Makes the collector find unreachable buffers, then frees them (with the reclaimer thread)
     * until there is room for {@code rounded} more bytes under the threshold. A young collection
     * comes first: most buffers belong to tensors that died young, and it costs 1-3 ms where a full
     * {@link System#gc()} costs 10-25 ms. It counts only once that has made real room (a
     * quarter of the minimum threshold): one freed buffer may be enough for this allocation, but
     * then the next one would collect again. The full collection runs when that was not enough,
     * as soon as the reclaimer stops freeing more (waiting out all eight pauses cost 12.75 ms).
     * Returns true when a young collection ran but could not make that room: then the threshold
     * must leave the working set more of it.
     */
    private static boolean collect(long rounded) {
        long room = rounded + MIN_GC_THRESHOLD / 4;
        boolean young = YoungCollection.run();
        if (young && awaitRoom(room, rounded, 50_000L, 8, true)) return false;
        System.gc();
        // the same room, not just this allocation's: what is live once freeing stalls is the working set
        awaitRoom(room, rounded, 1_000_000L, 9, true);
        return young;
    }

    /**
     * Frees what the collector has queued, with doubling pauses from {@code firstWaitNanos} for
     * the collector to queue more, until {@code room} bytes are free under the threshold (and
     * {@code rounded} under the hard limit); with {@code stopWhenStalled}, gives up once nothing
     * more has been freed for a few pauses (the memory is live).
     */
    private static boolean awaitRoom(long room, long rounded, long firstWaitNanos, int attempts, boolean stopWhenStalled) {
        long wait = firstWaitNanos;
        long previous = Long.MAX_VALUE;
        for (int attempt = 0; attempt < attempts; attempt++) {
            BufferReclaimer.drain();
            long current = LIVE.get();
            if (current + room <= gcThreshold && current + rounded <= MEMORY_LIMIT) return true;
            if (stopWhenStalled && attempt >= 4 && current >= previous) return false;
            previous = current;
            LockSupport.parkNanos(wait);
            if (Thread.currentThread().isInterrupted()) return false;
            wait *= 2;
        }
        return false;
    }

    static void free(long address, long byteSize) {
        long rounded = roundUp(byteSize);
        if (!keepReusable(address, rounded)) freeToLibc(address);
        if (TRACK) ALLOCATION_SITES.remove(address);
        long live = LIVE.addAndGet(-rounded);
        LEAST_LIVE_SINCE_COLLECTION.accumulateAndGet(live, Math::min);
    }

    /** A kept block of exactly {@code rounded} bytes, or 0 when there is none. */
    private static long takeReusable(long rounded) {
        if (rounded > REUSE_MAX_BLOCK) {
            if (!REUSE_LARGE) return 0;
            synchronized (REUSE_LOCK) {
                return LARGE_BLOCKS.take(rounded);
            }
        }
        int sizeClass = (int) (rounded / ALIGNMENT);
        synchronized (REUSE_LOCK) {
            int count = REUSABLE_COUNT[sizeClass];
            if (count == 0) return 0;
            REUSABLE_COUNT[sizeClass] = count - 1;
            reusableBytes -= rounded;
            return REUSABLE[sizeClass][count - 1];
        }
    }

    /** Keeps a freed block for reuse; false when it must go back to libc (a small block without room). */
    private static boolean keepReusable(long address, long rounded) {
        if (rounded > REUSE_MAX_BLOCK) {
            if (!REUSE_LARGE) return false;
            synchronized (REUSE_LOCK) {
                LARGE_BLOCKS.keep(address, rounded);
            }
            return true;
        }
        int sizeClass = (int) (rounded / ALIGNMENT);
        synchronized (REUSE_LOCK) {
            int count = REUSABLE_COUNT[sizeClass];
            if (count == REUSE_DEPTH || reusableBytes + rounded > REUSE_MAX_BYTES) return false;
            if (REUSABLE[sizeClass] == null) REUSABLE[sizeClass] = new long[REUSE_DEPTH];
            REUSABLE[sizeClass][count] = address;
            REUSABLE_COUNT[sizeClass] = count + 1;
            reusableBytes += rounded;
            return true;
        }
    }
}
