package dev.ember.devices.cpu;

import dev.ember.devices.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reading and writing elements of any dtype, one at a time or a strided run into a Java
 * array. Floating dtypes are computed in double and integral/bool dtypes in long, so these
 * conversions are the only place that knows how each dtype is stored.
 *
 * <p>Casts follow C and PyTorch: float to integer truncates toward zero (through int64, so
 * -1.0 as uint8 wraps to 255), anything to bool is {@code x != 0}, bfloat16 rounds to
 * nearest even.
 */
final class Elements {

    // Unaligned layouts: small buffers are byte[]-backed heap segments (the only heap kind whose
    // vector loads C2 intrinsifies), which promise no alignment; x86 pays nothing for this.
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    static final ValueLayout.OfByte I8 = ValueLayout.JAVA_BYTE;

    private Elements() {}

    /**
     * True when Vector API loads and stores on these segments compile to vector instructions:
     * C2 intrinsifies them for native segments only, and the fallback on heap segments (the
     * small heap-backed buffers) is far slower than a scalar loop.
     */
    static boolean vectorFriendly(MemorySegment... segments) {
        for (MemorySegment segment : segments) if (!segment.isNative()) return false;
        return true;
    }

    /** True when the dtype computes in double (else in long). */
    static boolean floating(DType t) { return t.isFloatingPoint(); }

    static float bfloat16ToFloat(short bits) { return Float.intBitsToFloat((bits & 0xFFFF) << 16); }

    static short floatToBFloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    static double getDouble(MemorySegment s, DType t, long i) {
        return switch (t) {
            case FLOAT32 -> s.getAtIndex(F32, i);
            case FLOAT64 -> s.getAtIndex(F64, i);
            case FLOAT16 -> Float.float16ToFloat(s.getAtIndex(I16, i));
            case BFLOAT16 -> bfloat16ToFloat(s.getAtIndex(I16, i));
            case INT64 -> s.getAtIndex(I64, i);
            case INT32 -> s.getAtIndex(I32, i);
            case INT16 -> s.getAtIndex(I16, i);
            case INT8 -> s.getAtIndex(I8, i);
            case UINT8, BOOL -> s.getAtIndex(I8, i) & 0xFF;
        };
    }

    static long getLong(MemorySegment s, DType t, long i) {
        return switch (t) {
            case FLOAT32, FLOAT64, FLOAT16, BFLOAT16 -> (long) getDouble(s, t, i);
            case INT64 -> s.getAtIndex(I64, i);
            case INT32 -> s.getAtIndex(I32, i);
            case INT16 -> s.getAtIndex(I16, i);
            case INT8 -> s.getAtIndex(I8, i);
            case UINT8, BOOL -> s.getAtIndex(I8, i) & 0xFF;
        };
    }

    static void setDouble(MemorySegment s, DType t, long i, double v) {
        switch (t) {
            case FLOAT32 -> s.setAtIndex(F32, i, (float) v);
            case FLOAT64 -> s.setAtIndex(F64, i, v);
            case FLOAT16 -> s.setAtIndex(I16, i, Float.floatToFloat16((float) v));
            case BFLOAT16 -> s.setAtIndex(I16, i, floatToBFloat16((float) v));
            case BOOL -> s.setAtIndex(I8, i, v != 0 ? (byte) 1 : (byte) 0);
            default -> setLong(s, t, i, (long) v);
        }
    }

    static void setLong(MemorySegment s, DType t, long i, long v) {
        switch (t) {
            case FLOAT32 -> s.setAtIndex(F32, i, (float) v);
            case FLOAT64 -> s.setAtIndex(F64, i, (double) v);
            case FLOAT16 -> s.setAtIndex(I16, i, Float.floatToFloat16((float) v));
            case BFLOAT16 -> s.setAtIndex(I16, i, floatToBFloat16((float) v));
            case INT64 -> s.setAtIndex(I64, i, v);
            case INT32 -> s.setAtIndex(I32, i, (int) v);
            case INT16 -> s.setAtIndex(I16, i, (short) v);
            case INT8, UINT8 -> s.setAtIndex(I8, i, (byte) v);
            case BOOL -> s.setAtIndex(I8, i, v != 0 ? (byte) 1 : (byte) 0);
        }
    }

    /** The stored bit pattern of {@code v} in dtype {@code t}, for fills. */
    static long rawBits(DType t, double v) {
        return switch (t) {
            case FLOAT32 -> Float.floatToRawIntBits((float) v) & 0xFFFFFFFFL;
            case FLOAT64 -> Double.doubleToRawLongBits(v);
            case FLOAT16 -> Float.floatToFloat16((float) v) & 0xFFFFL;
            case BFLOAT16 -> floatToBFloat16((float) v) & 0xFFFFL;
            case BOOL -> v != 0 ? 1 : 0;
            default -> (long) v;
        };
    }

    static long getRaw(MemorySegment s, int byteSize, long i) {
        return switch (byteSize) {
            case 8 -> s.getAtIndex(I64, i);
            case 4 -> s.getAtIndex(I32, i);
            case 2 -> s.getAtIndex(I16, i);
            default -> s.getAtIndex(I8, i);
        };
    }

