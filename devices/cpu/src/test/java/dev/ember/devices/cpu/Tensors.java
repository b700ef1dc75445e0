package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.Strided;

import java.lang.foreign.MemorySegment;
import java.util.Random;

/** Test helpers: build operands from Java arrays and read them back in row-major order. */
final class Tensors {

    static final CpuBackend CPU = new CpuBackend();

    private Tensors() {}

    static Strided empty(DType t, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        return new Strided(CpuBuffer.allocate(n * t.byteSize(), true), Layout.contiguous(shape), t);
    }

    static Strided of(DType t, long[] shape, double... values) {
        Strided s = empty(t, shape);
        MemorySegment seg = ((CpuBuffer) s.buffer()).segment();
        for (int i = 0; i < values.length; i++) Elements.setDouble(seg, t, i, values[i]);
        return s;
    }

    static Strided ofLongs(DType t, long[] shape, long... values) {
        Strided s = empty(t, shape);
        MemorySegment seg = ((CpuBuffer) s.buffer()).segment();
        for (int i = 0; i < values.length; i++) Elements.setLong(seg, t, i, values[i]);
        return s;
    }

    static Strided vector(DType t, double... values) { return of(t, new long[] {values.length}, values); }

    static Strided random(DType t, Random random, long... shape) {
        Strided s = empty(t, shape);
        MemorySegment seg = ((CpuBuffer) s.buffer()).segment();
        for (long i = 0; i < s.numel(); i++) {
            double v = t.isFloatingPoint() ? random.nextGaussian() * 3 : t.isBool() ? random.nextInt(2) : random.nextInt(200) - 100;
            if (t == DType.UINT8) v = random.nextInt(256);
            Elements.setDouble(seg, t, i, v);
        }
        return s;
    }

    static Strided view(Strided s, Layout layout) { return new Strided(s.buffer(), layout, s.dtype()); }

    /** A strided layout with the same logical values: the data is stored transposed (last two dims swapped). */
    static Strided transposedCopy(Strided s) {
        long[] shape = s.shape();
        int r = shape.length;
        long[] swapped = shape.clone();
        swapped[r - 1] = shape[r - 2];
        swapped[r - 2] = shape[r - 1];
        Strided storage = empty(s.dtype(), swapped);
        Strided view = view(storage, storage.layout().transpose(r - 2, r - 1));
        CPU.copy(s, view);
        return view;
    }

    static double[] doubles(Strided s) {
        MemorySegment seg = ((CpuBuffer) s.buffer()).segment();
        double[] out = new double[(int) s.numel()];
        long[] shape = s.shape();
        long[] counter = new long[shape.length];
        for (int i = 0; i < out.length; i++) {
            long off = s.layout().offset();
            for (int d = 0; d < shape.length; d++) off += counter[d] * s.layout().stride(d);
            out[i] = Elements.getDouble(seg, s.dtype(), off);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++counter[d] < shape[d]) break;
                counter[d] = 0;
            }
        }
        return out;
    }

    static long[] longs(Strided s) {
        MemorySegment seg = ((CpuBuffer) s.buffer()).segment();
        long[] out = new long[(int) s.numel()];
        long[] shape = s.shape();
        long[] counter = new long[shape.length];
        for (int i = 0; i < out.length; i++) {
            long off = s.layout().offset();
            for (int d = 0; d < shape.length; d++) off += counter[d] * s.layout().stride(d);
            out[i] = Elements.getLong(seg, s.dtype(), off);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++counter[d] < shape[d]) break;
                counter[d] = 0;
            }
        }
        return out;
    }

    static long[] shape(long... dims) { return dims; }
}
