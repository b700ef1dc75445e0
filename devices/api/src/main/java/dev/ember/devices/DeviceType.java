package dev.ember.devices;

/** The kinds of device a backend can drive. */
public enum DeviceType {
    CPU("cpu"),
    CUDA("cuda"),
    ROCM("rocm");

    private final String prefix;

    DeviceType(String prefix) { this.prefix = prefix; }

    /** The name used in device strings such as {@code cuda:0}. */
    public String prefix() { return prefix; }
}
