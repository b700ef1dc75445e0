package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.devices.DType;
import org.junit.jupiter.api.Test;

/** Expected strings are what PyTorch 1.13 prints for the same tensors. */
class TensorPrinterTest {

    @Test
    void integerValuedFloatsPrintWithATrailingDot() {
        assertEquals("tensor([1., 2., 3.])", Tensor.of(new float[] {1, 2, 3}).toString());
        assertEquals("tensor([0., 0.])", Tensor.zeros(2).toString());
        assertEquals("tensor([ -3.,  10., 250.])", Tensor.of(new float[] {-3, 10, 250}).toString());
    }

    @Test
    void fractionalFloatsShareFourDecimalsAndRowsAlign() {
        assertEquals("tensor([[1.0000, 2.5000],\n        [3.0000, 4.0000]])",
                Tensor.of(new float[] {1, 2.5f, 3, 4}, 2, 2).toString());
        assertEquals("tensor([ -1.5000,   2.2500, 100.0000])", Tensor.of(new float[] {-1.5f, 2.25f, 100}).toString());
    }

    @Test
    void integerAndBoolTensorsPadToTheWidestElement() {
        assertEquals("tensor([1, 2, 3])", Tensor.of(new long[] {1, 2, 3}).toString());
        assertEquals("tensor([ True, False])", Tensor.of(new boolean[] {true, false}).toString());
        assertEquals("tensor([[ True, False,  True],\n        [False, False,  True]])",
                Tensor.of(new boolean[] {true, false, true, false, false, true}, 2, 3).toString());
        assertEquals("tensor([  1, -20], dtype=torch.int32)", Tensor.of(new int[] {1, -20}).toString());
    }

    @Test
    void zeroDimTensorsPrintTheirValueAlone() {
        assertEquals("tensor(3.5000)", Tensor.scalar(3.5f).toString());
        assertEquals("tensor(True)", Tensor.scalar(true).toString());
        assertEquals("tensor(7)", Tensor.scalar(7L).toString());
    }

    @Test
    void emptyTensorsShowSizeUnlessOneDimensional() {
        assertEquals("tensor([])", Tensor.zeros(0).toString());
        assertEquals("tensor([], size=(0, 3))", Tensor.zeros(0, 3).toString());
        assertEquals("tensor([], dtype=torch.int64)", Tensor.zeros(DType.INT64, 0).toString());
        assertEquals("tensor([], size=(2, 0), dtype=torch.float64)", Tensor.zeros(DType.FLOAT64, 2, 0).toString());
    }

    @Test
    void wideRangesAndTinyValuesUseScientificNotation() {
        assertEquals("tensor([1.0000e+10, 1.0000e+00])", Tensor.of(new float[] {1e10f, 1}).toString());
        assertEquals("tensor([1.0000e-05, 1.5000e+00])", Tensor.of(new float[] {1e-5f, 1.5f}).toString());
        assertEquals("tensor([1.0000e+00, 1.0000e+09])", Tensor.of(new float[] {1, 1e9f}).toString());
        assertEquals("tensor([-1.0000e+09,  5.0000e+00])", Tensor.of(new float[] {-1e9f, 5}).toString());
        assertEquals("tensor([1.2345e-01, 1.5000e-04, 2.0000e+00])",
                Tensor.of(new float[] {0.12345f, 0.00015f, 2}).toString());
    }

