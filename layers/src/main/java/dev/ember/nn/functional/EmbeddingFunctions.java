package dev.ember.nn.functional;

import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;
import java.util.Arrays;

/**
 * Embedding lookup, like {@code torch.nn.functional.embedding}: the rows of a weight
 * {@code [num_embeddings, embedding_dim]} at integer indices of any shape, gathered with
 * {@code indexSelect} so gradients scatter back into the rows that were used.
 *
 * <pre>{@code
 * Tensor vectors = EmbeddingFunctions.embedding(tokenIds, weight, 0L);   // [B, T] -> [B, T, dim]
 * }</pre>
 */
public final class EmbeddingFunctions {
    private EmbeddingFunctions() {}

    /**
     * @param paddingIdx a row whose gradient is always zero (it still contributes its value to
     *                   the output, as in PyTorch), or null; negative counts from the end
     */
    public static Tensor embedding(Tensor indices, Tensor weight, Long paddingIdx) {
        if (indices.dtype() != DType.INT64 && indices.dtype() != DType.INT32) {
            throw new IllegalArgumentException("Expected tensor for argument #1 'indices' to have one of the following scalar "
                    + "types: int64, int32; but got " + indices.dtype() + " instead");
        }
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("'weight' must be 2-D, but got weight of size " + Arrays.toString(weight.shape()));
        }
        long rows = weight.size(0);
        long[] outShape = Arrays.copyOf(indices.shape(), indices.dim() + 1);
        outShape[indices.dim()] = weight.size(1);
        Tensor flat = indices.reshape(-1);
        Tensor output = weight.indexSelect(0, flat).view(outShape);
        if (paddingIdx == null || !output.requiresGrad()) return output;
        long padding = normalizePaddingIdx(paddingIdx, rows);
        // The padding row keeps its value but passes no gradient back: route its positions through a detached copy.
        Tensor isPadding = indices.eq((double) padding).unsqueeze(-1);
        return Tensor.where(isPadding, output.detach(), output);
    }

    public static Tensor embedding(Tensor indices, Tensor weight) { return embedding(indices, weight, null); }

    /** A padding index in {@code [-rows, rows)} as a row number. */
    public static long normalizePaddingIdx(long paddingIdx, long rows) {
        if (paddingIdx >= rows || paddingIdx < -rows) {
            throw new IllegalArgumentException("Padding_idx must be within num_embeddings, got " + paddingIdx + " for "
                    + rows + " embeddings");
        }
        return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
    }
}
