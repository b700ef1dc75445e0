package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** sort, argsort and topk: stability, NaN ordering, dims, dtypes and gradients. */
class SortingTest {

    private static final double NAN = Double.NaN;

    private static void assertValues(double[] expected, Tensor t) { assertArrayEquals(expected, t.toDoubleArray(), 1e-6); }

    private static void assertIndices(long[] expected, Tensor t) {
        assertEquals(DType.INT64, t.dtype());
        assertArrayEquals(expected, t.toLongArray());
    }

    @Test
    void sortAscendingGivesValuesAndSourceIndices() {
        Sorting.Result r = Tensor.of(new float[] {3, 1, 2}).sortWithIndices(0, false);
        assertEquals(DType.FLOAT32, r.values().dtype());
        assertValues(new double[] {1, 2, 3}, r.values());
        assertIndices(new long[] {1, 2, 0}, r.indices());
    }

    @Test
    void sortDescendingAlongNegativeDimOfAMatrix() {
        Tensor m = Tensor.of(new double[] {1, 5, 3, 9, 7, 8}, 2, 3);
        Sorting.Result r = m.sortWithIndices(-1, true);
        assertEquals(DType.FLOAT64, r.values().dtype());
        assertValues(new double[] {5, 3, 1, 9, 8, 7}, r.values());
        assertIndices(new long[] {1, 2, 0, 0, 2, 1}, r.indices());
        Sorting.Result columns = m.sortWithIndices(0, false);
        assertValues(new double[] {1, 5, 3, 9, 7, 8}, columns.values());
        assertIndices(new long[] {0, 0, 0, 1, 1, 1}, columns.indices());
    }

    @Test
    void sortOfTransposedAndSlicedInt64Inputs() {
        Tensor transposed = Tensor.of(new long[] {4, 1, 3, 2}, 2, 2).t();   // [[4, 3], [1, 2]]
        Sorting.Result r = transposed.sortWithIndices(1, false);
        assertEquals(DType.INT64, r.values().dtype());
        assertArrayEquals(new long[] {3, 4, 1, 2}, r.values().toLongArray());
        assertIndices(new long[] {1, 0, 0, 1}, r.indices());
        Tensor sliced = Tensor.of(new long[] {9, 0, 5, 0, 7, 0, 1}).slice(0, 0, 7, 2);   // [9, 5, 7, 1]
        assertArrayEquals(new long[] {1, 5, 7, 9}, sliced.sort(0, false).toLongArray());
        assertIndices(new long[] {0, 2, 1, 3}, sliced.argsort(0, true));
    }

    @Test
    void sortIsStableInBothDirections() {
        Tensor x = Tensor.of(new float[] {2, 1, 2, 1, 2});
        assertIndices(new long[] {1, 3, 0, 2, 4}, x.argsort(0, false));
        assertIndices(new long[] {0, 2, 4, 1, 3}, x.argsort(0, true));
    }

    @Test
    void nanSortsAsTheLargestValue() {
        Tensor x = Tensor.of(new double[] {NAN, 1, NAN, 0, Double.POSITIVE_INFINITY});
        Sorting.Result up = x.sortWithIndices(0, false);
        assertValues(new double[] {0, 1, Double.POSITIVE_INFINITY, NAN, NAN}, up.values());
        assertIndices(new long[] {3, 1, 4, 0, 2}, up.indices());
        Sorting.Result down = x.sortWithIndices(0, true);
        assertValues(new double[] {NAN, NAN, Double.POSITIVE_INFINITY, 1, 0}, down.values());
        assertIndices(new long[] {0, 2, 4, 1, 3}, down.indices());
    }

    @Test
    void sortRejectsADimOutOfRange() {
        var error = assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 2).sort(2, false));
        assertTrue(error.getMessage().contains("Dimension out of range"), error.getMessage());
    }

    @Test
    void sortGradientReturnsToTheOriginalPositions() {
        Tensor x = Tensor.of(new double[] {3, 1, 2}).requiresGrad_(true);
        x.sort(0, false).mul(Tensor.of(new double[] {1, 10, 100})).sum().backward();
        assertValues(new double[] {100, 1, 10}, x.grad());
        assertTrue(GradCheck.check(in -> in.get(0).sort(-1, true),
                List.of(Tensor.of(new double[] {0.5, -1, 2, 0.25, 3, -2}, 2, 3).requiresGrad_(true))));
    }

    @Test
    void topkTakesLargestOrSmallestSorted() {
        Tensor x = Tensor.of(new float[] {1, 5, 3, 4});
        Sorting.Result largest = x.topk(2, 0, true);
        assertValues(new double[] {5, 4}, largest.values());
        assertIndices(new long[] {1, 3}, largest.indices());
        Sorting.Result smallest = x.topk(3, -1, false);
        assertValues(new double[] {1, 3, 4}, smallest.values());
        assertIndices(new long[] {0, 2, 3}, smallest.indices());
        assertArrayEquals(new long[] {0}, x.topk(0, 0, true).values().shape());
    }

    @Test
    void topkAlongDimZeroOfATransposedFloat64Matrix() {
        Tensor m = Tensor.of(new double[] {1, 6, 2, 5, 3, 4}, 3, 2).t();   // [[1, 2, 3], [6, 5, 4]]
        Sorting.Result r = m.topk(1, 0, true);
        assertArrayEquals(new long[] {1, 3}, r.values().shape());
        assertValues(new double[] {6, 5, 4}, r.values());
        assertIndices(new long[] {1, 1, 1}, r.indices());
        Sorting.Result ints = Tensor.of(new long[] {7, 9, 8}).topk(2, 0, true);
        assertArrayEquals(new long[] {9, 8}, ints.values().toLongArray());
    }

    @Test
    void topkRejectsKLargerThanTheDim() {
        var error = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).topk(4, 1, true));
        assertTrue(error.getMessage().contains("selected index k out of range"), error.getMessage());
        assertTrue(error.getMessage().contains("k = 4") && error.getMessage().contains("size 3"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2).topk(-1, 0, true));
    }

    @Test
    void topkGradientReachesOnlyTheSelectedElements() {
        Tensor x = Tensor.of(new double[] {1, 5, 3, 4}).requiresGrad_(true);
        x.topk(2, 0, true).values().mul(Tensor.of(new double[] {10, 100})).sum().backward();
        assertValues(new double[] {0, 10, 0, 100}, x.grad());
        assertTrue(GradCheck.check(in -> in.get(0).topk(2, 0, false).values(),
                List.of(Tensor.of(new double[] {0.5, -1, 2, 0.25, 3, -2}, 3, 2).requiresGrad_(true))));
    }
}
