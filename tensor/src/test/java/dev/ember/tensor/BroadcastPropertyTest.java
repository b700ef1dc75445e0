package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.ViewPropertyTest.Reference;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Broadcasting over random shape pairs: an op on broadcast operands equals the op on operands
 * expanded and copied to the common shape, and equals a plain-Java elementwise reference;
 * incompatible pairs fail naming both shapes.
 */
class BroadcastPropertyTest {

    private static final int CASES = 300;

    @Test
    void addOfBroadcastOperandsEqualsAddOfExpandedCopies() {
        Random random = new Random(424242L);
        for (int c = 0; c < CASES; c++) {
            long[] full = ViewPropertyTest.randomShape(random);
            long[] aShape = broadcastableTo(random, full);
            long[] bShape = broadcastableTo(random, full);
            long[] common = expectedBroadcast(aShape, bShape);
            Tensor a = operand(random, aShape, 0);
            Tensor b = operand(random, bShape, 1000);
            String where = "case " + c + ": " + Dimensions.shapeText(aShape) + " + " + Dimensions.shapeText(bShape);

            Tensor sum = a.add(b);
            Tensor expanded = a.expand(common).contiguous().add(b.expand(common).contiguous());
            assertArrayEquals(common, sum.shape(), where);
            assertArrayEquals(expanded.toDoubleArray(), sum.toDoubleArray(), where);

            Reference left = Reference.of(a).expand(common);
            Reference right = Reference.of(b).expand(common);
            double[] reference = new double[left.data.length];
            for (int i = 0; i < reference.length; i++) reference[i] = left.data[i] + right.data[i];
            assertArrayEquals(reference, sum.toDoubleArray(), where);

            Tensor product = b.mul(a);
            for (int i = 0; i < reference.length; i++) reference[i] = left.data[i] * right.data[i];
            assertArrayEquals(reference, product.toDoubleArray(), where);
        }
    }

    @Test
    void incompatibleShapesThrowNamingBothShapes() {
        Random random = new Random(5150L);
        for (int c = 0; c < CASES; c++) {
            int rank = 1 + random.nextInt(4);
            long[] aShape = new long[rank];
            long[] bShape = new long[rank];
            for (int d = 0; d < rank; d++) {
                aShape[d] = 1 + random.nextInt(4);
                bShape[d] = random.nextBoolean() ? aShape[d] : 1;
            }
            int clash = random.nextInt(rank);
            aShape[clash] = 2 + random.nextInt(3);
            bShape[clash] = aShape[clash] + 1 + random.nextInt(2);
            long[] bTrimmed = java.util.Arrays.copyOfRange(bShape, random.nextInt(clash + 1), rank);
            Tensor a = Tensor.zeros(aShape);
            Tensor b = Tensor.ones(bTrimmed);
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> a.add(b));
            assertTrue(error.getMessage().contains(Dimensions.shapeText(aShape)), error.getMessage());
            assertTrue(error.getMessage().contains(Dimensions.shapeText(bTrimmed)), error.getMessage());

            IllegalArgumentException expandError = assertThrows(IllegalArgumentException.class, () -> b.expand(aShape));
            assertTrue(expandError.getMessage().contains("Target sizes: " + Dimensions.shapeText(aShape)), expandError.getMessage());
            assertTrue(expandError.getMessage().contains("Tensor sizes: " + Dimensions.shapeText(bTrimmed)), expandError.getMessage());
        }
    }

    @Test
    void expandedViewsHaveZeroStridesAndShareMemory() {
        Tensor column = Tensor.of(new float[] {1, 2, 3}, 3, 1);
        Tensor wide = column.expand(2, 3, 4);
        assertArrayEquals(new long[] {0, 1, 0}, wide.stride());
        assertTrue(wide.storage == column.storage);
        assertArrayEquals(new float[] {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3},
                wide.toFloatArray());
    }

    /** A shape that broadcasts to {@code full}: a random suffix of its dims, each kept or set to 1. */
    private static long[] broadcastableTo(Random random, long[] full) {
        int rank = random.nextInt(full.length + 1);
        long[] shape = new long[rank];
        for (int d = 0; d < rank; d++) {
            long size = full[full.length - rank + d];
            shape[d] = random.nextInt(3) == 0 ? 1 : size;
        }
        return shape;
    }

    private static long[] expectedBroadcast(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int d = 0; d < rank; d++) {
            int i = d - (rank - a.length);
            int j = d - (rank - b.length);
            long x = i >= 0 ? a[i] : 1;
            long y = j >= 0 ? b[j] : 1;
            out[d] = x == 1 ? y : x;
        }
        return out;
    }

    /** Distinct values, sometimes seen through a non-contiguous (transposed or strided) view. */
    private static Tensor operand(Random random, long[] shape, int first) {
        Tensor t = ViewPropertyTest.sequence(shape).add((double) first);
        if (shape.length >= 2 && random.nextBoolean()) {
            long[] swapped = shape.clone();
            swapped[0] = shape[1];
            swapped[1] = shape[0];
            return ViewPropertyTest.sequence(swapped).add((double) first).transpose(0, 1);
        }
        if (shape.length >= 1 && random.nextBoolean()) {
            long[] doubled = shape.clone();
            doubled[0] = shape[0] * 2;
            return ViewPropertyTest.sequence(doubled).add((double) first).slice(0, 0, Long.MAX_VALUE, 2);
        }
        return t;
    }
}