    @Test
    void nanInfinityAndNegativeZero() {
        assertEquals("tensor([nan, inf, -inf, 1.])",
                Tensor.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1}).toString());
        assertEquals("tensor([   nan, 1.5000])", Tensor.of(new float[] {Float.NaN, 1.5f}).toString());
        assertEquals("tensor([nan])", Tensor.of(new float[] {Float.NaN}).toString());
        assertEquals("tensor([-0., 1.])", Tensor.of(new float[] {-0f, 1}).toString());
    }

    @Test
    void roundingFollowsTheExactBinaryValueHalfToEven() {
        // 1.00105 is stored as 1.00104999..., so it rounds down although its shortest decimal ends in 5
        assertEquals("tensor([1.0010, 1.5000], dtype=torch.float64)", Tensor.of(new double[] {1.00105, 1.5}).toString());
    }

    @Test
    void suffixesNameDtypeAndAutogradState() {
        assertEquals("tensor([1.5000, 2.0000], dtype=torch.float64)", Tensor.of(new double[] {1.5, 2}).toString());
        Tensor leaf = Tensor.of(new float[] {1, 2}).requiresGrad_(true);
        assertEquals("tensor([1., 2.], requires_grad=True)", leaf.toString());
        assertEquals("tensor([2., 4.], grad_fn=<MulBackward0>)", leaf.mul(2).toString());
        assertEquals("tensor(3., grad_fn=<SumBackward0>)", leaf.sum().toString());
        assertEquals("tensor([1.5000, 2.0000], dtype=torch.float64, requires_grad=True)",
                Tensor.of(new double[] {1.5, 2}).requiresGrad_(true).toString());
    }

    @Test
    void longRowsWrapAtEightyColumnsAndSuffixesMoveToANewLine() {
        assertEquals("tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n"
                        + "        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n"
                        + "        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n"
                        + "        3.8571, 4.0000, 4.1429])",
                Tensor.arange(30).to(DType.FLOAT32).div(7).toString());
        assertEquals("tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,\n"
                        + "        3.0000, 3.3333, 3.6667, 4.0000, 4.3333, 4.6667, 5.0000, 5.3333, 5.6667,\n"
                        + "        6.0000, 6.3333], dtype=torch.float64, requires_grad=True)",
                Tensor.arange(20).to(DType.FLOAT64).div(3).requiresGrad_(true).toString());
    }

    @Test
    void nestedDimsSeparateBlocksWithBlankLines() {
        assertEquals("tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]])",
                Tensor.arange(8).reshape(2, 2, 2).toString());
    }

    @Test
    void moreThanAThousandElementsAreSummarisedWithEdgeItems() {
        assertEquals("tensor([   0,    1,    2,  ..., 1997, 1998, 1999])", Tensor.arange(2000).toString());
        assertEquals("tensor([0.0000e+00, 2.5000e-01, 5.0000e-01,  ..., 2.7425e+02, 2.7450e+02,\n"
                + "        2.7475e+02])", Tensor.arange(1100).to(DType.FLOAT32).div(4).toString());
        assertEquals("tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 3.7000e+01, 3.8000e+01,\n"
                        + "         3.9000e+01],\n"
                        + "        [4.0000e+01, 4.1000e+01, 4.2000e+01,  ..., 7.7000e+01, 7.8000e+01,\n"
                        + "         7.9000e+01],\n"
                        + "        [8.0000e+01, 8.1000e+01, 8.2000e+01,  ..., 1.1700e+02, 1.1800e+02,\n"
                        + "         1.1900e+02],\n"
                        + "        ...,\n"
                        + "        [1.4800e+03, 1.4810e+03, 1.4820e+03,  ..., 1.5170e+03, 1.5180e+03,\n"
                        + "         1.5190e+03],\n"
                        + "        [1.5200e+03, 1.5210e+03, 1.5220e+03,  ..., 1.5570e+03, 1.5580e+03,\n"
                        + "         1.5590e+03],\n"
                        + "        [1.5600e+03, 1.5610e+03, 1.5620e+03,  ..., 1.5970e+03, 1.5980e+03,\n"
                        + "         1.5990e+03]])",
                Tensor.arange(1600).to(DType.FLOAT32).reshape(40, 40).toString());
    }

    @Test
    void nonContiguousViewsPrintInLogicalOrder() {
        assertEquals("tensor([[1, 3],\n        [2, 4]])", Tensor.of(new long[] {1, 2, 3, 4}, 2, 2).t().toString());
    }

    @Test
    void closedTensorsPrintWithoutThrowing() {
        Tensor t = Tensor.zeros(2, 3);
        t.close();
        assertEquals("tensor(<closed buffer>, size=(2, 3), dtype=torch.float32)", t.toString());
    }
}
