package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.GradMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** View ops on contiguous, transposed, step-sliced and expanded inputs: values, shapes, memory sharing and errors. */
class ShapeOpsTest {

    /** 0, 1, ..., 5 as [[0, 1, 2], [3, 4, 5]]. */
    private static Tensor matrix() { return Tensor.of(new double[] {0, 1, 2, 3, 4, 5}, 2, 3); }

    private static void assertValues(double[] expected, long[] shape, Tensor actual) {
        assertArrayEquals(shape, actual.shape());
        assertArrayEquals(expected, actual.toDoubleArray());
    }

    private static String message(Class<? extends Throwable> type, org.junit.jupiter.api.function.Executable call) {
        return assertThrows(type, call).getMessage();
    }

    // ---------------------------------------------------------------- view and reshape

    @Test
    void viewOfContiguousKeepsRowMajorOrderAndSharesMemory() {
        Tensor x = matrix();
        Tensor v = x.view(3, 2);
        assertValues(new double[] {0, 1, 2, 3, 4, 5}, new long[] {3, 2}, v);
        assertTrue(v.isView());
        assertSame(x.storage, v.storage);
        try (var guard = GradMode.noGrad()) {
            x.select(0, 1).fill_(9);
        }
        assertArrayEquals(new double[] {0, 1, 2, 9, 9, 9}, v.toDoubleArray());
    }

    @Test
    void viewInfersOneMinusOneSize() {
        assertValues(new double[] {0, 1, 2, 3, 4, 5}, new long[] {6}, matrix().view(-1));
        assertValues(new double[] {0, 1, 2, 3, 4, 5}, new long[] {1, 2, 3}, matrix().view(1, -1, 3));
        assertValues(new double[] {3}, new long[] {}, matrix().select(0, 1).select(0, 0).view());
    }

    @Test
    void viewRejectsWrongSizesAndTwoInferredDims() {
        assertEquals("shape '[2, 5]' is invalid for input of size 6", message(IllegalArgumentException.class, () -> matrix().view(2, 5)));
        assertEquals("shape '[-1, 4]' is invalid for input of size 6", message(IllegalArgumentException.class, () -> matrix().view(-1, 4)));
        assertTrue(message(IllegalArgumentException.class, () -> matrix().view(-1, -1)).startsWith("only one dimension can be inferred"));
        assertTrue(message(IllegalArgumentException.class, () -> matrix().view(-2, -3)).contains("invalid shape dimension -2"));
        assertTrue(message(IllegalArgumentException.class, () -> Tensor.zeros(0, 3).view(0, -1)).contains("ambiguous"));
    }

    @Test
    void viewOfTransposedAcrossSubspacesFailsButReshapeCopies() {
        Tensor t = matrix().t();
        String error = message(IllegalArgumentException.class, () -> t.view(6));
        assertTrue(error.startsWith("view size is not compatible with input tensor's size and stride (at least one dimension "
                + "spans across two contiguous subspaces). Use .reshape(...) instead."), error);
        Tensor flat = t.reshape(6);
        assertValues(new double[] {0, 3, 1, 4, 2, 5}, new long[] {6}, flat);
        assertFalse(flat.isView());
        assertTrue(flat.isContiguous());
        // Only inserting size-1 dims is still a view of the transposed layout.
        Tensor lifted = t.view(3, 1, 2);
        assertSame(t.storage, lifted.storage);
        assertValues(new double[] {0, 3, 1, 4, 2, 5}, new long[] {3, 1, 2}, lifted);
    }

    @Test
    void reshapeOfSteppedSliceCopiesAndOfExpandedCopies() {
        Tensor stepped = Tensor.arange(0, 12, 1).to(dev.ember.devices.DType.FLOAT64).slice(0, 1, 12, 2);
        assertValues(new double[] {1, 3, 5, 7, 9, 11}, new long[] {6}, stepped);
        assertValues(new double[] {1, 3, 5, 7, 9, 11}, new long[] {2, 3}, stepped.reshape(2, 3));
        Tensor expanded = Tensor.of(new double[] {1, 2}, 2, 1).expand(2, 3);
        assertValues(new double[] {1, 1, 1, 2, 2, 2}, new long[] {3, 2}, expanded.reshape(3, 2));
        assertValues(new double[] {1, 1, 1, 2, 2, 2}, new long[] {2, 3, 1}, expanded.view(2, 3, 1));
    }

