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
    private int version;

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
