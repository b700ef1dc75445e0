package dev.ember.nn.init;

/**
 * Orthonormal columns for {@link Init#orthogonal_}: the Q of a thin QR decomposition with R's
 * diagonal positive, by modified Gram-Schmidt with one re-orthogonalisation pass, which keeps
 * Q orthonormal to rounding for the well-conditioned random matrices init draws.
 */
final class Orthonormalization {
    private Orthonormalization() {}

    /**
     * @param columns {@code count} columns of length {@code length}, column-major; overwritten
     * @return the orthonormalised columns (the same array)
     */
    static double[] orthonormalColumns(double[] columns, int length, int count) {
        for (int j = 0; j < count; j++) {
            int jStart = j * length;
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    int kStart = k * length;
                    double dot = 0;
                    for (int i = 0; i < length; i++) dot += columns[kStart + i] * columns[jStart + i];
                    for (int i = 0; i < length; i++) columns[jStart + i] -= dot * columns[kStart + i];
                }
            }
            double norm = 0;
            for (int i = 0; i < length; i++) norm += columns[jStart + i] * columns[jStart + i];
            norm = Math.sqrt(norm);
            if (norm == 0) throw new IllegalStateException("orthogonal_: the random matrix was rank-deficient");
            for (int i = 0; i < length; i++) columns[jStart + i] /= norm;
        }
        return columns;
    }
}
