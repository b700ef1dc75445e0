package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Advanced indexing: {@code index} ({@code a[i, j]}, {@code a[mask]}) and {@code indexPut}. */
class IndexingTestAdvanced {

    private static Tensor longs(long... values) { return Tensor.of(values); }

    private static Tensor bools(boolean... values) { return Tensor.of(values); }

    private static void assertValues(double[] expected, Tensor t) { assertArrayEquals(expected, t.toDoubleArray(), 1e-6); }

    private static void assertShape(Tensor t, long... shape) { assertArrayEquals(shape, t.shape()); }

    private static void assertMessage(Throwable error, String... parts) {
        for (String part : parts) {
            assertTrue(error.getMessage().contains(part), "message \"" + error.getMessage() + "\" lacks \"" + part + "\"");
        }
    }

    /** [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]] */
    private static Tensor grid(DType dtype) { return Tensor.arange(12).reshape(3, 4).to(dtype); }

    /** arange(24) as [2, 3, 4]: element (n, r, c) is 12n + 4r + c. */
    private static Tensor cube() { return Tensor.arange(24).reshape(2, 3, 4).to(DType.FLOAT32); }

    // ---------------------------------------------------------------- index

    @Test
    void oneIndexTensorPicksRowsAndWrapsNegatives() {
        Tensor out = grid(DType.FLOAT32).index(longs(2, 0, -1));
        assertShape(out, 3, 4);
        assertValues(new double[] {8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11}, out);
    }

    @Test
    void nullEntryIsAFullSliceSoColumnsCanBePicked() {
        Tensor out = grid(DType.FLOAT64).index(null, longs(3, 0));
        assertShape(out, 3, 2);
        assertEquals(DType.FLOAT64, out.dtype());
        assertValues(new double[] {3, 0, 7, 4, 11, 8}, out);
    }

    @Test
    void twoIndexTensorsPickPairsAndBroadcast() {
        Tensor a = grid(DType.FLOAT32);
        assertValues(new double[] {1, 11}, a.index(longs(0, 2), longs(1, 3)));
        Tensor out = a.index(Tensor.of(new long[] {0, 2}, 2, 1), longs(1, 3));
        assertShape(out, 2, 2);
        assertValues(new double[] {1, 3, 9, 11}, out);
    }

    @Test
    void adjacentIndicesAfterASliceStayInPlace() {
        Tensor out = cube().index(null, longs(0, 2), longs(1, 1));
        assertShape(out, 2, 2);
        assertValues(new double[] {1, 9, 13, 21}, out);
        Tensor middle = cube().index(null, Tensor.of(new long[] {2, 0, 1, 1}, 2, 2));
        assertShape(middle, 2, 2, 2, 4);
        assertValues(new double[] {8, 9, 10, 11, 0, 1, 2, 3}, middle.select(0, 0).select(0, 0));
        assertValues(new double[] {16, 17, 18, 19}, middle.select(0, 1).select(0, 1).select(0, 0));
    }

    @Test
    void separatedIndicesMoveTheirDimsToTheFront() {
        Tensor out = cube().index(longs(0, 1), null, longs(3, 0));
        assertShape(out, 2, 3);
        assertValues(new double[] {3, 7, 11, 12, 16, 20}, out);
    }

    @Test
    void zeroDimIndexDropsTheDim() {
        Tensor out = grid(DType.FLOAT32).index(Tensor.scalar(1L));
        assertShape(out, 4);
        assertValues(new double[] {4, 5, 6, 7}, out);
        Tensor element = grid(DType.FLOAT32).index(Tensor.scalar(2L), Tensor.scalar(-1L));
        assertShape(element);
        assertEquals(11, element.item());
    }

    @Test
    void indexOnTransposedAndSlicedInt64InputsWithInt32Indices() {
        Tensor transposed = Tensor.arange(12).reshape(3, 4).t();   // [4, 3], element (i, j) = 4j + i
        Tensor out = transposed.index(Tensor.of(new int[] {3, 0}), Tensor.of(new int[] {2, 1}));
        assertEquals(DType.INT64, out.dtype());
        assertArrayEquals(new long[] {11, 4}, out.toLongArray());
        Tensor sliced = Tensor.arange(12).reshape(3, 4).slice(1, 1, 4, 2);   // [[1,3],[5,7],[9,11]]
        assertArrayEquals(new long[] {9, 11, 1, 3}, sliced.index(longs(2, 0)).toLongArray());
    }

