package dev.ember.devices;

/**
 * A block of device memory that tensors view through {@link Layout}s. A buffer is freed
 * when it becomes unreachable, or at once by {@link #close()}; using a closed buffer throws
 * {@link IllegalStateException}, never crashes the JVM.
 *
 * <pre>{@code
 * Buffer b = BackendRegistry.get(Device.CPU).allocate(Device.CPU, 1024);
 * b.close();   // freed now; b.checkOpen() would throw
 * }</pre>
 */
public interface Buffer extends AutoCloseable {

    Device device();

    /** Size in bytes. */
    long byteSize();

    boolean isClosed();

    /** Frees the memory now. Closing twice throws. */
    @Override
    void close();

    /** Throws a clear exception when this buffer was closed. */
    default void checkOpen() {
        if (isClosed()) {
            throw new IllegalStateException("use of a closed " + device() + " buffer of " + byteSize()
                    + " bytes: the tensor (or the memory scope that owned it) was closed");
        }
    }
}
