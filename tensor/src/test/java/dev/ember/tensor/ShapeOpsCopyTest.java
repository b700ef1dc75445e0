package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** cat, stack, flip, roll, repeat, tril/triu and pad: values on contiguous and strided inputs, and errors. */
class ShapeOpsCopyTest {

    private static Tensor matrix() { return Tensor.of(new double[] {0, 1, 2, 3, 4, 5}, 2, 3); }

    private static void assertValues(double[] expected, long[] shape, Tensor actual) {
        assertArrayEquals(shape, actual.shape());
        assertArrayEquals(expected, actual.toDoubleArray());
    }

    private static String message(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    // ---------------------------------------------------------------- cat and stack

    @Test
    void catJoinsAlongAnyDimIncludingNegative() {
        Tensor a = matrix();
        Tensor b = Tensor.of(new double[] {6, 7}, 2, 1);
        assertValues(new double[] {0, 1, 2, 6, 3, 4, 5, 7}, new long[] {2, 4}, Tensor.cat(List.of(a, b), -1));
        // The third piece is [[0, 3, 1], [4, 2, 5]] seen through a double transpose.
        assertValues(new double[] {0, 1, 2, 3, 4, 5, 0, 3, 1, 4, 2, 5}, new long[] {4, 3},
                Tensor.cat(List.of(a, a.t().t(), a.t().contiguous().view(2, 3).t().t()), 0).slice(0, 2, 6));
    }

    @Test
    void catReadsTransposedSteppedAndExpandedInputs() {
        Tensor transposed = matrix().t();                                      // [[0,3],[1,4],[2,5]]
        Tensor stepped = Tensor.arange(0, 12, 1).to(DType.FLOAT64).slice(0, 0, 12, 2).view(3, 2);
        Tensor expanded = Tensor.of(new double[] {9}, 1, 1).expand(3, 2);
        assertValues(new double[] {0, 3, 0, 2, 9, 9, 1, 4, 4, 6, 9, 9, 2, 5, 8, 10, 9, 9}, new long[] {3, 6},
                Tensor.cat(List.of(transposed, stepped, expanded), 1));
    }

    @Test
    void catPromotesDtypesAndSkipsLegacyEmptyVectors() {
        Tensor ints = Tensor.of(new long[] {1, 2}, 2);
        Tensor floats = Tensor.of(new float[] {0.5f}, 1);
        Tensor joined = Tensor.cat(List.of(ints, Tensor.zeros(0), floats), 0);
        assertEquals(DType.FLOAT32, joined.dtype());
        assertArrayEquals(new float[] {1, 2, 0.5f}, joined.toFloatArray());
        assertValues(new double[] {0, 1, 2, 3, 4, 5}, new long[] {2, 3}, Tensor.cat(List.of(Tensor.zeros(DType.FLOAT64, 0), matrix()), 1));
        assertArrayEquals(new long[] {0}, Tensor.cat(List.of(Tensor.zeros(0), Tensor.zeros(0))).shape());
    }

    @Test
    void catRejectsMismatchedShapesNamingThem() {
        String sizes = message(() -> Tensor.cat(List.of(matrix(), Tensor.zeros(DType.FLOAT64, 3, 3)), 1));
        assertEquals("Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for tensor number 1 in "
                + "the list (shapes [2, 3] and [3, 3]).", sizes);
        String ranks = message(() -> Tensor.cat(List.of(matrix(), Tensor.zeros(2, 3, 1)), 0));
        assertTrue(ranks.startsWith("Tensors must have same number of dimensions: got 2 and 3"), ranks);
        assertTrue(message(() -> Tensor.cat(List.of(), 0)).contains("non-empty"));
        assertTrue(message(() -> Tensor.cat(List.of(Tensor.scalar(1.0)), 0)).contains("zero-dimensional tensor (at position 0)"));
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.cat(List.of(matrix()), 2));
    }