    @Test
    void boolMaskOverLeadingDimsSelectsLikeMaskedSelect() {
        Tensor a = grid(DType.FLOAT32);
        Tensor rows = a.index(bools(true, false, true));
        assertShape(rows, 2, 4);
        assertValues(new double[] {0, 1, 2, 3, 8, 9, 10, 11}, rows);
        Tensor mask = a.gt(8);
        Tensor flat = a.index(mask);
        assertShape(flat, 3);
        assertValues(new double[] {9, 10, 11}, flat);
        Tensor planes = cube().index(Tensor.of(new boolean[] {false, true, false, true, false, false}, 2, 3));
        assertShape(planes, 2, 4);
        assertValues(new double[] {4, 5, 6, 7, 12, 13, 14, 15}, planes);
        Tensor none = a.index(bools(false, false, false));
        assertShape(none, 0, 4);
    }

    @Test
    void boolMaskAfterANullEntrySelectsColumns() {
        Tensor out = grid(DType.FLOAT64).index(null, bools(false, true, false, true));
        assertShape(out, 3, 2);
        assertValues(new double[] {1, 3, 5, 7, 9, 11}, out);
    }

    @Test
    void noIndexTensorsReturnsTheTensorItself() {
        Tensor a = grid(DType.FLOAT32);
        assertSame(a, a.index((Tensor) null));
    }

    @Test
    void indexErrorsNameIndexDimAndSize() {
        Tensor a = grid(DType.FLOAT32);
        var large = assertThrows(IndexOutOfBoundsException.class, () -> a.index(longs(0, 3)));
        assertMessage(large, "index 3 is out of bounds for dimension 0 with size 3");
        var negative = assertThrows(IndexOutOfBoundsException.class, () -> a.index(null, longs(-5)));
        assertMessage(negative, "index -5 is out of bounds for dimension 1 with size 4");
        var dtype = assertThrows(IllegalArgumentException.class, () -> a.index(Tensor.of(new float[] {0})));
        assertMessage(dtype, "tensors used as indices must be long, int or bool tensors", "float32");
        var tooMany = assertThrows(IndexOutOfBoundsException.class, () -> a.index(longs(0), longs(0), longs(0)));
        assertMessage(tooMany, "too many indices for tensor of dimension 2 (got 3)");
        var mask = assertThrows(IndexOutOfBoundsException.class, () -> a.index(bools(true, false)));
        assertMessage(mask, "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3, 4] at index 0");
        var broadcast = assertThrows(IllegalArgumentException.class, () -> a.index(longs(0, 1), longs(0, 1, 2)));
        assertMessage(broadcast, "shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]");
    }

