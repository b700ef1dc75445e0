package dev.ember.devices.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MaxPoolPairsTest {

    /** Each window's first maximum, or its last NaN: the general kernel's rule. */
    private static void naive(float[] in, int inWidth, int outHeight, int outWidth, float[] out, long[] positions) {
        for (int oh = 0; oh < outHeight; oh++) {
            for (int ow = 0; ow < outWidth; ow++) {
                float best = Float.NEGATIVE_INFINITY;
                int at = -1;
                for (int r = 0; r < 2; r++) {
                    for (int c = 0; c < 2; c++) {
                        int i = (2 * oh + r) * inWidth + 2 * ow + c;
                        if (at < 0 || in[i] > best || Float.isNaN(in[i])) {
                            best = in[i];
                            at = i;
                        }
                    }
                }
                out[oh * outWidth + ow] = best;
                positions[oh * outWidth + ow] = at;
            }
        }
    }

    @Test
    void matchesTheDefinitionOnRandomPlanesWithTiesAndNaNs() {
        Random random = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int height = 2 + random.nextInt(40);
            int width = 2 + random.nextInt(80);
            int outHeight = height / 2;
            int outWidth = width / 2;
            float[] in = new float[height * width];
            for (int i = 0; i < in.length; i++) {
                int kind = random.nextInt(20);
                // small integers make ties common; a few NaNs and infinities test the special rules
                in[i] = kind == 0 ? Float.NaN : kind == 1 ? Float.NEGATIVE_INFINITY : random.nextInt(4);
            }
            float[] expected = new float[outHeight * outWidth];
            long[] expectedPositions = new long[expected.length];
            naive(in, width, outHeight, outWidth, expected, expectedPositions);
            float[] out = new float[expected.length];
            long[] positions = new long[expected.length];
            MaxPoolPairs.pool(in, width, outHeight, outWidth, out, positions);
            String where = "plane " + height + "x" + width;
            assertArrayEquals(expectedPositions, positions, where);
            for (int i = 0; i < out.length; i++) {
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(out[i]), where + " window " + i);
            }
        }
    }

    @Test
    void blocksOfNarrowPlanesMatchTheDefinitionThroughTheBackend() {
        Random random = new Random(11);
        CpuBackend cpu = new CpuBackend();
        // narrow rows (fewer than half a vector of windows) take the gathered block path; plane
        // counts that do not divide into blocks and odd sizes test the block edges
        long[][] shapes = {{3, 37, 11, 11}, {2, 50, 7, 9}, {1, 1, 5, 5}, {64, 64, 11, 11}, {4, 3, 3, 15}};
        for (long[] shape : shapes) {
            int planes = (int) (shape[0] * shape[1]);
            int height = (int) shape[2];
            int width = (int) shape[3];
            int outHeight = height / 2;
            int outWidth = width / 2;
            double[] values = new double[planes * height * width];
            for (int i = 0; i < values.length; i++) {
                int kind = random.nextInt(20);
                values[i] = kind == 0 ? Double.NaN : kind == 1 ? Double.NEGATIVE_INFINITY : random.nextInt(4);
            }
            dev.ember.devices.Strided x = Tensors.of(dev.ember.devices.DType.FLOAT32, shape, values);
            dev.ember.devices.Strided out = Tensors.empty(dev.ember.devices.DType.FLOAT32, shape[0], shape[1], outHeight, outWidth);
            dev.ember.devices.Strided indices = Tensors.empty(dev.ember.devices.DType.INT64, shape[0], shape[1], outHeight, outWidth);
            cpu.maxPool(x, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, out, indices);
            double[] pooled = Tensors.doubles(out);
            long[] positions = Tensors.longs(indices);
            int windows = outHeight * outWidth;
            for (int plane = 0; plane < planes; plane++) {
                float[] in = new float[height * width];
                for (int i = 0; i < in.length; i++) in[i] = (float) values[plane * in.length + i];
                float[] expected = new float[windows];
                long[] expectedPositions = new long[windows];
                naive(in, width, outHeight, outWidth, expected, expectedPositions);
                for (int w = 0; w < windows; w++) {
                    String where = java.util.Arrays.toString(shape) + " plane " + plane + " window " + w;
                    assertEquals(expectedPositions[w], positions[plane * windows + w], where);
                    assertEquals(Float.floatToIntBits(expected[w]), Float.floatToIntBits((float) pooled[plane * windows + w]), where);
                }
            }
        }
    }
}
