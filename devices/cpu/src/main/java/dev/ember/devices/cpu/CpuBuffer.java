package dev.ember.devices.cpu;

import dev.ember.devices.Buffer;
import dev.ember.devices.Device;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A block of 64-byte aligned off-heap memory, freed by {@link #close()} or, when it becomes
 * unreachable, by the {@link BufferReclaimer}. No Arena per buffer: closing a shared arena costs a thread
 * handshake, too much for the many short-lived tensors of a training step.
 *
 * <p>Buffers of at most {@link #HEAP_LIMIT} bytes (scalars, biases, tiny tensors) live on the
 * Java heap instead: malloc, reclaimer registration and the later free would cost more than
 * the op that uses them, and the garbage collector reclaims heap memory for free. Code that
 * needs a native address (BLAS) checks {@link #isNative()} and copies such buffers first.
 *
 * <pre>{@code
 * try (CpuBuffer b = CpuBuffer.allocate(1024, true)) {
 *     b.segment().setAtIndex(ValueLayout.JAVA_FLOAT, 0, 1f);
 * }
 * }</pre>
 */
public final class CpuBuffer implements Buffer {

    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(CpuBuffer.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long byteSize;
    private final MemorySegment segment;
    /** Null for a heap-backed buffer. */
    private final BufferReclaimer.Block block;
    @SuppressWarnings("unused") // accessed through CLOSED
    private volatile boolean closed;

    /** Buffers up to this many bytes live on the Java heap (property {@code ember.cpu.heapLimit}). */
    public static final long HEAP_LIMIT = Long.getLong("ember.cpu.heapLimit", 512);

    private CpuBuffer(long address, long byteSize) {
        this.byteSize = byteSize;
        // The segment spans the whole 64-byte-rounded block the allocator made. A masked vector
        // load or store at the tail reaches to the end of its 64-byte vector; when that passed the
        // segment's end, the Vector API took its scalar fallback, which deoptimised C2's code over
        // and over (a 1000-float add: 3 µs became 10-20 µs). Layout bounds checks use byteSize.
        this.segment = MemorySegment.ofAddress(address).reinterpret(CpuAllocator.roundUp(byteSize));
        this.block = BufferReclaimer.register(this, address, byteSize);
    }

    private CpuBuffer(MemorySegment heapSegment) {
        this.byteSize = heapSegment.byteSize();
        this.segment = heapSegment;
        this.block = null;
    }

    /**
     * Allocates {@code byteSize} bytes (0 is allowed), zero-filled when {@code zeroed}; small
     * buffers go on the heap (always zero-filled).
     */
    public static CpuBuffer allocate(long byteSize, boolean zeroed) {
        if (byteSize <= HEAP_LIMIT) {
            // byte[]: the one heap array kind whose segments get intrinsified vector loads and stores.
            return new CpuBuffer(MemorySegment.ofArray(new byte[(int) byteSize]));
        }
        return allocateNative(byteSize, zeroed);
    }

    /** Allocates off-heap memory whatever the size, for native libraries that need an address. */
    public static CpuBuffer allocateNative(long byteSize, boolean zeroed) {
        CpuBuffer buffer = new CpuBuffer(CpuAllocator.allocate(byteSize), byteSize);
        if (zeroed && byteSize > 0) buffer.segment.fill((byte) 0);
        return buffer;
    }

    /** True for off-heap memory with a native address; false for small heap-backed buffers. */
    public boolean isNative() { return block != null; }

    /**
     * The whole buffer as a segment; throws when the buffer is closed. A native buffer's segment
     * spans its allocated block, {@link #byteSize()} rounded up to 64 bytes.
     */
    public MemorySegment segment() {
        checkOpen();
        return segment;
    }

    /** The native address; only for {@linkplain #isNative() native} buffers. */
    public long address() {
        checkOpen();
        if (block == null) throw new IllegalStateException("a heap-backed cpu buffer has no native address");
        return segment.address();
    }

    @Override
    public Device device() { return Device.CPU; }

    @Override
    public long byteSize() { return byteSize; }

    @Override
    public boolean isClosed() { return closed; }

    @Override
    public void close() {
        if (!CLOSED.compareAndSet(this, false, true)) {
            throw new IllegalStateException("cpu buffer of " + byteSize + " bytes was already closed (closed twice)");
        }
        if (block != null) block.free();
    }

    @Override
    public String toString() {
        return "CpuBuffer(" + byteSize + " bytes" + (closed ? ", closed)" : ")");
    }
}
