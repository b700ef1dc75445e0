package dev.ember.devices.cpu;

import dev.ember.devices.Buffer;
import dev.ember.devices.Device;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;

/**
 * A block of 64-byte aligned off-heap memory, freed by {@link #close()} or, when it becomes
 * unreachable, by a cleaner. No Arena per buffer: closing a shared arena costs a thread
 * handshake, too much for the many short-lived tensors of a training step.
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
    private final Cleaner.Cleanable cleanable;
    @SuppressWarnings("unused") // accessed through CLOSED
    private volatile boolean closed;

    private CpuBuffer(long address, long byteSize) {
        this.byteSize = byteSize;
        this.segment = MemorySegment.ofAddress(address).reinterpret(byteSize);
        this.cleanable = CpuAllocator.CLEANER.register(this, new Free(address, byteSize));
    }

    /** Allocates {@code byteSize} bytes (0 is allowed), zero-filled when {@code zeroed}. */
    public static CpuBuffer allocate(long byteSize, boolean zeroed) {
        CpuBuffer buffer = new CpuBuffer(CpuAllocator.allocate(byteSize), byteSize);
        if (zeroed && byteSize > 0) buffer.segment.fill((byte) 0);
        return buffer;
    }

    /** The whole buffer as a segment; throws when the buffer is closed. */
    public MemorySegment segment() {
        checkOpen();
        return segment;
    }

    public long address() {
        checkOpen();
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
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "CpuBuffer(" + byteSize + " bytes" + (closed ? ", closed)" : ")");
    }

    /** The cleaning action holds only the address, never the buffer, or the buffer would never become unreachable. */
    private record Free(long address, long byteSize) implements Runnable {
        @Override
        public void run() { CpuAllocator.free(address, byteSize); }
    }
}
