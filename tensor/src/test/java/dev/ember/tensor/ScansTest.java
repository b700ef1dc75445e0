package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** cumsum and cumprod: dims, layouts, integer promotion and gradients (zero-safe for cumprod). */
class ScansTest {

    private static void assertValues(double[] expected, Tensor t) { assertArrayEquals(expected, t.toDoubleArray(), 1e-9); }

    @Test
    void cumsumOfAVector() {
        Tensor out = Tensor.of(new float[] {1, 2, 3, 4}).cumsum(0);
        assertEquals(DType.FLOAT32, out.dtype());
        assertValues(new double[] {1, 3, 6, 10}, out);
    }

    @Test
    void cumsumAlongEachDimOfAMatrix() {
        Tensor m = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertValues(new double[] {1, 3, 6, 4, 9, 15}, m.cumsum(-1));
        assertValues(new double[] {1, 2, 3, 5, 7, 9}, m.cumsum(0));
        assertEquals(DType.FLOAT64, m.cumsum(1).dtype());
    }

    @Test
    void cumsumOfTransposedAndSlicedInputs() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).t();   // [[1, 4], [2, 5], [3, 6]]
        assertValues(new double[] {1, 4, 3, 9, 6, 15}, t.cumsum(0));
        assertValues(new double[] {1, 5, 2, 7, 3, 9}, t.cumsum(1));
        Tensor sliced = Tensor.of(new double[] {1, 100, 2, 100, 3}).slice(0, 0, 5, 2);   // [1, 2, 3]
        assertValues(new double[] {1, 3, 6}, sliced.cumsum(0));
    }

    @Test
    void integerAndBoolInputsGiveInt64() {
        Tensor ints = Tensor.of(new int[] {1, 2, 3}).cumsum(0);
        assertEquals(DType.INT64, ints.dtype());
        assertArrayEquals(new long[] {1, 3, 6}, ints.toLongArray());
        Tensor bools = Tensor.of(new boolean[] {true, false, true, true}).cumsum(0);
        assertEquals(DType.INT64, bools.dtype());
        assertArrayEquals(new long[] {1, 1, 2, 3}, bools.toLongArray());
        Tensor products = Tensor.of(new long[] {1, 2, 3, 4, 5, 6}, 2, 3).cumprod(1);
        assertEquals(DType.INT64, products.dtype());
        assertArrayEquals(new long[] {1, 2, 6, 4, 20, 120}, products.toLongArray());
        Tensor big = Tensor.of(new int[] {100000, 100000}).cumprod(0);
        assertArrayEquals(new long[] {100000, 10000000000L}, big.toLongArray());
    }

    @Test
    void cumprodOfFloatsAlongNegativeDimAndTransposed() {
        assertValues(new double[] {1, 2, 6, 24}, Tensor.of(new double[] {1, 2, 3, 4}).cumprod(-1));
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).t();   // [[1, 4], [2, 5], [3, 6]]
        assertValues(new double[] {1, 4, 2, 20, 6, 120}, t.cumprod(0));
    }

    @Test
    void zeroDimInputScansAsOneElement() {
        Tensor out = Tensor.scalar(5.0).cumsum(0);
        assertArrayEquals(new long[0], out.shape());
        assertEquals(5.0, out.item());
        assertEquals(5.0, Tensor.scalar(5.0).cumprod(-1).item());
    }

    @Test
    void scansRejectADimOutOfRange() {
        var error = assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3).cumsum(2));
        assertTrue(error.getMessage().contains("Dimension out of range"), error.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2).cumprod(-2));
    }

    @Test
    void cumsumGradientIsAReversedCumsum() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 4).requiresGrad_(true);
        x.cumsum(0).mul(Tensor.of(new double[] {1, 2, 3, 4})).sum().backward();
        assertValues(new double[] {10, 9, 7, 4}, x.grad());
        assertTrue(GradCheck.check(in -> in.get(0).cumsum(0), List.of(Tensor.randn(DType.FLOAT64, 3, 2).requiresGrad_(true))));
    }

    @Test
    void cumprodGradientWithoutZeros() {
        Tensor x = Tensor.of(new double[] {2, 3, 4}).requiresGrad_(true);
        x.cumprod(0).sum().backward();
        assertValues(new double[] {16, 10, 6}, x.grad());
    }

    @Test
    void cumprodGradientIsExactAtZeros() {
        Tensor one = Tensor.of(new double[] {2, 0, 4}).requiresGrad_(true);
        one.cumprod(0).sum().backward();
        assertValues(new double[] {1, 10, 0}, one.grad());
        Tensor two = Tensor.of(new double[] {0, 3, 0, 5}).requiresGrad_(true);
        two.cumprod(0).sum().backward();
        assertValues(new double[] {4, 0, 0, 0}, two.grad());
        Tensor adjacent = Tensor.of(new double[] {2, 0, 0}).requiresGrad_(true);
        adjacent.cumprod(0).sum().backward();
        assertValues(new double[] {1, 2, 0}, adjacent.grad());
    }

    @Test
    void cumprodGradientAlongRowsOfAMatrixWithZeros() {
        Tensor x = Tensor.of(new double[] {2, 0, 4, 1, 3, 5}, 3, 2).t().requiresGrad_(true);   // [[2, 4, 3], [0, 1, 5]]
        x.cumprod(1).mul(Tensor.of(new double[] {1, 10, 100, 1, 10, 100}, 2, 3)).sum().backward();
        // row 0: d/dx0 = 1 + 10*4 + 100*4*3, d/dx1 = 10*2 + 100*2*3, d/dx2 = 100*2*4
        // row 1: d/dx0 = 1 + 10*1 + 100*1*5, the rest multiply the zero
        assertValues(new double[] {1241, 620, 800, 511, 0, 0}, x.grad());
        Tensor input = Tensor.of(new double[] {0.5, 0, 2, 0, 1.5, 3, -1, 0, 0.25}, 3, 3).requiresGrad_(true);
        assertTrue(GradCheck.check(in -> in.get(0).cumprod(0), List.of(input)));
        assertTrue(GradCheck.check(in -> in.get(0).cumprod(1), List.of(input)));
        assertTrue(GradCheck.checkSecondOrder(in -> in.get(0).cumprod(1), List.of(input)));
    }
}
