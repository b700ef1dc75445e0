package dev.ember.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Test helpers: fixture JSON from the classpath and exact comparison of tensors with expected values. */
final class TensorValues {
    private TensorValues() {}

    static Map<?, ?> resourceJson(String resource) throws IOException {
        try (InputStream in = TensorValues.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource);
            return (Map<?, ?>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Compares dtype, shape and every value exactly (NaN equals NaN, -0.0 differs from 0.0). */
    static void assertTensor(String what, DType dtype, long[] shape, List<?> values, Tensor actual) {
        assertEquals(dtype, actual.dtype(), what + ": dtype");
        assertArrayEquals(shape, actual.shape(), what + ": shape");
        assertEquals(values.size(), actual.numel(), what + ": numel");
        if (dtype.isFloatingPoint()) {
            double[] data = actual.toDoubleArray();
            for (int i = 0; i < data.length; i++) {
                assertEquals(0, Double.compare(expectedDouble(values.get(i)), data[i]),
                        what + "[" + i + "]: expected " + values.get(i) + " but was " + data[i]);
            }
        } else if (dtype == DType.BOOL) {
            boolean[] data = actual.toBooleanArray();
            for (int i = 0; i < data.length; i++) assertEquals(values.get(i), data[i], what + "[" + i + "]");
        } else {
            long[] data = actual.toLongArray();
            for (int i = 0; i < data.length; i++) assertEquals(((Number) values.get(i)).longValue(), data[i], what + "[" + i + "]");
        }
    }

    static double expectedDouble(Object value) {
        return switch (value) {
            case String s when s.equals("nan") -> Double.NaN;
            case String s when s.equals("inf") -> Double.POSITIVE_INFINITY;
            case String s when s.equals("-inf") -> Double.NEGATIVE_INFINITY;
            case Number n -> n.doubleValue();
            default -> throw new IllegalArgumentException("not a number: " + value);
        };
    }

    static long[] longs(Object list) {
        List<?> values = (List<?>) list;
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) values.get(i)).longValue();
        return out;
    }

    /** Every dtype with a small tensor of distinctive values (exact in that dtype). */
    static Map<DType, Tensor> oneOfEachDtype() {
        Tensor grid = Tensor.of(new double[] {-2.5, -1, -0.0, 0.5, 3, 1024, 7.25, -8}, 2, 4);
        return Map.of(
                DType.FLOAT32, grid.to(DType.FLOAT32),
                DType.FLOAT64, grid.add(1e-300).to(DType.FLOAT64),
                DType.FLOAT16, grid.to(DType.FLOAT16),
                DType.BFLOAT16, grid.to(DType.BFLOAT16),
                DType.INT64, Tensor.of(new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 42, 7, -7}, 2, 4),
                DType.INT32, Tensor.of(new int[] {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE, 42, 7, -7}, 2, 4),
                DType.INT16, Tensor.of(new long[] {-32768, -1, 0, 1, 32767, 42, 7, -7}, 2, 4).to(DType.INT16),
                DType.INT8, Tensor.of(new long[] {-128, -1, 0, 1, 127, 42, 7, -7}, 2, 4).to(DType.INT8),
                DType.UINT8, Tensor.of(new long[] {0, 255, 128, 1, 127, 42, 7, 200}, 2, 4).to(DType.UINT8),
                DType.BOOL, Tensor.of(new boolean[] {true, false, false, true, true, true, false, true}, 2, 4));
    }
}