    // ---------------------------------------------------------------- transpose, t, permute

    @Test
    void transposeSwapsDimsWithNegativeIndices() {
        Tensor x = ViewPropertyTest.sequence(2, 3, 4);
        Tensor y = x.transpose(-1, 0);
        assertArrayEquals(new long[] {4, 3, 2}, y.shape());
        assertArrayEquals(new long[] {1, 4, 12}, y.stride());
        assertEquals(x.select(0, 1).select(0, 2).select(0, 3).item(), y.select(0, 3).select(0, 2).select(0, 1).item());
        assertEquals(23.0, y.select(0, 3).select(0, 2).select(0, 1).item());
    }

    @Test
    void tTransposesMatricesAndLeavesVectorsAlone() {
        assertValues(new double[] {0, 3, 1, 4, 2, 5}, new long[] {3, 2}, matrix().t());
        assertValues(new double[] {1, 2}, new long[] {2}, Tensor.of(new double[] {1, 2}, 2).t());
        assertValues(new double[] {7}, new long[] {}, Tensor.scalar(7.0).t());
        assertEquals("t() expects a tensor with <= 2 dimensions, but self is 3D (shape [1, 2, 3])",
                message(IllegalArgumentException.class, () -> Tensor.zeros(1, 2, 3).t()));
    }

    @Test
    void permuteReordersDimsAndValidatesThePermutation() {
        Tensor x = ViewPropertyTest.sequence(2, 3, 4);
        Tensor p = x.permute(2, 0, -2);
        assertArrayEquals(new long[] {4, 2, 3}, p.shape());
        // p[k][i][j] == x[i][j][k] == 12 i + 4 j + k
        assertEquals(12 + 8 + 3, p.select(0, 3).select(0, 1).select(0, 2).item());
        assertTrue(message(IllegalArgumentException.class, () -> x.permute(0, 1)).contains("input.dim() = 3 is not equal to len(dims) = 2"));
        assertTrue(message(IllegalArgumentException.class, () -> x.permute(0, 1, 1)).startsWith("permute(): duplicate dims are not allowed"));
        assertTrue(message(IndexOutOfBoundsException.class, () -> x.permute(0, 1, 3)).contains("Dimension out of range"));
    }

    // ---------------------------------------------------------------- expand

    @Test
    void expandStretchesSingletonsAndAddsLeadingDims() {
        Tensor column = Tensor.of(new double[] {1, 2, 3}, 3, 1);
        assertValues(new double[] {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}, new long[] {2, 3, 2}, column.expand(2, -1, 2));
        assertArrayEquals(new long[] {0, 1, 0}, column.expand(2, -1, 2).stride());
        assertValues(new double[] {}, new long[] {0, 3, 1}, column.expand(0, 3, 1));
        assertValues(new double[] {5, 5}, new long[] {2}, Tensor.scalar(5.0).expand(2));
    }

    @Test
    void expandOfNonSingletonMismatchNamesBothShapes() {
        assertEquals("The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1.  "
                        + "Target sizes: [2, 4].  Tensor sizes: [2, 3]",
                message(IllegalArgumentException.class, () -> matrix().expand(2, 4)));
        assertTrue(message(IllegalArgumentException.class, () -> matrix().expand(3)).contains(
                "the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)"));
        assertTrue(message(IllegalArgumentException.class, () -> matrix().expand(-1, 2, 3)).contains(
                "isn't allowed in a leading, non-existing dimension 0"));
    }

    @Test
    void checkExpandableAcceptsBroadcastsAndRejectsMismatches() {
        ShapeOps.checkExpandable(new long[] {3, 1}, new long[] {2, 3, 5});
        ShapeOps.checkExpandable(new long[] {}, new long[] {2});
        assertThrows(IllegalArgumentException.class, () -> ShapeOps.checkExpandable(new long[] {3}, new long[] {4}));
        assertThrows(IllegalArgumentException.class, () -> ShapeOps.checkExpandable(new long[] {1, 3}, new long[] {3}));
    }

    // ---------------------------------------------------------------- slice, narrow, select

