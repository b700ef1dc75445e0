package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.devices.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class RawBytesTest {
    @Test
    void bytesAreLittleEndianAndRowMajorEvenForViews() {
        Tensor t = Tensor.of(new int[] {1, 2, 3, 4, 5, 6}, 2, 3).t().narrow(0, 1, 2);   // [[2, 5], [3, 6]]
        assertArrayEquals(new byte[] {2, 0, 0, 0, 5, 0, 0, 0, 3, 0, 0, 0, 6, 0, 0, 0}, t.toByteArray());
        assertArrayEquals(new byte[] {0, 0, (byte) 0xC0, 0x3F}, Tensor.scalar(1.5f).toByteArray());
    }

    @Test
    void fromBytesMakesATensorOfTheGivenDtypeAndShape() {
        Tensor t = Tensor.fromBytes(new byte[] {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, -1, -1, -1, -1}, DType.INT32, 2, 2);
        assertArrayEquals(new long[] {2, 2}, t.shape());
        assertArrayEquals(new int[] {1, 2, 3, -1}, t.toIntArray());
        Tensor scalar = Tensor.fromBytes(new byte[] {0, 0, 0, 0, 0, 0, (byte) 0xF0, 0x3F}, DType.FLOAT64);
        assertEquals(0, scalar.dim());
        assertEquals(1.0, scalar.item());
        assertArrayEquals(new long[] {0, 3}, Tensor.fromBytes(new byte[0], DType.BFLOAT16, 0, 3).shape());
    }

    @Test
    void bfloat16AndFloat16KeepTheirExactBits() {
        byte[] bits = {(byte) 0x80, 0x3F, 0x01, (byte) 0xC0};   // bfloat16 1.0 and -2.015625
        assertArrayEquals(new float[] {1.0f, -2.015625f}, Tensor.fromBytes(bits, DType.BFLOAT16, 2).toFloatArray());
        assertArrayEquals(bits, Tensor.fromBytes(bits, DType.BFLOAT16, 2).toByteArray());
        byte[] half = {0x00, 0x3C, (byte) 0xFF, 0x7B};          // float16 1.0 and 65504
        assertArrayEquals(new float[] {1.0f, 65504f}, Tensor.fromBytes(half, DType.FLOAT16, 2).toFloatArray());
    }

    @Test
    void copyToFillsTheStartOfASegment() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(32);
            Tensor.of(new long[] {7, -7}, 2).copyTo(segment);
            assertEquals(7L, segment.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            assertEquals(-7L, segment.get(ValueLayout.JAVA_LONG_UNALIGNED, 8));
        }
    }

    @Test
    void sizeMismatchesAreClearErrors() {
        var wrongSize = assertThrows(IllegalArgumentException.class, () -> Tensor.fromBytes(new byte[6], DType.FLOAT32, 2));
        assertEquals("fromBytes: shape [2] of float32 needs 8 bytes, but got 6", wrongSize.getMessage());
        var negative = assertThrows(IllegalArgumentException.class, () -> Tensor.fromBytes(new byte[0], DType.FLOAT32, -1));
        assertEquals("fromBytes: negative dimension -1 in shape [-1]", negative.getMessage());
        var small = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(4).copyTo(MemorySegment.ofArray(new byte[15])));
        assertEquals("copyTo: a tensor of shape [4] and dtype float32 needs 16 bytes, but the destination has 15", small.getMessage());
    }
}
