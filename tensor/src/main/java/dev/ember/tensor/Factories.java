package dev.ember.tensor;

import dev.ember.devices.DType;
import dev.ember.devices.Device;
import dev.ember.devices.Layout;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** Tensor creation from Java data and constants. */
final class Factories {
    private Factories() {}

    static Tensor empty(DType dtype, Device device, long... shape) {
        return allocate(dtype, device, shape, false);
    }

    static Tensor allocate(DType dtype, Device device, long[] shape, boolean zeroed) {
        for (long size : shape) {
            if (size < 0) throw new IllegalArgumentException("Trying to create tensor with negative dimension " + size + ": "
                    + Dimensions.shapeText(shape));
        }
        Layout layout = Layout.contiguous(shape);
        long bytes = Math.multiplyExact(layout.numel(), (long) dtype.byteSize());
        return new Tensor(Storage.allocate(device, bytes, zeroed), layout, dtype);
    }

    static Tensor full(DType dtype, double value, long[] shape) { return full(dtype, value, shape, Device.CPU); }

    static Tensor full(DType dtype, double value, long[] shape, Device device) {
        if (value == 0) return allocate(dtype, device, shape, true);
        Tensor out = allocate(dtype, device, shape, false);
        out.storage.backend.fill(out.strided(), value);
        return out;
    }

    /** A 0-dim tensor for a Java number used as an operand of {@code like}, marked for type promotion. */
    static Tensor wrap(double value, Tensor like) {
        Tensor out = allocateWrapped(DType.FLOAT64, like.device());
        out.storage.backend.fill(out.strided(), value);
        return out;
    }

    static Tensor wrap(long value, Tensor like) {
        Tensor out = allocateWrapped(DType.INT64, like.device());
        out.storage.backend.copyFromHost(MemorySegment.ofArray(new long[] {value}), out.storage.buffer, 0, 8);
        return out;
    }

    private static Tensor allocateWrapped(DType dtype, Device device) {
        Storage storage = Storage.allocate(device, dtype.byteSize(), false);
        return new Tensor(storage, Layout.contiguous(), dtype, true);
    }

    static Tensor of(float[] data, long[] shape) { return fromHost(MemorySegment.ofArray(data), data.length, DType.FLOAT32, shape); }

    static Tensor of(double[] data, long[] shape) { return fromHost(MemorySegment.ofArray(data), data.length, DType.FLOAT64, shape); }

    static Tensor of(long[] data, long[] shape) { return fromHost(MemorySegment.ofArray(data), data.length, DType.INT64, shape); }

    static Tensor of(int[] data, long[] shape) { return fromHost(MemorySegment.ofArray(data), data.length, DType.INT32, shape); }

    static Tensor of(boolean[] data, long[] shape) {
        byte[] bytes = new byte[data.length];
        for (int i = 0; i < data.length; i++) bytes[i] = (byte) (data[i] ? 1 : 0);
        return fromHost(MemorySegment.ofArray(bytes), data.length, DType.BOOL, shape);
    }

    static Tensor fromHost(MemorySegment host, long length, DType dtype, long[] shape) {
        long[] effective = shape.length == 0 ? new long[] {length} : shape;
        long numel = Dimensions.numel(effective);
        if (numel != length) {
            throw new IllegalArgumentException("shape " + Dimensions.shapeText(effective) + " is invalid for input of size " + length);
        }
        Tensor out = empty(dtype, Device.CPU, effective);
        out.storage.backend.copyFromHost(host, out.storage.buffer, 0, numel * dtype.byteSize());
        return out;
    }

    static Tensor arange(long start, long end, long step) {
        if (step == 0) throw new IllegalArgumentException("arange: step must be nonzero");
        long count = Math.max(0, (end - start + step - (step > 0 ? 1 : -1)) / step);
        long[] values = new long[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) values[i] = start + i * step;
        return of(values, new long[] {count});
    }

    static Tensor arange(double start, double end, double step) {
        if (step == 0) throw new IllegalArgumentException("arange: step must be nonzero");
        long count = (long) Math.ceil((end - start) / step);
        if (count < 0) throw new IllegalArgumentException("arange: upper bound and larger bound inconsistent with step sign");
        double[] values = new double[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) values[i] = start + i * step;
        return of(values, new long[] {count}).to(DType.FLOAT32);
    }

    static Tensor linspace(DType dtype, double start, double end, long steps) {
        if (steps < 0) throw new IllegalArgumentException("linspace: number of steps must be non-negative, got " + steps);
        double[] values = new double[Math.toIntExact(steps)];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        // Fill from both ends, as PyTorch does, so the last value is exactly 'end'.
        long half = steps / 2;
        for (int i = 0; i < values.length; i++) values[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
        return of(values, new long[] {steps}).to(dtype);
    }

    static Tensor eye(DType dtype, long n, long m) {
        double[] values = new double[Math.toIntExact(n * m)];
        for (long i = 0; i < Math.min(n, m); i++) values[(int) (i * m + i)] = 1;
        return of(values, new long[] {n, m}).to(dtype);
    }

    static long[] copyShape(long[] shape) { return Arrays.copyOf(shape, shape.length); }
}