    @Test
    void sliceFollowsPythonBoundsWithNegativesAndClamping() {
        Tensor x = Tensor.arange(0, 10, 1).to(dev.ember.devices.DType.FLOAT64);
        assertValues(new double[] {1, 4, 7}, new long[] {3}, x.slice(0, 1, 10, 3));
        assertValues(new double[] {7, 8, 9}, new long[] {3}, x.slice(0, -3, Long.MAX_VALUE, 1));
        assertValues(new double[] {0, 1}, new long[] {2}, x.slice(0, -100, 2));
        assertValues(new double[] {}, new long[] {0}, x.slice(0, 5, 2));
        assertValues(new double[] {8}, new long[] {1}, x.slice(-1, 8, -1));
        assertTrue(message(IllegalArgumentException.class, () -> x.slice(0, 0, 5, 0)).startsWith("slice step must be positive"));
    }

    @Test
    void sliceOfTransposedAndExpandedInputs() {
        Tensor t = matrix().t();                       // [[0, 3], [1, 4], [2, 5]]
        assertValues(new double[] {0, 3, 2, 5}, new long[] {2, 2}, t.slice(0, 0, 3, 2));
        Tensor e = Tensor.of(new double[] {1, 2}, 2, 1).expand(2, 4);
        assertValues(new double[] {1, 1, 2, 2}, new long[] {2, 2}, e.slice(1, 1, 4, 2));
    }

    @Test
    void narrowChecksBoundsStrictly() {
        Tensor x = Tensor.arange(0, 6, 1).to(dev.ember.devices.DType.FLOAT64);
        assertValues(new double[] {4, 5}, new long[] {2}, x.narrow(0, -2, 2));
        assertValues(new double[] {1, 2}, new long[] {2}, matrix().narrow(1, 1, 2).select(0, 0));
        assertEquals("start (5) + length (3) exceeds dimension size (6).",
                message(IndexOutOfBoundsException.class, () -> x.narrow(0, 5, 3)));
        assertTrue(message(IndexOutOfBoundsException.class, () -> x.narrow(0, 7, 0)).startsWith("start out of range"));
        assertTrue(message(IllegalArgumentException.class, () -> x.narrow(0, 2, -1)).contains("length must be non-negative"));
        assertTrue(message(IllegalArgumentException.class, () -> Tensor.scalar(1.0).narrow(0, 0, 1)).contains("0-dim"));
    }

    @Test
    void selectWrapsNegativeIndicesAndRejectsOutOfRange() {
        assertValues(new double[] {2, 5}, new long[] {2}, matrix().select(1, -1));
        assertValues(new double[] {3, 4, 5}, new long[] {3}, matrix().select(-2, 1));
        assertValues(new double[] {1, 4}, new long[] {2}, matrix().t().select(0, 1));
        assertEquals("index 5 is out of bounds for dimension 0 with size 3",
                message(IndexOutOfBoundsException.class, () -> Tensor.zeros(3).select(0, 5)));
        assertEquals("index -4 is out of bounds for dimension 0 with size 3",
                message(IndexOutOfBoundsException.class, () -> Tensor.zeros(3).select(0, -4)));
    }

    // ---------------------------------------------------------------- squeeze, unsqueeze, flatten, unflatten

    @Test
    void squeezeRemovesSizeOneDims() {
        Tensor x = ViewPropertyTest.sequence(1, 3, 1);
        assertArrayEquals(new long[] {3}, x.squeeze().shape());
        assertArrayEquals(new long[] {3, 1}, x.squeeze(0).shape());
        assertArrayEquals(new long[] {1, 3, 1}, x.squeeze(1).shape());
        assertArrayEquals(new long[] {1, 3}, x.squeeze(-1).shape());
        assertValues(new double[] {0, 1, 2}, new long[] {3}, x.squeeze());
        assertArrayEquals(new long[] {}, Tensor.scalar(1.0).squeeze(0).shape());
    }

    @Test
    void unsqueezeAcceptsDimsFromMinusRankMinusOneToRank() {
        Tensor x = matrix().t();
        assertValues(new double[] {0, 3, 1, 4, 2, 5}, new long[] {1, 3, 2}, x.unsqueeze(0));
        assertArrayEquals(new long[] {3, 2, 1}, x.unsqueeze(-1).shape());
        assertArrayEquals(new long[] {3, 2, 1}, x.unsqueeze(2).shape());
        assertArrayEquals(new long[] {3, 1, 2}, x.unsqueeze(-2).shape());
        assertTrue(message(IndexOutOfBoundsException.class, () -> x.unsqueeze(3)).contains("[-3, 2]"));
        assertThrows(IndexOutOfBoundsException.class, () -> x.unsqueeze(-4));
        assertArrayEquals(new long[] {1}, Tensor.scalar(1.0).unsqueeze(0).shape());
    }

