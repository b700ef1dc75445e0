package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** indexSelect, gather, scatter, scatterAdd, indexAdd, maskedSelect and nonzero. */
class IndexingTest {

    private static Tensor longs(long... values) { return Tensor.of(values); }

    private static void assertValues(double[] expected, Tensor t) { assertArrayEquals(expected, t.toDoubleArray(), 1e-6); }

    private static void assertShape(Tensor t, long... shape) { assertArrayEquals(shape, t.shape()); }

    private static void assertMessage(Throwable error, String... parts) {
        for (String part : parts) {
            assertTrue(error.getMessage().contains(part), "message \"" + error.getMessage() + "\" lacks \"" + part + "\"");
        }
    }

    /** [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]] */
    private static Tensor grid(DType dtype) { return Tensor.arange(12).reshape(3, 4).to(dtype); }

    // ---------------------------------------------------------------- indexSelect

    @Test
    void indexSelectPicksRowsInIndexOrder() {
        Tensor out = grid(DType.FLOAT32).indexSelect(0, longs(2, 0));
        assertShape(out, 2, 4);
        assertEquals(DType.FLOAT32, out.dtype());
        assertValues(new double[] {8, 9, 10, 11, 0, 1, 2, 3}, out);
    }

    @Test
    void indexSelectOnTransposedInputAlongNegativeDim() {
        Tensor t = grid(DType.FLOAT64).t();   // [4, 3]
        Tensor out = t.indexSelect(-1, longs(1, 1));
        assertShape(out, 4, 2);
        assertEquals(DType.FLOAT64, out.dtype());
        assertValues(new double[] {4, 4, 5, 5, 6, 6, 7, 7}, out);
    }

    @Test
    void indexSelectOnSlicedInt64InputAcceptsInt32Index() {
        Tensor sliced = Tensor.arange(10).slice(0, 1, 9, 2);   // [1, 3, 5, 7]
        Tensor out = sliced.indexSelect(0, Tensor.of(new int[] {3, 0, 3}));
        assertEquals(DType.INT64, out.dtype());
        assertArrayEquals(new long[] {7, 1, 7}, out.toLongArray());
    }

    @Test
    void indexSelectWithZeroDimIndexKeepsTheDim() {
        Tensor out = grid(DType.FLOAT32).indexSelect(1, Tensor.scalar(2L));
        assertShape(out, 3, 1);
        assertValues(new double[] {2, 6, 10}, out);
    }

    @Test
    void indexSelectRejectsOutOfRangeAndNegativeIndices() {
        Tensor a = grid(DType.FLOAT32);
        var tooLarge = assertThrows(IndexOutOfBoundsException.class, () -> a.indexSelect(1, longs(0, 4)));
        assertMessage(tooLarge, "index out of range in self", "index 4", "dimension 1", "size 4");
        var negative = assertThrows(IndexOutOfBoundsException.class, () -> a.indexSelect(0, longs(-1)));
        assertMessage(negative, "index out of range in self", "index -1", "dimension 0", "size 3");
    }

    @Test
    void indexSelectRejectsFloatAndMatrixIndices() {
        Tensor a = grid(DType.FLOAT32);
        var floating = assertThrows(IllegalArgumentException.class, () -> a.indexSelect(0, Tensor.of(new float[] {0})));
        assertMessage(floating, "index_select", "int32 or int64", "float32");
        var matrix = assertThrows(IllegalArgumentException.class, () -> a.indexSelect(0, Tensor.of(new long[] {0, 1}, 1, 2)));
        assertMessage(matrix, "vector", "[1, 2]");
        assertThrows(IndexOutOfBoundsException.class, () -> a.indexSelect(2, longs(0)));
    }

