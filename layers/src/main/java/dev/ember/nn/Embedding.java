package dev.ember.nn;

import dev.ember.autograd.GradMode;
import dev.ember.nn.functional.EmbeddingFunctions;
import dev.ember.nn.init.Init;
import dev.ember.tensor.Tensor;

/**
 * A lookup table of {@code numEmbeddings} vectors of size {@code embeddingDim}, like
 * {@code torch.nn.Embedding}: integer indices of any shape in, their rows out. The weight is
 * initialised {@code N(0, 1)}; a padding index's row starts at zero and never gets a gradient.
 *
 * <pre>{@code
 * Embedding words = new Embedding(10_000, 128, 0);        // row 0 is padding
 * Tensor vectors = words.call(tokenIds);                  // [B, T] int64 -> [B, T, 128]
 * }</pre>
 */
public class Embedding extends Module {
    public final long numEmbeddings;
    public final long embeddingDim;
    /** The padding row in {@code [0, numEmbeddings)}, or null. */
    public final Long paddingIdx;
    /** {@code [numEmbeddings, embeddingDim]}. */
    public Parameter weight;

    public Embedding(long numEmbeddings, long embeddingDim) { this(numEmbeddings, embeddingDim, null); }

    /** @param paddingIdx the padding row (negative counts from the end), or null for none */
    public Embedding(long numEmbeddings, long embeddingDim, Long paddingIdx) {
        this(numEmbeddings, embeddingDim, paddingIdx, null);
    }

    private Embedding(long numEmbeddings, long embeddingDim, Long paddingIdx, Tensor weight) {
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = paddingIdx == null ? null : EmbeddingFunctions.normalizePaddingIdx(paddingIdx, numEmbeddings);
        if (weight == null) {
            this.weight = new Parameter(Tensor.empty(numEmbeddings, embeddingDim));
            resetParameters();
        } else {
            this.weight = new Parameter(weight);
        }
    }

    /**
     * An embedding over a copy-free view of {@code embeddings} ({@code [num, dim]}), frozen
     * (no gradient) when {@code freeze}, like {@code Embedding.from_pretrained}.
     */
    public static Embedding fromPretrained(Tensor embeddings, boolean freeze, Long paddingIdx) {
        if (embeddings.dim() != 2) {
            throw new IllegalArgumentException("Embeddings parameter is expected to be 2-dimensional, but got size "
                    + java.util.Arrays.toString(embeddings.shape()));
        }
        Embedding embedding = new Embedding(embeddings.size(0), embeddings.size(1), paddingIdx, embeddings);
        embedding.weight.requiresGrad_(!freeze);
        return embedding;
    }

    /** {@code N(0, 1)}, then the padding row zeroed. */
    public void resetParameters() {
        Init.normal_(weight);
        if (paddingIdx != null) {
            try (var mode = GradMode.noGrad()) {
                weight.select(0, paddingIdx).zero_();
            }
        }
    }

    @Override
    public Tensor forward(Tensor input) { return EmbeddingFunctions.embedding(input, weight, paddingIdx); }

    @Override
    public String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx == null ? "" : ", padding_idx=" + paddingIdx);
    }
}
