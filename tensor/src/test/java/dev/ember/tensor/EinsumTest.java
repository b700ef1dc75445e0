package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

class EinsumTest {

    private static Tensor random(long... shape) { return Tensor.randn(DType.FLOAT64, shape); }

    private static void assertClose(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 1e-12);
    }

    @Test
    void matrixProductPatternEqualsMatmul() {
        Tensor a = random(3, 4);
        Tensor b = random(4, 5);
        assertClose(a.matmul(b), Tensor.einsum("ij,jk->ik", a, b));
        assertClose(a.matmul(b).t(), Tensor.einsum("ij,jk->ki", a, b));
    }

    @Test
    void batchedProductPatternEqualsBmm() {
        Tensor a = random(2, 3, 4);
        Tensor b = random(2, 4, 5);
        assertClose(a.bmm(b), Tensor.einsum("bij,bjk->bik", a, b));
    }

    @Test
    void dotOuterAndElementwisePatterns() {
        Tensor u = random(6);
        Tensor v = random(6);
        assertClose(u.dot(v), Tensor.einsum("i,i->", u, v));
        assertClose(u.outer(v), Tensor.einsum("i,j->ij", u, v));
        assertClose(u.mul(v), Tensor.einsum("i,i->i", u, v));
    }

    @Test
    void singleOperandTransposeAndSums() {
        Tensor a = random(3, 4, 2);
        assertClose(a.permute(2, 0, 1), Tensor.einsum("ijk->kij", a));
        assertClose(a.sum(new int[] {1}, false), Tensor.einsum("ijk->ik", a));
        assertClose(a.sum(), Tensor.einsum("ijk->", a));
    }

    @Test
    void implicitOutputKeepsLettersUsedOnceInAlphabeticalOrder() {
        Tensor a = random(3, 4);
        Tensor b = random(4, 5);
        assertClose(a.matmul(b), Tensor.einsum("ij,jk", a, b));
        assertClose(a.t(), Tensor.einsum("ba", a));
    }

    @Test
    void attentionScoresPatternMatchesTransposedMatmul() {
        Tensor q = random(2, 5, 8);
        Tensor k = random(2, 7, 8);
        assertClose(q.matmul(k.transpose(1, 2)), Tensor.einsum("bqd,bkd->bqk", q, k));
    }

    @Test
    void letterOnlyInOneOperandIsSummedFirst() {
        Tensor a = random(3, 4);
        Tensor b = random(4, 5);
        Tensor expected = a.sum(new int[] {0}, false).unsqueeze(1).mul(b).sum(new int[] {0}, false);
        assertClose(expected, Tensor.einsum("ij,jk->k", a, b));
    }

    @Test
    void gradientsPassGradcheck() {
        Tensor a = random(2, 3, 4).requiresGrad_(true);
        Tensor b = random(2, 4, 3).requiresGrad_(true);
        assertTrue(GradCheck.check(in -> Tensor.einsum("bij,bjk->bik", in.get(0), in.get(1)), List.of(a, b)));
        assertTrue(GradCheck.check(in -> Tensor.einsum("bij,bjk->k", in.get(0), in.get(1)), List.of(a, b)));
    }

    @Test
    void mismatchedSizesNameTheSubscript() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> Tensor.einsum("ij,jk->ik", random(3, 4), random(5, 2)));
        assertTrue(error.getMessage().contains("'j' has size 4 and 5"), error.getMessage());
    }

    @Test
    void wrongSubscriptCountNamesTheShape() {
        var error = assertThrows(IllegalArgumentException.class, () -> Tensor.einsum("ij->i", random(3)));
        assertTrue(error.getMessage().contains("[3]"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.einsum("ij,jk->ik", random(3, 4)));
        assertThrows(IllegalArgumentException.class, () -> Tensor.einsum("ii->i", random(3, 3)));
        assertThrows(IllegalArgumentException.class, () -> Tensor.einsum("ij->iz", random(3, 3)));
    }
}
