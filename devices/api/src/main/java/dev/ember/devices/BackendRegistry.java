package dev.ember.devices;

import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds backends on the class path through {@link ServiceLoader} and hands out the one that
 * drives a device, with a clear error when it is absent or unavailable.
 *
 * <pre>{@code
 * Backend cpu = BackendRegistry.get(Device.CPU);
 * boolean gpu = BackendRegistry.isAvailable(DeviceType.CUDA);
 * }</pre>
 */
public final class BackendRegistry {

    private static final Map<DeviceType, Backend> BACKENDS = load();

    private BackendRegistry() {}

    private static Map<DeviceType, Backend> load() {
        Map<DeviceType, Backend> found = new EnumMap<>(DeviceType.class);
        for (Backend backend : ServiceLoader.load(Backend.class, BackendRegistry.class.getClassLoader())) {
            found.putIfAbsent(backend.deviceType(), backend);
        }
        return found;
    }

    /** True when a backend for this device type is on the class path and has a device. */
    public static boolean isAvailable(DeviceType type) {
        Backend backend = BACKENDS.get(type);
        return backend != null && backend.isAvailable();
    }

    /** The backend for {@code device}, or an exception saying why there is none. */
    public static Backend get(Device device) {
        Backend backend = BACKENDS.get(device.type());
        if (backend == null) {
            throw new IllegalStateException("no backend for device " + device + " on the class path (add the ember-devices-"
                    + device.type().prefix() + " module)");
        }
        if (!backend.isAvailable()) {
            throw new IllegalStateException("device " + device + " is not available: " + backend.unavailableReason());
        }
        if (device.index() >= backend.deviceCount()) {
            throw new IllegalStateException("device " + device + " is not available: " + backend.deviceCount()
                    + " " + device.type().prefix() + " device(s) present");
        }
        return backend;
    }
}
