package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import dev.ember.nn.functional.F;
import dev.ember.tensor.GradCheck;
import dev.ember.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingTest {

    @Test
    void lookupAndPaddingGradientMatchPyTorch() {
        LinearTest.checkAgainstFixture(new Embedding(6, 3, 1L), "embedding padding_idx=1");
    }

    @Test
    void outputShapeAppendsTheEmbeddingDim() {
        Embedding embedding = new Embedding(10, 4);
        assertArrayEquals(new long[] {2, 3, 4}, embedding.call(Tensor.randint(0, 10, 2, 3)).shape());
        assertArrayEquals(new long[] {4}, embedding.call(Tensor.scalar(3L)).shape());
        Tensor int32 = Tensor.of(new int[] {1, 2}, 2);
        assertArrayEquals(embedding.weight.select(0, 2).toFloatArray(), embedding.call(int32).select(0, 1).toFloatArray());
    }

    @Test
    void weightIsStandardNormalWithAZeroPaddingRow() {
        Tensor.manualSeed(11);
        Embedding embedding = new Embedding(1000, 64, -1L);
        assertEquals(999L, embedding.paddingIdx);
        try (var mode = GradMode.noGrad()) {
            assertEquals(0, embedding.weight.select(0, 999).abs().sum().item());
            Tensor rest = embedding.weight.narrow(0, 0, 999);
            assertEquals(0, rest.mean().item(), 5 / Math.sqrt(rest.numel()));
            assertEquals(1, rest.std().item(), 0.01);
        }
        assertEquals("Embedding(1000, 64, padding_idx=999)", embedding.toString());
    }

    @Test
    void paddingRowGetsNoGradientEvenWhenNonzero() {
        Embedding embedding = new Embedding(4, 2, 0L);
        try (var mode = GradMode.noGrad()) {
            embedding.weight.select(0, 0).fill_(5);
        }
        Tensor out = embedding.call(Tensor.of(new long[] {0, 2, 0}, 3));
        assertArrayEquals(new float[] {5, 5}, out.select(0, 0).toFloatArray());
        out.sum().backward();
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 1, 0, 0}, embedding.weight.grad().toFloatArray());
    }

    @Test
    void embeddingGradcheckInFloat64() {
        Tensor weight = Tensor.randn(DType.FLOAT64, 5, 3).requiresGrad_(true);
        Tensor indices = Tensor.of(new long[] {0, 4, 4, 2, 1, 0}, 2, 3);
        assertTrue(GradCheck.check(in -> F.embedding(indices, in.get(0)), List.of(weight)));
        // With a padding row that is not looked up, the masked path must leave every other gradient exact.
        assertTrue(GradCheck.check(in -> F.embedding(indices, in.get(0), 3L), List.of(weight)));
    }

    @Test
    void rejectsFloatIndicesAndOutOfRangePadding() {
        Embedding embedding = new Embedding(4, 2);
        var dtype = assertThrows(IllegalArgumentException.class, () -> embedding.call(Tensor.zeros(3)));
        assertEquals("Expected tensor for argument #1 'indices' to have one of the following scalar types: int64, int32; "
                + "but got " + DType.FLOAT32 + " instead", dtype.getMessage());
        var padding = assertThrows(IllegalArgumentException.class, () -> new Embedding(4, 2, 4L));
        assertEquals("Padding_idx must be within num_embeddings, got 4 for 4 embeddings", padding.getMessage());
    }

    @Test
    void fromPretrainedSharesTheTensorAndFreezesByDefault() {
        Tensor vectors = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Embedding frozen = Embedding.fromPretrained(vectors, true, null);
        assertFalse(frozen.weight.requiresGrad());
        assertArrayEquals(new float[] {5, 6, 1, 2}, frozen.call(Tensor.of(new long[] {2, 0}, 2)).toFloatArray());
        assertTrue(Embedding.fromPretrained(vectors, false, null).weight.requiresGrad());
    }
}
