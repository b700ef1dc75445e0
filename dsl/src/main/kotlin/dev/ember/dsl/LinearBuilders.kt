package dev.ember.dsl

import dev.ember.devices.DType
import dev.ember.nn.Embedding
import dev.ember.nn.Linear

/*
 * Dense layers of a sequential(...) block:
 *
 *     sequential(input = shape(784)) { linear(128); relu(); linear(10) }
 *     sequential(input = shape(12), dtype = DType.INT64) { embedding(1000, 64, paddingIdx = 0); flatten(); linear(2) }
 */

/** `nn.Linear(in_features, outFeatures)`, with `in_features` the last dim of the current shape (`[features]` or `[length, features]`). */
fun SequentialBuilder.linear(outFeatures: Long, bias: Boolean = true): Linear {
    val shape = currentShape
    check("linear", shape.rank in 1..2) {
        if (shape.rank == 0) "expected input of rank 1, got a scalar []"
        else "expected input of rank 1 after flatten, got $shape"
    }
    requireFloating("linear")
    check("linear", outFeatures > 0) { "out_features must be positive, got $outFeatures" }
    return add(Linear(shape[-1], outFeatures, bias), shape.replaceLast(outFeatures))
}

/** `nn.Linear` with an `Int` size. */
fun SequentialBuilder.linear(outFeatures: Int, bias: Boolean = true): Linear = linear(outFeatures.toLong(), bias)

/**
 * `nn.Embedding(numEmbeddings, embeddingDim, padding_idx)`: integer indices of any per-sample shape
 * in ([DType.INT64] input, declared with `sequential(input = ..., dtype = DType.INT64)`), one
 * `embeddingDim` vector per index out. The padding row (negative counts from the end) starts at
 * zero and gets no gradient.
 */
fun SequentialBuilder.embedding(numEmbeddings: Long, embeddingDim: Long, paddingIdx: Long? = null): Embedding {
    val kind = "embedding"
    check(kind, !currentDType.isFloatingPoint) {
        "expected integer indices, got $currentDType $currentShape (declare the input with dtype = DType.INT64)"
    }
    check(kind, numEmbeddings > 0 && embeddingDim > 0) {
        "num_embeddings and embedding_dim must be positive, got $numEmbeddings and $embeddingDim"
    }
    check(kind, paddingIdx == null || paddingIdx in -numEmbeddings until numEmbeddings) {
        "padding_idx must be within num_embeddings ($numEmbeddings), got $paddingIdx"
    }
    val layer = construct(kind) { Embedding(numEmbeddings, embeddingDim, paddingIdx) }
    return add(layer, Shape(currentShape.toLongArray() + embeddingDim), DType.FLOAT32)
}

/** `nn.Embedding` with `Int` sizes. */
fun SequentialBuilder.embedding(numEmbeddings: Int, embeddingDim: Int, paddingIdx: Int? = null): Embedding =
    embedding(numEmbeddings.toLong(), embeddingDim.toLong(), paddingIdx?.toLong())
