package dev.ember.tensor;

import dev.ember.devices.DType;
import dev.ember.devices.Device;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Moves a tensor's elements to and from raw little-endian bytes in row-major order, the
 * layout of tensor files (safetensors, npy, IDX payloads). One bulk copy on little-endian
 * hosts; big-endian hosts swap bytes on the way.
 */
final class RawBytes {
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private RawBytes() {}

    static Tensor fromBytes(MemorySegment bytes, DType dtype, long[] shape) {
        for (long size : shape) {
            if (size < 0) throw new IllegalArgumentException("fromBytes: negative dimension " + size + " in shape " + Dimensions.shapeText(shape));
        }
        long numel = Dimensions.numel(shape);
        long expected = Math.multiplyExact(numel, (long) dtype.byteSize());
        if (bytes.byteSize() != expected) {
            throw new IllegalArgumentException("fromBytes: shape " + Dimensions.shapeText(shape) + " of " + dtype + " needs "
                    + expected + " bytes, but got " + bytes.byteSize());
        }
        Tensor out = Factories.empty(dtype, Device.CPU, shape);
        if (expected == 0) return out;
        if (NATIVE_LITTLE_ENDIAN || dtype.byteSize() == 1) {
            out.storage.backend.copyFromHost(bytes, out.storage.buffer, 0, expected);
        } else {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment swapped = arena.allocate(expected, dtype.byteSize());
                swap(bytes, swapped, dtype.byteSize());
                out.storage.backend.copyFromHost(swapped, out.storage.buffer, 0, expected);
            }
        }
        return out;
    }

    static void copyTo(Tensor t, MemorySegment destination) {
        long bytes = Math.multiplyExact(t.numel(), (long) t.dtype().byteSize());
        if (destination.byteSize() < bytes) {
            throw new IllegalArgumentException("copyTo: a tensor of shape " + Dimensions.shapeText(t.shape()) + " and dtype "
                    + t.dtype() + " needs " + bytes + " bytes, but the destination has " + destination.byteSize());
        }
        if (bytes == 0) return;
        Tensor source = t.isContiguous() ? t : Conversions.castContiguous(t, t.dtype());
        long sourceOffset = source.layout().offset() * source.dtype().byteSize();
        source.storage.backend.copyToHost(source.storage.buffer, sourceOffset, destination, bytes);
        if (!NATIVE_LITTLE_ENDIAN && t.dtype().byteSize() > 1) swap(destination.asSlice(0, bytes), destination, t.dtype().byteSize());
    }

    static byte[] toByteArray(Tensor t) {
        long bytes = Math.multiplyExact(t.numel(), (long) t.dtype().byteSize());
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("toByteArray: " + bytes + " bytes do not fit in a Java array; use copyTo(MemorySegment)");
        }
        byte[] out = new byte[(int) bytes];
        copyTo(t, MemorySegment.ofArray(out));
        return out;
    }

    /** Reverses the bytes of each element; source and destination may be the same memory. */
    private static void swap(MemorySegment source, MemorySegment destination, int elementSize) {
        long count = source.byteSize() / elementSize;
        for (long i = 0; i < count; i++) {
            long at = i * elementSize;
            switch (elementSize) {
                case 2 -> destination.set(ValueLayout.JAVA_SHORT_UNALIGNED, at,
                        Short.reverseBytes(source.get(ValueLayout.JAVA_SHORT_UNALIGNED, at)));
                case 4 -> destination.set(ValueLayout.JAVA_INT_UNALIGNED, at,
                        Integer.reverseBytes(source.get(ValueLayout.JAVA_INT_UNALIGNED, at)));
                case 8 -> destination.set(ValueLayout.JAVA_LONG_UNALIGNED, at,
                        Long.reverseBytes(source.get(ValueLayout.JAVA_LONG_UNALIGNED, at)));
                default -> throw new IllegalStateException("no byte swap for elements of " + elementSize + " bytes");
            }
        }
    }
}