    @Test
    void indexSelectGradientAccumulatesRepeatedRows() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 3, 2).requiresGrad_(true);
        x.indexSelect(0, longs(0, 2, 0)).sum().backward();
        assertValues(new double[] {2, 2, 0, 0, 1, 1}, x.grad());
    }

    @Test
    void indexSelectGradientPassesWeightsBackAlongColumns() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 2, 3).requiresGrad_(true);
        Tensor weights = Tensor.of(new double[] {1, 10, 100, 1000}, 2, 2);
        x.indexSelect(1, longs(2, 2)).mul(weights).sum().backward();
        assertValues(new double[] {0, 0, 11, 0, 0, 1100}, x.grad());
        assertTrue(GradCheck.check(in -> in.get(0).indexSelect(1, longs(2, 0, 2)),
                List.of(Tensor.randn(DType.FLOAT64, 2, 3).requiresGrad_(true))));
        assertTrue(GradCheck.checkSecondOrder(in -> in.get(0).indexSelect(0, longs(1, 1)).square(),
                List.of(Tensor.randn(DType.FLOAT64, 2, 3).requiresGrad_(true))));
    }

    // ---------------------------------------------------------------- gather

    @Test
    void gatherPicksAlongDimOneLikeTheTorchExample() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor out = t.gather(1, Tensor.of(new long[] {0, 0, 1, 0}, 2, 2));
        assertValues(new double[] {1, 1, 4, 3}, out);
        Tensor rows = t.gather(0, Tensor.of(new long[] {1, 0}, 1, 2));
        assertShape(rows, 1, 2);
        assertValues(new double[] {3, 2}, rows);
    }

    @Test
    void gatherOnTransposedFloat64WithNegativeDimAndSmallerIndex() {
        Tensor t = grid(DType.FLOAT64).t();   // [[0,4,8],[1,5,9],[2,6,10],[3,7,11]]
        Tensor out = t.gather(-1, Tensor.of(new long[] {2, 0, 1, 1}, 2, 2));
        assertShape(out, 2, 2);
        assertValues(new double[] {8, 0, 5, 5}, out);
    }

    @Test
    void gatherOnSlicedInt64Input() {
        Tensor sliced = Tensor.arange(12).reshape(3, 4).slice(1, 1, 4);   // [[1,2,3],[5,6,7],[9,10,11]]
        Tensor out = sliced.gather(0, Tensor.of(new int[] {2, 0, 1}, 1, 3));
        assertEquals(DType.INT64, out.dtype());
        assertArrayEquals(new long[] {9, 2, 7}, out.toLongArray());
    }

    @Test
    void gatherErrorsNameShapesAndIndices() {
        Tensor t = grid(DType.FLOAT32);
        var rank = assertThrows(IllegalArgumentException.class, () -> t.gather(1, longs(0, 1)));
        assertMessage(rank, "same number of dimensions", "[2]", "[3, 4]");
        var size = assertThrows(IllegalArgumentException.class,
                () -> t.gather(1, Tensor.zeros(DType.INT64, 4, 1)));
        assertMessage(size, "Size does not match at dimension 0", "[4, 1]", "[3, 4]", "apart from dimension 1");
        var range = assertThrows(IndexOutOfBoundsException.class,
                () -> t.gather(1, Tensor.of(new long[] {0, 4}, 1, 2)));
        assertMessage(range, "index 4 is out of bounds for dimension 1 with size 4");
        var negative = assertThrows(IndexOutOfBoundsException.class,
                () -> t.gather(0, Tensor.of(new long[] {-1}, 1, 1)));
        assertMessage(negative, "index -1");
        var dtype = assertThrows(IllegalArgumentException.class, () -> t.gather(1, Tensor.zeros(3, 1)));
        assertMessage(dtype, "gather", "float32");
    }

    @Test
    void gatherGradientScattersBackWithRepeats() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 2, 3).requiresGrad_(true);
        x.gather(1, Tensor.of(new long[] {0, 0, 2, 1}, 2, 2)).sum().backward();
        assertValues(new double[] {2, 0, 0, 0, 1, 1}, x.grad());
        assertTrue(GradCheck.check(in -> in.get(0).gather(0, Tensor.of(new long[] {1, 0, 1, 1, 1, 0}, 2, 3)),
                List.of(Tensor.randn(DType.FLOAT64, 2, 3).requiresGrad_(true))));
    }

    // ---------------------------------------------------------------- scatter and scatterAdd

    @Test
    void scatterAddSumsIntoCopyAndLeavesSelfUnchanged() {
        Tensor self = Tensor.zeros(2, 3);
        Tensor index = Tensor.of(new long[] {0, 1, 0, 2, 2, 1}, 2, 3);
        Tensor source = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor out = self.scatterAdd(1, index, source);
        assertValues(new double[] {4, 2, 0, 0, 6, 9}, out);
        assertValues(new double[6], self);
    }

    @Test
    void scatterAddReadsOnlyTheIndexShapedCornerOfALargerSource() {
        Tensor self = Tensor.ones(DType.FLOAT64, 3, 2);
        Tensor index = Tensor.of(new long[] {2, 0}, 1, 2);
        Tensor source = Tensor.of(new double[] {10, 20, 30, 40, 50, 60}, 2, 3);
        Tensor out = self.scatterAdd(-2, index, source);
        assertValues(new double[] {1, 21, 1, 1, 11, 1}, out);
    }

    @Test
    void scatterAddOnTransposedInt64Self() {
        Tensor self = Tensor.arange(6).reshape(2, 3).t();   // [[0,3],[1,4],[2,5]]
        Tensor out = self.scatterAdd(0, Tensor.of(new long[] {2, 2}, 1, 2), Tensor.of(new long[] {100, 200}, 1, 2));
        assertEquals(DType.INT64, out.dtype());
        assertArrayEquals(new long[] {0, 3, 1, 4, 102, 205}, out.toLongArray());
    }

    @Test
    void scatterWritesSourceLikeTheTorchExample() {
        Tensor source = Tensor.arange(1, 11).reshape(2, 5).to(DType.FLOAT32);
        Tensor out = Tensor.zeros(3, 5).scatter(0, Tensor.of(new long[] {0, 1, 2, 0}, 1, 4), source);
        assertValues(new double[] {1, 0, 0, 4, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0}, out);
        Tensor filled = Tensor.zeros(DType.FLOAT64, 2, 4).scatter(1, Tensor.of(new long[] {2, 3}, 2, 1), 1.23);
        assertValues(new double[] {0, 0, 1.23, 0, 0, 0, 0, 1.23}, filled);
    }

    @Test
    void scatterInPlaceWritesSelfAndRecordsForTheSource() {
        Tensor self = Tensor.zeros(3, 5);
        int before = self.version();
        Tensor source = Tensor.arange(1, 11).reshape(2, 5).to(DType.FLOAT32);
        assertSame(self, self.scatter_(0, Tensor.of(new long[] {0, 1, 2, 0}, 1, 4), source));
        assertValues(new double[] {1, 0, 0, 4, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0}, self);
        assertTrue(self.version() > before, "an in-place write bumps the version");
        Tensor oneHot = Tensor.zeros(3, 4).scatter_(1, Tensor.of(new long[] {2, 0, 3}, 3, 1), 1.0);
        assertValues(new double[] {0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1}, oneHot);
        Tensor sums = Tensor.ones(DType.FLOAT64, 3);
        sums.scatterAdd_(0, longs(2, 0, 2), Tensor.of(new double[] {1, 2, 3}));
        assertValues(new double[] {3, 1, 5}, sums);
        // through a recorded graph: overwritten positions pass no gradient to the old values
        Tensor leaf = Tensor.of(new double[] {1, 2, 3}).requiresGrad_(true);
        Tensor values = Tensor.of(new double[] {10, 20}).requiresGrad_(true);
        Tensor target = leaf.mul(1);
        target.scatter_(0, longs(2, 0), values);
        assertValues(new double[] {20, 2, 10}, target);
        target.mul(Tensor.of(new double[] {1, 2, 3})).sum().backward();
        assertValues(new double[] {0, 2, 0}, leaf.grad());
        assertValues(new double[] {3, 1}, values.grad());
    }

    @Test
    void scatterErrorsNameDtypesShapesAndIndices() {
        Tensor self = Tensor.zeros(2, 3);
        var dtype = assertThrows(IllegalArgumentException.class,
                () -> self.scatterAdd(0, Tensor.zeros(DType.INT64, 1, 3), Tensor.zeros(DType.FLOAT64, 1, 3)));
        assertMessage(dtype, "scatter_add", "float32", "float64");
        var shape = assertThrows(IllegalArgumentException.class,
                () -> self.scatterAdd(0, Tensor.zeros(DType.INT64, 1, 4), Tensor.zeros(1, 4)));
        assertMessage(shape, "[1, 4]", "[2, 3]", "apart from dimension 0");
        var smallSource = assertThrows(IllegalArgumentException.class,
                () -> self.scatter(0, Tensor.zeros(DType.INT64, 2, 2), Tensor.zeros(1, 2)));
        assertMessage(smallSource, "smaller size than src [1, 2]");
        var range = assertThrows(IndexOutOfBoundsException.class,
                () -> self.scatter(1, Tensor.of(new long[] {3}, 1, 1), 1.0));
        assertMessage(range, "index 3 is out of bounds for dimension 1 with size 3");
        var indexType = assertThrows(IllegalArgumentException.class, () -> self.scatter(1, Tensor.zeros(1, 1), 1.0));
        assertMessage(indexType, "scatter", "int32 or int64", "float32");
        var rank = assertThrows(IllegalArgumentException.class, () -> self.scatterAdd(1, longs(0), Tensor.zeros(1)));
        assertMessage(rank, "same number of dimensions");
    }

    @Test
    void scatterAddGradientsGoToSelfAndGatheredSource() {
        Tensor self = Tensor.zeros(DType.FLOAT64, 2, 2).requiresGrad_(true);
        Tensor source = Tensor.zeros(DType.FLOAT64, 2, 3).requiresGrad_(true);
        Tensor index = Tensor.of(new long[] {1, 1, 0, 0}, 2, 2);
        Tensor weights = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        self.scatterAdd(1, index, source).mul(weights).sum().backward();
        assertValues(new double[] {1, 2, 3, 4}, self.grad());
        // the source column outside the index gets zero
        assertValues(new double[] {2, 2, 0, 3, 3, 0}, source.grad());
        assertTrue(GradCheck.check(in -> in.get(0).scatterAdd(0, Tensor.of(new long[] {1, 0, 1}, 1, 3), in.get(1)),
                List.of(Tensor.randn(DType.FLOAT64, 2, 3).requiresGrad_(true),
                        Tensor.randn(DType.FLOAT64, 2, 3).requiresGrad_(true))));
    }

    @Test
    void scatterGradientIsZeroAtOverwrittenPositions() {
        Tensor self = Tensor.zeros(DType.FLOAT64, 2, 3).requiresGrad_(true);
        Tensor source = Tensor.zeros(DType.FLOAT64, 1, 2).requiresGrad_(true);
        Tensor weights = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        self.scatter(1, Tensor.of(new long[] {2, 0}, 1, 2), source).mul(weights).sum().backward();
        assertValues(new double[] {0, 2, 0, 4, 5, 6}, self.grad());
        assertValues(new double[] {3, 1}, source.grad());
    }

    // ---------------------------------------------------------------- indexAdd

    @Test
    void indexAddAddsRowsLikeTheTorchExample() {
        Tensor source = Tensor.arange(1, 10).reshape(3, 3).to(DType.FLOAT32);
        Tensor out = Tensor.ones(5, 3).indexAdd(0, longs(0, 4, 2), source);
        assertValues(new double[] {2, 3, 4, 1, 1, 1, 8, 9, 10, 1, 1, 1, 5, 6, 7}, out);
    }

    @Test
    void indexAddAccumulatesRepeatedIndicesOnTransposedSelf() {
        Tensor self = Tensor.zeros(DType.FLOAT64, 3, 2).t();   // [2, 3]
        Tensor out = self.indexAdd(-1, Tensor.of(new int[] {1, 1}), Tensor.of(new double[] {1, 2, 3, 4}, 2, 2));
        assertValues(new double[] {0, 3, 0, 0, 7, 0}, out);
        Tensor ints = Tensor.arange(4).indexAdd(0, longs(3, 3), longs(10, 20));
        assertArrayEquals(new long[] {0, 1, 2, 33}, ints.toLongArray());
    }

    @Test
    void indexAddErrorsNameCountsShapesAndDtypes() {
        Tensor self = Tensor.zeros(3, 2);
        var count = assertThrows(IllegalArgumentException.class, () -> self.indexAdd(0, longs(0, 1), Tensor.zeros(3, 2)));
        assertMessage(count, "Number of indices (2) should be equal to source.size(dim) (3)");
        var shape = assertThrows(IllegalArgumentException.class, () -> self.indexAdd(0, longs(0), Tensor.zeros(1, 3)));
        assertMessage(shape, "[3, 2]", "[1, 3]");
        var dtype = assertThrows(IllegalArgumentException.class,
                () -> self.indexAdd(0, longs(0), Tensor.zeros(DType.FLOAT64, 1, 2)));
        assertMessage(dtype, "float32", "float64");
        var range = assertThrows(IndexOutOfBoundsException.class, () -> self.indexAdd(0, longs(3), Tensor.zeros(1, 2)));
        assertMessage(range, "index 3 is out of bounds for dimension 0 with size 3");
    }

    @Test
    void indexAddGradientsGoToSelfAndSelectedSource() {
        Tensor self = Tensor.zeros(DType.FLOAT64, 3).requiresGrad_(true);
        Tensor source = Tensor.zeros(DType.FLOAT64, 3).requiresGrad_(true);
        Tensor weights = Tensor.of(new double[] {1, 2, 3});
        self.indexAdd(0, longs(2, 0, 2), source).mul(weights).sum().backward();
        assertValues(new double[] {1, 2, 3}, self.grad());
        assertValues(new double[] {3, 1, 3}, source.grad());
    }

    @Test
    void indexAddInPlaceWritesSelfOnContiguousAndTransposedTargets() {
        Tensor source = Tensor.arange(1, 10).reshape(3, 3).to(DType.FLOAT32);
        Tensor self = Tensor.ones(5, 3);
        int before = self.version();
        Tensor result = self.indexAdd_(0, longs(0, 4, 0), source);
        assertSame(self, result);
        assertValues(new double[] {9, 11, 13, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 6, 7}, self);
        assertTrue(self.version() > before, "an in-place write bumps the version");
        // a transposed view writes through to its base, repeats accumulating
        Tensor base = Tensor.zeros(DType.FLOAT64, 3, 2);
        base.t().indexAdd_(-1, Tensor.of(new int[] {1, 1}), Tensor.of(new double[] {1, 2, 3, 4}, 2, 2));
        assertValues(new double[] {0, 0, 3, 7, 0, 0}, base);
    }

    @Test
    void indexAddInPlaceRecordsWhenTheSourceNeedsAGradient() {
        Tensor source = Tensor.of(new double[] {1, 2, 3}).requiresGrad_(true);
        Tensor self = Tensor.zeros(DType.FLOAT64, 3).requiresGrad_(true);
        Tensor target = self.mul(2);
        target.indexAdd_(0, longs(2, 0, 2), source);
        assertValues(new double[] {2, 0, 4}, target);
        target.mul(Tensor.of(new double[] {1, 2, 3})).sum().backward();
        assertValues(new double[] {2, 4, 6}, self.grad());
        assertValues(new double[] {3, 1, 3}, source.grad());
        var leaf = assertThrows(IllegalStateException.class, () -> self.indexAdd_(0, longs(0), Tensor.zeros(DType.FLOAT64, 1)));
        assertMessage(leaf, "leaf Variable");
        var shape = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 2).indexAdd_(0, longs(0), Tensor.zeros(1, 3)));
        assertMessage(shape, "[3, 2]", "[1, 3]");
    }

    // ---------------------------------------------------------------- maskedSelect and nonzero

    @Test
    void maskedSelectTakesTrueElementsInRowMajorOrder() {
        Tensor a = grid(DType.FLOAT32).narrow(0, 0, 2);   // [[0..3],[4..7]]
        Tensor mask = Tensor.of(new boolean[] {true, false, false, true, false, true, true, false}, 2, 4);
        Tensor out = a.maskedSelect(mask);
        assertShape(out, 4);
        assertValues(new double[] {0, 3, 5, 6}, out);
    }

    @Test
    void maskedSelectBroadcastsMaskOverTransposedInput() {
        Tensor a = grid(DType.FLOAT64).t();   // [[0,4,8],[1,5,9],[2,6,10],[3,7,11]]
        Tensor out = a.maskedSelect(Tensor.of(new boolean[] {false, true, true}));
        assertValues(new double[] {4, 8, 5, 9, 6, 10, 7, 11}, out);
        Tensor ints = Tensor.of(new long[] {5, 6}).maskedSelect(Tensor.of(new boolean[] {true, false, false, true}, 2, 2));
        assertArrayEquals(new long[] {5, 6}, ints.toLongArray());
    }

    @Test
    void maskedSelectRejectsNonBoolMasksAndBadShapes() {
        Tensor a = Tensor.zeros(2, 3);
        var dtype = assertThrows(IllegalArgumentException.class, () -> a.maskedSelect(Tensor.ones(2, 3)));
        assertMessage(dtype, "masked_select", "BoolTensor", "float32");
        var integer = assertThrows(IllegalArgumentException.class, () -> a.maskedSelect(Tensor.ones(DType.UINT8, 2, 3)));
        assertMessage(integer, "uint8");
        var shape = assertThrows(IllegalArgumentException.class, () -> a.maskedSelect(Tensor.ones(DType.BOOL, 2)));
        assertMessage(shape, "[2, 3]", "[2]");
    }

    @Test
    void maskedSelectGradientCountsBroadcastSelections() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 1, 3).requiresGrad_(true);
        Tensor mask = Tensor.of(new boolean[] {true, false, true, true, false, false}, 2, 3);
        Tensor out = x.maskedSelect(mask);
        out.mul(Tensor.of(new double[] {1, 10, 100})).sum().backward();
        assertValues(new double[] {101, 0, 10}, x.grad());
    }

    @Test
    void nonzeroListsCoordinatesRowMajor() {
        Tensor out = Tensor.of(new float[] {0, 1, 2, 0, 0, 3}, 2, 3).nonzero();
        assertEquals(DType.INT64, out.dtype());
        assertShape(out, 3, 2);
        assertArrayEquals(new long[] {0, 1, 0, 2, 1, 2}, out.toLongArray());
    }

    @Test
    void nonzeroCountsNaNAndWorksOnBoolTransposedAndEmpty() {
        assertArrayEquals(new long[] {0, 2}, Tensor.of(new double[] {Double.NaN, 0, -1}).nonzero().toLongArray());
        Tensor bools = Tensor.of(new boolean[] {true, false, false, true, true, false}, 2, 3).t();   // [3, 2]
        assertArrayEquals(new long[] {0, 0, 0, 1, 1, 1}, bools.nonzero().toLongArray());
        Tensor none = Tensor.zeros(DType.INT64, 2, 2).nonzero();
        assertShape(none, 0, 2);
    }
}
