package dev.ember.devices;

/**
 * Where a tensor's memory lives: the CPU, or one GPU of a backend.
 *
 * <pre>{@code
 * Device.CPU;            // prints as "cpu"
 * Device.cuda(0);        // prints as "cuda:0"; using it throws if no CUDA device is present
 * Device.parse("cuda:1");
 * }</pre>
 */
public record Device(DeviceType type, int index) {

    public static final Device CPU = new Device(DeviceType.CPU, 0);

    public Device {
        if (type == null) throw new IllegalArgumentException("device type must not be null");
        if (index < 0) throw new IllegalArgumentException("device index must be >= 0, got " + index);
    }

    public static Device cuda(int index) { return new Device(DeviceType.CUDA, index); }

    public static Device rocm(int index) { return new Device(DeviceType.ROCM, index); }

    /** Parses {@code "cpu"}, {@code "cuda"}, {@code "cuda:1"}, {@code "rocm:0"}. */
    public static Device parse(String text) {
        String[] parts = text.trim().toLowerCase(java.util.Locale.ROOT).split(":", 2);
        for (DeviceType type : DeviceType.values()) {
            if (type.prefix().equals(parts[0])) {
                int index = 0;
                if (parts.length == 2) {
                    try {
                        index = Integer.parseInt(parts[1]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("invalid device string: '" + text + "'");
                    }
                }
                return new Device(type, index);
            }
        }
        throw new IllegalArgumentException("invalid device string: '" + text
                + "' (expected cpu, cuda[:N] or rocm[:N])");
    }

    @Override
    public String toString() {
        return type == DeviceType.CPU ? "cpu" : type.prefix() + ":" + index;
    }
}