    @Test
    void indexGradientAccumulatesRepeatedRows() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 3, 2).requiresGrad_(true);
        x.index(longs(0, 0, -1)).sum().backward();
        assertValues(new double[] {2, 2, 0, 0, 1, 1}, x.grad());
    }

    @Test
    void indexGradientOfPairsAndMasksLandsOnThePickedElements() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 2, 3).requiresGrad_(true);
        x.index(longs(1, 0, 1), longs(2, 0, 2)).mul(Tensor.of(new double[] {1, 10, 100})).sum().backward();
        assertValues(new double[] {10, 0, 0, 0, 0, 101}, x.grad());
        Tensor y = Tensor.zeros(DType.FLOAT64, 2, 2).t().requiresGrad_(true);
        y.index(Tensor.of(new boolean[] {true, false, false, true}, 2, 2)).mul(Tensor.of(new double[] {3, 4})).sum().backward();
        assertValues(new double[] {3, 0, 0, 4}, y.grad());
        assertTrue(GradCheck.check(in -> in.get(0).index(longs(1, 0), null, longs(2, 2)),
                List.of(Tensor.randn(DType.FLOAT64, 2, 2, 3).requiresGrad_(true))));
    }

    // ---------------------------------------------------------------- indexPut

    @Test
    void indexPutWritesPairsOutOfPlace() {
        Tensor a = Tensor.zeros(3, 3);
        Tensor out = a.indexPut(new Tensor[] {longs(0, 2), longs(1, 1)}, Tensor.of(new float[] {5, 7}), false);
        assertValues(new double[] {0, 5, 0, 0, 0, 0, 0, 7, 0}, out);
        assertValues(new double[9], a);
    }

    @Test
    void indexPutBroadcastsValuesOverSelectedRows() {
        Tensor out = grid(DType.FLOAT64).indexPut(new Tensor[] {longs(-1, 0)}, Tensor.of(new double[] {-1, -2, -3, -4}), false);
        assertValues(new double[] {-1, -2, -3, -4, 4, 5, 6, 7, -1, -2, -3, -4}, out);
        Tensor scalar = grid(DType.FLOAT64).indexPut(new Tensor[] {null, longs(1)}, Tensor.scalar(0.5), false);
        assertValues(new double[] {0, 0.5, 2, 3, 4, 0.5, 6, 7, 8, 0.5, 10, 11}, scalar);
    }

    @Test
    void indexPutWithAMaskOnATransposedInt64Tensor() {
        Tensor a = Tensor.arange(6).reshape(2, 3).t();   // [[0,3],[1,4],[2,5]]
        Tensor out = a.indexPut(new Tensor[] {a.gt(2)}, Tensor.scalar(0L), false);
        assertEquals(DType.INT64, out.dtype());
        assertShape(out, 3, 2);
        assertArrayEquals(new long[] {0, 0, 1, 0, 2, 0}, out.toLongArray());
    }

    @Test
    void indexPutAccumulateAddsDuplicatesAndReplaceTakesOneValue() {
        Tensor sums = Tensor.zeros(3).indexPut(new Tensor[] {longs(0, 0, 2)}, Tensor.of(new float[] {1, 2, 3}), true);
        assertValues(new double[] {3, 0, 3}, sums);
        Tensor replaced = Tensor.zeros(3).indexPut(new Tensor[] {longs(0, 0, 2)}, Tensor.of(new float[] {1, 2, 3}), false);
        double first = replaced.toDoubleArray()[0];
        assertTrue(first == 1 || first == 2, "a duplicate takes one of its values, got " + first);
        assertEquals(0, replaced.toDoubleArray()[1]);
        assertEquals(3, replaced.toDoubleArray()[2]);
    }

    @Test
    void indexPutOnSeparatedDims() {
        Tensor out = cube().indexPut(new Tensor[] {longs(0, 1), null, longs(3, 0)}, Tensor.of(new float[] {-1, -2, -3}), false);
        assertShape(out, 2, 3, 4);
        assertValues(new double[] {0, 1, 2, -1}, out.select(0, 0).select(0, 0));
        assertValues(new double[] {8, 9, 10, -3}, out.select(0, 0).select(0, 2));
        assertValues(new double[] {-2, 17, 18, 19}, out.select(0, 1).select(0, 1));
        assertEquals(23, out.select(0, 1).select(0, 2).select(0, 3).item());
    }

    @Test
    void indexPutInPlaceWritesIntoTheTensor() {
        Tensor a = Tensor.zeros(DType.FLOAT64, 2, 2);
        a.indexPut_(new Tensor[] {longs(1), longs(0)}, Tensor.scalar(4.0), false);
        assertValues(new double[] {0, 0, 4, 0}, a);
    }

    @Test
    void indexPutErrorsNameShapesAndDtypes() {
        Tensor a = Tensor.zeros(3, 2);
        var shape = assertThrows(IllegalArgumentException.class,
                () -> a.indexPut(new Tensor[] {longs(0, 1)}, Tensor.zeros(3), false));
        assertMessage(shape, "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2, 2]");
        var dtype = assertThrows(IllegalArgumentException.class,
                () -> a.indexPut(new Tensor[] {longs(0)}, Tensor.zeros(DType.FLOAT64, 2), false));
        assertMessage(dtype, "Index put requires the source and destination dtypes match", "float32", "float64");
        var range = assertThrows(IndexOutOfBoundsException.class,
                () -> a.indexPut(new Tensor[] {null, longs(2)}, Tensor.zeros(3), true));
        assertMessage(range, "index 2 is out of bounds for dimension 1 with size 2");
    }

    @Test
    void indexPutGradientSkipsOverwrittenSelfAndReachesValues() {
        Tensor self = Tensor.zeros(DType.FLOAT64, 4).requiresGrad_(true);
        Tensor values = Tensor.zeros(DType.FLOAT64, 2).requiresGrad_(true);
        Tensor weights = Tensor.of(new double[] {1, 2, 3, 4});
        self.indexPut(new Tensor[] {longs(3, 1)}, values, false).mul(weights).sum().backward();
        assertValues(new double[] {1, 0, 3, 0}, self.grad());
        assertValues(new double[] {4, 2}, values.grad());
    }

    @Test
    void indexPutAccumulateGradientReachesSelfAndEveryDuplicate() {
        Tensor self = Tensor.zeros(DType.FLOAT64, 2, 2).requiresGrad_(true);
        Tensor values = Tensor.zeros(DType.FLOAT64, 3).requiresGrad_(true);
        Tensor weights = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        self.indexPut(new Tensor[] {longs(1, 1, 0), longs(0, 0, 1)}, values, true).mul(weights).sum().backward();
        assertValues(new double[] {1, 2, 3, 4}, self.grad());
        assertValues(new double[] {3, 3, 2}, values.grad());
        assertTrue(GradCheck.check(in -> in.get(0).indexPut(new Tensor[] {null, longs(2, 0)}, in.get(1), false),
                List.of(Tensor.randn(DType.FLOAT64, 2, 3).requiresGrad_(true),
                        Tensor.randn(DType.FLOAT64, 2).requiresGrad_(true))));
        assertTrue(GradCheck.check(in -> in.get(0).indexPut(new Tensor[] {longs(1, 1)}, in.get(1), true),
                List.of(Tensor.randn(DType.FLOAT64, 2, 3).requiresGrad_(true),
                        Tensor.randn(DType.FLOAT64, 2, 3).requiresGrad_(true))));
    }
}
