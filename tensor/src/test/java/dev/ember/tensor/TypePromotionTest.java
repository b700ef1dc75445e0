package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.devices.DType;
import org.junit.jupiter.api.Test;

class TypePromotionTest {

    @Test
    void promoteTypesFollowsPyTorchsTable() {
        assertEquals(DType.INT16, TypePromotion.promoteTypes(DType.UINT8, DType.INT8));
        assertEquals(DType.INT32, TypePromotion.promoteTypes(DType.UINT8, DType.INT32));
        assertEquals(DType.INT64, TypePromotion.promoteTypes(DType.INT32, DType.INT64));
        assertEquals(DType.FLOAT32, TypePromotion.promoteTypes(DType.FLOAT16, DType.BFLOAT16));
        assertEquals(DType.FLOAT16, TypePromotion.promoteTypes(DType.INT64, DType.FLOAT16));
        assertEquals(DType.FLOAT64, TypePromotion.promoteTypes(DType.FLOAT32, DType.FLOAT64));
        assertEquals(DType.UINT8, TypePromotion.promoteTypes(DType.BOOL, DType.UINT8));
    }

    @Test
    void javaDoubleMakesIntegerTensorsFloat32ButKeepsFloatWidth() {
        assertEquals(DType.FLOAT32, Tensor.of(new long[] {1, 2}).add(2.5).dtype());
        assertEquals(DType.FLOAT64, Tensor.of(new double[] {1, 2}).add(2.5).dtype());
        assertEquals(DType.FLOAT16, Tensor.ones(2).to(DType.FLOAT16).mul(3.0).dtype());
    }

    @Test
    void javaLongKeepsIntegerTensorType() {
        assertEquals(DType.INT32, Tensor.of(new int[] {1, 2}).add(2L).dtype());
        assertEquals(DType.INT64, Tensor.of(new boolean[] {true, false}).add(2L).dtype());
    }

    @Test
    void zeroDimTensorRaisesOnlyTheCategory() {
        Tensor dims = Tensor.ones(3);
        assertEquals(DType.FLOAT32, dims.add(Tensor.scalar(1.0)).dtype(), "0-dim float64 does not widen float32");
        assertEquals(DType.FLOAT64, Tensor.of(new long[] {1}).to(DType.UINT8).add(Tensor.scalar(1.5)).dtype());
        assertEquals(DType.INT32, Tensor.of(new int[] {1, 2}).add(Tensor.scalar(5L)).dtype());
    }

    @Test
    void trueDivisionOfIntegersIsFloating() {
        Tensor q = Tensor.of(new long[] {7, -7}).div(Tensor.of(new long[] {2, 2}));
        assertEquals(DType.FLOAT32, q.dtype());
        assertEquals(3.5, q.toDoubleArray()[0]);
        assertEquals(-3.5, q.toDoubleArray()[1]);
    }
}
