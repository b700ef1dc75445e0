package dev.ember.devices;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LayoutTest {

    @Test
    void contiguousStridesAreRowMajor() {
        Layout layout = Layout.contiguous(2, 3, 4);
        assertArrayEquals(new long[] {12, 4, 1}, layout.strides());
        assertEquals(24, layout.numel());
        assertTrue(layout.isContiguous());
    }

    @Test
    void transposeSwapsSizesAndStridesWithoutTouchingOffset() {
        Layout t = Layout.contiguous(2, 3).transpose(0, 1);
        assertArrayEquals(new long[] {3, 2}, t.shape());
        assertArrayEquals(new long[] {1, 3}, t.strides());
        assertFalse(t.isContiguous());
    }

    @Test
    void sliceWithStepCountsElementsAndMovesOffset() {
        Layout s = Layout.contiguous(10).slice(0, 1, 8, 3);   // 1, 4, 7
        assertArrayEquals(new long[] {3}, s.shape());
        assertArrayEquals(new long[] {3}, s.strides());
        assertEquals(1, s.offset());
        assertEquals(7, s.maxIndex());
    }

    @Test
    void selectDropsTheDimAndOffsetsByIndex() {
        Layout s = Layout.contiguous(4, 5).select(0, 2);
        assertArrayEquals(new long[] {5}, s.shape());
        assertEquals(10, s.offset());
    }

    @Test
    void expandGivesStrideZeroToStretchedDims() {
        Layout e = Layout.contiguous(3, 1).expand(new long[] {2, 3, 4});
        assertArrayEquals(new long[] {0, 1, 0}, e.strides());
    }

    @Test
    void viewMergesContiguousDimsOfATransposedLayoutOnlyWhereStridesAllow() {
        Layout t = Layout.contiguous(2, 3, 4).permute(new int[] {1, 0, 2});  // shape 3,2,4 strides 4,12,1
        assertNull(t.view(new long[] {6, 4}), "dims 0 and 1 are not adjacent in memory");
        Layout split = t.view(new long[] {3, 2, 2, 2});
        assertArrayEquals(new long[] {4, 12, 2, 1}, split.strides());
    }

    @Test
    void viewOfContiguousLayoutIsAlwaysPossible() {
        Layout v = Layout.contiguous(4, 6).view(new long[] {2, 12});
        assertArrayEquals(new long[] {12, 1}, v.strides());
    }

    @Test
    void viewKeepsElementOrderOnRandomStridedLayouts() {
        Random random = new Random(7);
        for (int trial = 0; trial < 500; trial++) {
            long[] shape = {1 + random.nextInt(4), 1 + random.nextInt(4), 1 + random.nextInt(4)};
            Layout base = Layout.contiguous(shape);
            Layout layout = random.nextBoolean() ? base.transpose(0, 2) : base.slice(1, 0, shape[1], 1 + random.nextInt(2));
            long[] target = {layout.numel()};
            Layout view = layout.view(target);
            if (view == null) continue;
            long[] expected = elementIndices(layout);
            long[] actual = elementIndices(view);
            assertArrayEquals(expected, actual, layout + " viewed as " + view);
        }
    }

    @Test
    void negativeSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Layout.contiguous(2, -1));
    }

    @Test
    void deviceStringsParseAndPrintLikePyTorch() {
        assertEquals("cuda:1", Device.parse("cuda:1").toString());
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
    }

    private static long[] elementIndices(Layout layout) {
        long[] shape = layout.shape();
        long[] strides = layout.strides();
        long[] out = new long[(int) layout.numel()];
        long[] counter = new long[shape.length];
        for (int i = 0; i < out.length; i++) {
            long index = layout.offset();
            for (int d = 0; d < shape.length; d++) index += counter[d] * strides[d];
            out[i] = index;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++counter[d] < shape[d]) break;
                counter[d] = 0;
            }
        }
        return out;
    }
}
