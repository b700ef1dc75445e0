package dev.ember.devices;

/**
 * The element types a tensor can hold, with PyTorch's names.
 *
 * <pre>{@code
 * DType.FLOAT32.byteSize();        // 4
 * DType.INT64.isFloatingPoint();   // false
 * }</pre>
 */
public enum DType {
    FLOAT32("float32", 4, Kind.FLOATING),
    FLOAT64("float64", 8, Kind.FLOATING),
    FLOAT16("float16", 2, Kind.FLOATING),
    BFLOAT16("bfloat16", 2, Kind.FLOATING),
    INT64("int64", 8, Kind.INTEGRAL),
    INT32("int32", 4, Kind.INTEGRAL),
    INT16("int16", 2, Kind.INTEGRAL),
    INT8("int8", 1, Kind.INTEGRAL),
    UINT8("uint8", 1, Kind.INTEGRAL),
    BOOL("bool", 1, Kind.BOOLEAN);

    /** The three categories that PyTorch's type promotion orders: bool &lt; integral &lt; floating. */
    public enum Kind { BOOLEAN, INTEGRAL, FLOATING }

    private final String pytorchName;
    private final int byteSize;
    private final Kind kind;

    DType(String pytorchName, int byteSize, Kind kind) {
        this.pytorchName = pytorchName;
        this.byteSize = byteSize;
        this.kind = kind;
    }

    /** Bytes per element. */
    public int byteSize() { return byteSize; }

    public Kind kind() { return kind; }

    public boolean isFloatingPoint() { return kind == Kind.FLOATING; }

    /** True for the integer types, not for bool. */
    public boolean isIntegral() { return kind == Kind.INTEGRAL; }

    public boolean isBool() { return kind == Kind.BOOLEAN; }

    /** The name PyTorch prints, e.g. {@code torch.float32} prints as {@code float32}. */
    public String pytorchName() { return pytorchName; }

    @Override
    public String toString() { return pytorchName; }
}