    static void setRaw(MemorySegment s, int byteSize, long i, long bits) {
        switch (byteSize) {
            case 8 -> s.setAtIndex(I64, i, bits);
            case 4 -> s.setAtIndex(I32, i, (int) bits);
            case 2 -> s.setAtIndex(I16, i, (short) bits);
            default -> s.setAtIndex(I8, i, (byte) bits);
        }
    }

    /** {@code out[0..n) = s[off + j * stride]} as double; the switch is outside the loop. */
    static void readDoubles(MemorySegment s, DType t, long off, long stride, double[] out, int n) {
        switch (t) {
            case FLOAT32 -> { for (int j = 0; j < n; j++) out[j] = s.getAtIndex(F32, off + j * stride); }
            case FLOAT64 -> { for (int j = 0; j < n; j++) out[j] = s.getAtIndex(F64, off + j * stride); }
            case FLOAT16 -> { for (int j = 0; j < n; j++) out[j] = Float.float16ToFloat(s.getAtIndex(I16, off + j * stride)); }
            case BFLOAT16 -> { for (int j = 0; j < n; j++) out[j] = bfloat16ToFloat(s.getAtIndex(I16, off + j * stride)); }
            case INT64 -> { for (int j = 0; j < n; j++) out[j] = s.getAtIndex(I64, off + j * stride); }
            case INT32 -> { for (int j = 0; j < n; j++) out[j] = s.getAtIndex(I32, off + j * stride); }
            case INT16 -> { for (int j = 0; j < n; j++) out[j] = s.getAtIndex(I16, off + j * stride); }
            case INT8 -> { for (int j = 0; j < n; j++) out[j] = s.getAtIndex(I8, off + j * stride); }
            case UINT8, BOOL -> { for (int j = 0; j < n; j++) out[j] = s.getAtIndex(I8, off + j * stride) & 0xFF; }
        }
    }

    static void readLongs(MemorySegment s, DType t, long off, long stride, long[] out, int n) {
        switch (t) {
            case INT64 -> { for (int j = 0; j < n; j++) out[j] = s.getAtIndex(I64, off + j * stride); }
            case INT32 -> { for (int j = 0; j < n; j++) out[j] = s.getAtIndex(I32, off + j * stride); }
            case INT16 -> { for (int j = 0; j < n; j++) out[j] = s.getAtIndex(I16, off + j * stride); }
            case INT8 -> { for (int j = 0; j < n; j++) out[j] = s.getAtIndex(I8, off + j * stride); }
            case UINT8, BOOL -> { for (int j = 0; j < n; j++) out[j] = s.getAtIndex(I8, off + j * stride) & 0xFF; }
            default -> { for (int j = 0; j < n; j++) out[j] = (long) getDouble(s, t, off + j * stride); }
        }
    }

    static void writeDoubles(MemorySegment s, DType t, long off, long stride, double[] in, int n) {
        switch (t) {
            case FLOAT32 -> { for (int j = 0; j < n; j++) s.setAtIndex(F32, off + j * stride, (float) in[j]); }
            case FLOAT64 -> { for (int j = 0; j < n; j++) s.setAtIndex(F64, off + j * stride, in[j]); }
            case FLOAT16 -> { for (int j = 0; j < n; j++) s.setAtIndex(I16, off + j * stride, Float.floatToFloat16((float) in[j])); }
            case BFLOAT16 -> { for (int j = 0; j < n; j++) s.setAtIndex(I16, off + j * stride, floatToBFloat16((float) in[j])); }
            case INT64 -> { for (int j = 0; j < n; j++) s.setAtIndex(I64, off + j * stride, (long) in[j]); }
            case INT32 -> { for (int j = 0; j < n; j++) s.setAtIndex(I32, off + j * stride, (int) (long) in[j]); }
            case INT16 -> { for (int j = 0; j < n; j++) s.setAtIndex(I16, off + j * stride, (short) (long) in[j]); }
            case INT8, UINT8 -> { for (int j = 0; j < n; j++) s.setAtIndex(I8, off + j * stride, (byte) (long) in[j]); }
            case BOOL -> { for (int j = 0; j < n; j++) s.setAtIndex(I8, off + j * stride, in[j] != 0 ? (byte) 1 : (byte) 0); }
        }
    }

    static void writeLongs(MemorySegment s, DType t, long off, long stride, long[] in, int n) {
        switch (t) {
            case INT64 -> { for (int j = 0; j < n; j++) s.setAtIndex(I64, off + j * stride, in[j]); }
            case INT32 -> { for (int j = 0; j < n; j++) s.setAtIndex(I32, off + j * stride, (int) in[j]); }
            case INT16 -> { for (int j = 0; j < n; j++) s.setAtIndex(I16, off + j * stride, (short) in[j]); }
            case INT8, UINT8 -> { for (int j = 0; j < n; j++) s.setAtIndex(I8, off + j * stride, (byte) in[j]); }
            case BOOL -> { for (int j = 0; j < n; j++) s.setAtIndex(I8, off + j * stride, in[j] != 0 ? (byte) 1 : (byte) 0); }
            default -> { for (int j = 0; j < n; j++) setLong(s, t, off + j * stride, in[j]); }
        }
    }
}