    @Test
    void flattenMergesARangeOfDims() {
        Tensor x = ViewPropertyTest.sequence(2, 3, 4);
        assertArrayEquals(new long[] {24}, x.flatten().shape());
        assertArrayEquals(new long[] {2, 12}, x.flatten(1).shape());
        assertArrayEquals(new long[] {6, 4}, x.flatten(0, -2).shape());
        assertValues(new double[] {0, 3, 1, 4, 2, 5}, new long[] {6}, matrix().t().flatten());
        assertArrayEquals(new long[] {1}, Tensor.scalar(2.0).flatten().shape());
        assertTrue(message(IllegalArgumentException.class, () -> x.flatten(2, 1)).contains("start_dim cannot come after end_dim"));
    }

    @Test
    void unflattenSplitsOneDimWithOneInferredSize() {
        Tensor x = ViewPropertyTest.sequence(2, 6);
        Tensor y = x.unflatten(1, 3, -1);
        assertArrayEquals(new long[] {2, 3, 2}, y.shape());
        assertEquals(7.0, y.select(0, 1).select(0, 0).select(0, 1).item());
        assertArrayEquals(new long[] {2, 2, 3}, x.unflatten(-1, 2, 3).shape());
        String error = message(IllegalArgumentException.class, () -> x.unflatten(1, 4, 2));
        assertTrue(error.contains("Provided sizes [4, 2] don't multiply up to the size of dim 1 (6)"), error);
    }

    // ---------------------------------------------------------------- chunk, split, unbind

    @Test
    void chunkSplitsIntoCeilSizedPieces() {
        Tensor x = Tensor.arange(0, 5, 1).to(dev.ember.devices.DType.FLOAT64);
        List<Tensor> two = x.chunk(2);
        assertEquals(2, two.size());
        assertArrayEquals(new double[] {0, 1, 2}, two.get(0).toDoubleArray());
        assertArrayEquals(new double[] {3, 4}, two.get(1).toDoubleArray());
        assertEquals(3, x.chunk(3).size());
        assertEquals(2, Tensor.zeros(4).chunk(3).size());
        assertEquals(3, Tensor.zeros(0).chunk(3).size());
        assertTrue(message(IllegalArgumentException.class, () -> x.chunk(0)).contains("greater than 0"));
        List<Tensor> columns = matrix().chunk(3, -1);
        assertArrayEquals(new double[] {1, 4}, columns.get(1).toDoubleArray());
    }

    @Test
    void splitBySizeAndBySizes() {
        Tensor x = Tensor.arange(0, 5, 1).to(dev.ember.devices.DType.FLOAT64);
        List<Tensor> pieces = x.split(2);
        assertEquals(3, pieces.size());
        assertArrayEquals(new double[] {4}, pieces.get(2).toDoubleArray());
        List<Tensor> uneven = x.split(new long[] {1, 0, 4}, 0);
        assertArrayEquals(new double[] {0}, uneven.get(0).toDoubleArray());
        assertArrayEquals(new long[] {0}, uneven.get(1).shape());
        assertArrayEquals(new double[] {1, 2, 3, 4}, uneven.get(2).toDoubleArray());
        assertEquals("split_with_sizes expects split_sizes to sum exactly to 5 (input tensor's size at dimension 0), but got "
                + "split_sizes=[2, 2]", message(IllegalArgumentException.class, () -> x.split(new long[] {2, 2}, 0)));
        assertThrows(IllegalArgumentException.class, () -> x.split(-1));
        assertThrows(IllegalArgumentException.class, () -> x.split(0));
    }

    @Test
    void unbindSelectsEverySlice() {
        List<Tensor> columns = matrix().unbind(1);
        assertEquals(3, columns.size());
        assertValues(new double[] {2, 5}, new long[] {2}, columns.get(2));
        List<Tensor> rows = matrix().t().unbind(-2);
        assertValues(new double[] {1, 4}, new long[] {2}, rows.get(1));
    }

    @Test
    void viewsOfClosedTensorsFailClearly() {
        Tensor x = matrix();
        x.close();
        assertThrows(IllegalStateException.class, () -> x.view(6));
    }
}
