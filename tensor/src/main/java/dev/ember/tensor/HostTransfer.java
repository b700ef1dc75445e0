package dev.ember.tensor;

import dev.ember.devices.DType;
import java.lang.foreign.MemorySegment;

/** Copies tensor elements out to Java arrays (row-major, converted to the array's type). */
final class HostTransfer {
    private HostTransfer() {}

    static float[] toFloatArray(Tensor t) {
        float[] out = new float[checkedLength(t)];
        read(t, DType.FLOAT32, MemorySegment.ofArray(out));
        return out;
    }

    static double[] toDoubleArray(Tensor t) {
        double[] out = new double[checkedLength(t)];
        read(t, DType.FLOAT64, MemorySegment.ofArray(out));
        return out;
    }

    static long[] toLongArray(Tensor t) {
        long[] out = new long[checkedLength(t)];
        read(t, DType.INT64, MemorySegment.ofArray(out));
        return out;
    }

    static int[] toIntArray(Tensor t) {
        int[] out = new int[checkedLength(t)];
        read(t, DType.INT32, MemorySegment.ofArray(out));
        return out;
    }

    static boolean[] toBooleanArray(Tensor t) {
        byte[] bytes = new byte[checkedLength(t)];
        read(t, DType.BOOL, MemorySegment.ofArray(bytes));
        boolean[] out = new boolean[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = bytes[i] != 0;
        return out;
    }

    private static int checkedLength(Tensor t) {
        if (t.numel() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a tensor of " + t.numel() + " elements does not fit in a Java array");
        }
        return (int) t.numel();
    }

    private static void read(Tensor t, DType as, MemorySegment host) {
        Tensor source = t.dtype() == as && t.isContiguous() && t.layout().offset() == 0 ? t : Conversions.castContiguous(t, as);
        source.storage.backend.copyToHost(source.storage.buffer, source.layout().offset() * as.byteSize(), host,
                source.numel() * as.byteSize());
    }
}
