package dev.ember.tensor;

import dev.ember.devices.Backend;
import dev.ember.devices.BackendRegistry;
import dev.ember.devices.Buffer;
import dev.ember.devices.Device;

/**
 * The memory behind one or more tensors (a base tensor and its views), with the backend that
 * owns it and the version counter that in-place ops bump, shared by all views as in PyTorch.
 */
final class Storage {
    final Buffer buffer;
    final Backend backend;
    final Device device;
    /** Storages made so far, in this process: a storage's {@link #serial} is above every earlier count. */
    private static final java.util.concurrent.atomic.AtomicLong CREATED = new java.util.concurrent.atomic.AtomicLong();
    final long serial = CREATED.incrementAndGet();
    private int version;

    /** The number of storages made so far; storages made later have a larger {@link #serial}. */
    static long created() { return CREATED.get(); }

    Storage(Buffer buffer, Backend backend, Device device) {
        this.buffer = buffer;
        this.backend = backend;
        this.device = device;
    }

    static Storage allocate(Device device, long byteSize, boolean zeroed) {
        Backend backend = BackendRegistry.get(device);
        Storage storage = new Storage(backend.allocate(device, byteSize, zeroed), backend, device);
        MemoryScope.track(storage);
        return storage;
    }

    int version() { return version; }

    void bumpVersion() { version++; }
}
