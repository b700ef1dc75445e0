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
}
