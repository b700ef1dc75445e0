package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Products of 2-D views (offsets, transposes, steps) on random shapes against a plain-Java triple
 * loop over the views' values, in float64 so that the sums agree to rounding: a wrong offset,
 * stride or leading dimension handed to BLAS shows as a wrong value.
 */
class MatmulViewPropertyTest {

    @Test
    void productsOfRandomMatrixViewsMatchAPlainTripleLoop() {
        Random random = new Random(20261122L);
        for (int c = 0; c < 300; c++) {
            int m = 1 + random.nextInt(40), k = 1 + random.nextInt(40), n = 1 + random.nextInt(40);
            Tensor left = randomView(random, m, k);
            Tensor right = randomView(random, k, n);
            double[] a = left.toDoubleArray(), b = right.toDoubleArray();
            double[] product = left.matmul(right).toDoubleArray();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double expected = 0;
                    for (int p = 0; p < k; p++) expected += a[i * k + p] * b[p * n + j];
                    assertEquals(expected, product[i * n + j], 1e-12 * (1 + Math.abs(expected)),
                            "case " + c + ": [" + m + ", " + k + "] x [" + k + ", " + n + "] at (" + i + ", " + j + ")");
                }
            }
        }
    }

    /** A [rows, cols] view of a larger float64 matrix: narrowed at an offset, maybe transposed, maybe stepped. */
    private static Tensor randomView(Random random, int rows, int cols) {
        boolean transposed = random.nextBoolean();
        int step = random.nextInt(4) == 0 ? 2 : 1;
        int outerRows = transposed ? cols : rows, outerCols = transposed ? rows : cols;
        int rowStart = random.nextInt(3), colStart = random.nextInt(3);
        int height = rowStart + outerRows + random.nextInt(3), width = colStart + outerCols * step + random.nextInt(3);
        double[] data = new double[height * width];
        for (int i = 0; i < data.length; i++) data[i] = random.nextGaussian();
        Tensor base = Tensor.of(data, height, width);
        Tensor view = base.narrow(0, rowStart, outerRows).slice(1, colStart, colStart + outerCols * step, step);
        return transposed ? view.t() : view;
    }
}