    @Test
    void stackAddsANewDim() {
        Tensor a = Tensor.of(new double[] {1, 2}, 2);
        Tensor b = Tensor.of(new double[] {3, 4}, 2);
        assertValues(new double[] {1, 2, 3, 4}, new long[] {2, 2}, Tensor.stack(List.of(a, b)));
        assertValues(new double[] {1, 3, 2, 4}, new long[] {2, 2}, Tensor.stack(List.of(a, b), -1));
        assertValues(new double[] {5, 6}, new long[] {2}, Tensor.stack(List.of(Tensor.scalar(5.0), Tensor.scalar(6.0))));
        assertEquals("stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1",
                message(() -> Tensor.stack(List.of(a, Tensor.zeros(DType.FLOAT64, 3)))));
    }

    // ---------------------------------------------------------------- flip and roll

    @Test
    void flipReversesChosenDimsAsACopy() {
        Tensor x = matrix();
        Tensor flipped = x.flip(1);
        assertValues(new double[] {2, 1, 0, 5, 4, 3}, new long[] {2, 3}, flipped);
        assertNotSame(x.storage, flipped.storage);
        assertTrue(flipped.isContiguous());
        assertValues(new double[] {5, 4, 3, 2, 1, 0}, new long[] {2, 3}, x.flip(0, -1));
        assertValues(new double[] {2, 5, 1, 4, 0, 3}, new long[] {3, 2}, x.t().flip(0));
        assertValues(new double[] {7, 5, 3, 1}, new long[] {4}, Tensor.arange(0, 8, 1).slice(0, 1, 8, 2).flip(0));
        assertValues(new double[] {0, 1, 2, 3, 4, 5}, new long[] {2, 3}, x.flip());
        assertTrue(message(() -> x.flip(1, -1)).contains("appears multiple times"));
    }

    @Test
    void rollWrapsElementsAround() {
        Tensor x = Tensor.arange(0, 5, 1);
        assertValues(new double[] {3, 4, 0, 1, 2}, new long[] {5}, x.roll(2, 0));
        assertValues(new double[] {1, 2, 3, 4, 0}, new long[] {5}, x.roll(-1, 0));
        assertValues(new double[] {0, 1, 2, 3, 4}, new long[] {5}, x.roll(10, 0));
        assertValues(new double[] {5, 3, 4, 2, 0, 1}, new long[] {2, 3}, matrix().roll(new long[] {1, 1}, new int[] {0, 1}));
        // No dims: roll the flattened tensor, then restore the shape.
        assertValues(new double[] {5, 0, 1, 2, 3, 4}, new long[] {2, 3}, matrix().roll(new long[] {1}, new int[0]));
        assertValues(new double[] {2, 5, 0, 3, 1, 4}, new long[] {3, 2}, matrix().t().roll(1, 0));
        assertTrue(message(() -> matrix().roll(new long[] {1, 2}, new int[] {0})).startsWith("shifts and dimensions must align"));
    }

    // ---------------------------------------------------------------- repeat

    @Test
    void repeatTilesAlongEachDimAndAddsLeadingDims() {
        Tensor x = Tensor.of(new double[] {1, 2}, 2);
        assertValues(new double[] {1, 2, 1, 2, 1, 2}, new long[] {6}, x.repeat(3));
        assertValues(new double[] {1, 2, 1, 2, 1, 2, 1, 2}, new long[] {2, 4}, x.repeat(2, 2));
        assertValues(new double[] {0, 3, 0, 3, 1, 4, 1, 4, 2, 5, 2, 5}, new long[] {3, 4}, matrix().t().repeat(1, 2));
        assertValues(new double[] {}, new long[] {0, 2}, x.repeat(0, 1));
        Tensor once = x.repeat(1);
        assertNotSame(x.storage, once.storage);
        assertTrue(message(() -> matrix().repeat(2)).contains("can not be smaller than number of dimensions"));
    }

    // ---------------------------------------------------------------- tril and triu

    @Test
    void trilAndTriuKeepTrianglesWithDiagonalOffsets() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3);
        assertValues(new double[] {1, 0, 0, 4, 5, 0, 7, 8, 9}, new long[] {3, 3}, x.tril());
        assertValues(new double[] {1, 2, 3, 0, 5, 6, 0, 0, 9}, new long[] {3, 3}, x.triu());
        assertValues(new double[] {1, 2, 0, 4, 5, 6, 7, 8, 9}, new long[] {3, 3}, x.tril(1));
        assertValues(new double[] {0, 0, 0, 4, 0, 0, 7, 8, 0}, new long[] {3, 3}, x.tril(-1));
        assertValues(new double[] {0, 0, 3, 0, 0, 0, 0, 0, 0}, new long[] {3, 3}, x.triu(2));
        assertValues(new double[] {0, 1, 2, 0, 0, 5}, new long[] {2, 3}, matrix().triu(1));
        assertValues(new double[] {0, 0, 0, 3, 4, 0}, new long[] {2, 3}, matrix().tril());
        assertValues(new double[] {0, 0, 1, 4, 2, 5}, new long[] {3, 2}, matrix().t().tril());
    }

    @Test
    void triangleWorksBatchedOnStridedInputsAndKeepsIntegerDtype() {
        Tensor batch = Tensor.arange(0, 8, 1).view(2, 2, 2).transpose(1, 2);     // [[[0,2],[1,3]], [[4,6],[5,7]]]
        Tensor lower = batch.tril();
        assertEquals(DType.INT64, lower.dtype());
        assertArrayEquals(new long[] {0, 0, 1, 3, 4, 0, 5, 7}, lower.toLongArray());
        assertTrue(message(() -> Tensor.zeros(3).tril()).contains("at least 2 dimensions"));
    }

    // ---------------------------------------------------------------- pad

    @Test
    void constantPadSurroundsTheInputWithAValue() {
        Tensor x = matrix();
        assertValues(new double[] {-1, 0, 1, 2, -1, -1, -1, 3, 4, 5, -1, -1}, new long[] {2, 6},
                x.pad(new long[] {1, 2}, "constant", -1));
        assertValues(new double[] {0, 0, 0, 0, 1, 2, 3, 4, 5}, new long[] {3, 3}, x.pad(0, 0, 1, 0));
        assertValues(new double[] {0, 0, 0, 0, 0, 0, 3, 0, 0, 1, 4, 0, 0, 2, 5, 0, 0, 0, 0, 0}, new long[] {5, 4},
                x.t().pad(1, 1, 1, 1));
    }

    @Test
    void negativeConstantPaddingCrops() {
        assertValues(new double[] {1, 2, 9, 4, 5, 9}, new long[] {2, 3}, matrix().pad(new long[] {-1, 1}, "constant", 9));
        String error = message(() -> matrix().pad(-2, -2));
        assertTrue(error.contains("resulted in a negative output size"), error);
    }

    @Test
    void reflectPadMirrorsWithoutRepeatingTheEdge() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 1, 4);
        assertValues(new double[] {3, 2, 1, 2, 3, 4, 3, 2}, new long[] {1, 8}, x.pad(new long[] {2, 2}, "reflect", 0));
        assertValues(new double[] {3, 4, 5, 0, 1, 2, 3, 4, 5, 0, 1, 2}, new long[] {4, 3},
                matrix().pad(new long[] {0, 0, 1, 1}, "reflect", 0));
        String error = message(() -> x.pad(new long[] {4, 0}, "reflect", 0));
        assertTrue(error.contains("Padding size should be less than the corresponding input dimension") && error.contains("[1, 4]"), error);
    }

    @Test
    void replicateAndCircularPadding() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 1, 3);
        assertValues(new double[] {1, 1, 1, 2, 3, 3}, new long[] {1, 6}, x.pad(new long[] {2, 1}, "replicate", 0));
        assertValues(new double[] {3, 1, 2, 3, 1, 2}, new long[] {1, 6}, x.pad(new long[] {1, 2}, "circular", 0));
    }

    @Test
    void padValidatesPaddingLengthAndMode() {
        assertTrue(message(() -> matrix().pad(1, 2, 3)).contains("divisible by 2"));
        assertTrue(message(() -> matrix().pad(1, 1, 1, 1, 1, 1)).contains("padding length 6 and input of dimension 2"));
        assertTrue(message(() -> matrix().pad(new long[] {1, 1}, "mirror", 0)).contains("Unrecognised padding mode mirror"));
        Tensor same = matrix().pad(0, 0);
        assertValues(new double[] {0, 1, 2, 3, 4, 5}, new long[] {2, 3}, same);
    }
}
