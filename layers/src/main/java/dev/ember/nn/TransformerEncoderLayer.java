package dev.ember.nn;

import dev.ember.nn.functional.ActivationFunctions;
import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * One transformer encoder block, like {@code torch.nn.TransformerEncoderLayer} (PyTorch 1.13):
 * self-attention then a feed-forward network {@code linear2(dropout(activation(linear1(x))))},
 * each with a residual connection and layer norm, after the residual (post-norm, the default) or
 * before the sublayer ({@code normFirst}). Submodules carry PyTorch's names ({@code self_attn},
 * {@code linear1}, {@code dropout}, {@code linear2}, {@code norm1}, {@code norm2},
 * {@code dropout1}, {@code dropout2}), so a PyTorch state dict loads unchanged.
 *
 * <p>The activation is {@code "relu"} or {@code "gelu"} (exact, erf-based), given by name.
 *
 * <pre>{@code
 * TransformerEncoderLayer layer = new TransformerEncoderLayer(256, 4, 1024, 0.1, "gelu", 1e-5, true, true);
 * Tensor y = layer.call(Tensor.randn(16, 128, 256));   // [16, 128, 256]
 * }</pre>
 */
public class TransformerEncoderLayer extends Module {
    public final long dModel;
    public final long nhead;
    public final long dimFeedforward;
    public final double dropoutProbability;
    /** {@code "relu"} or {@code "gelu"}. */
    public final String activation;
    public final double layerNormEps;
    public final boolean batchFirst;
    public final boolean normFirst;

    public MultiheadAttention selfAttn;
    public Linear linear1;
    public Dropout dropout;
    public Linear linear2;
    public LayerNorm norm1;
    public LayerNorm norm2;
    public Dropout dropout1;
    public Dropout dropout2;

    /** PyTorch's defaults: feed-forward 2048, dropout 0.1, relu, eps 1e-5, sequence-first, post-norm. */
    public TransformerEncoderLayer(long dModel, long nhead) { this(dModel, nhead, 2048, 0.1, "relu", 1e-5, false, false); }

    public TransformerEncoderLayer(long dModel, long nhead, long dimFeedforward, double dropout) {
        this(dModel, nhead, dimFeedforward, dropout, "relu", 1e-5, false, false);
    }

    /**
     * @param activation "relu" or "gelu"
     * @param batchFirst inputs are {@code (N, L, E)} rather than {@code (L, N, E)}
     * @param normFirst  layer norm before each sublayer (pre-norm) rather than after the residual
     */
    public TransformerEncoderLayer(long dModel, long nhead, long dimFeedforward, double dropout, String activation,
                                   double layerNormEps, boolean batchFirst, boolean normFirst) {
        if (!activation.equals("relu") && !activation.equals("gelu")) {
            throw new IllegalArgumentException("activation should be relu/gelu, not " + activation);
        }
        if (dimFeedforward <= 0) {
            throw new IllegalArgumentException("TransformerEncoderLayer: dim_feedforward must be positive, but got " + dimFeedforward);
        }
        this.dModel = dModel;
        this.nhead = nhead;
        this.dimFeedforward = dimFeedforward;
        this.dropoutProbability = dropout;
        this.activation = activation;
        this.layerNormEps = layerNormEps;
        this.batchFirst = batchFirst;
        this.normFirst = normFirst;
        this.selfAttn = new MultiheadAttention(dModel, nhead, dropout, true, batchFirst);
        this.linear1 = new Linear(dModel, dimFeedforward);
        this.dropout = new Dropout(dropout);
        this.linear2 = new Linear(dimFeedforward, dModel);
        this.norm1 = new LayerNorm(new long[] {dModel}, layerNormEps, true);
        this.norm2 = new LayerNorm(new long[] {dModel}, layerNormEps, true);
        this.dropout1 = new Dropout(dropout);
        this.dropout2 = new Dropout(dropout);
    }

    /**
     * A deep copy with fresh parameters holding this layer's values, in the same training mode,
     * like Python's {@code copy.deepcopy} (hooks are not copied). {@link TransformerEncoder} uses
     * it to make its layers; a subclass with more state should override it.
     */
    public TransformerEncoderLayer copy() {
        TransformerEncoderLayer copy = new TransformerEncoderLayer(dModel, nhead, dimFeedforward, dropoutProbability,
                activation, layerNormEps, batchFirst, normFirst);
        copyStateInto(this, copy);
        return copy;
    }

    /** Copies values, {@code requiresGrad} flags and training modes from {@code source} into a module of the same structure. */
    static void copyStateInto(Module source, Module target) {
        target.loadStateDict(source.stateDict());
        Map<String, Parameter> targetParameters = target.namedParameters();
        source.namedParameters().forEach((name, p) -> targetParameters.get(name).requiresGrad_(p.requiresGrad()));
        Map<String, Module> targetModules = target.namedModules();
        source.namedModules().forEach((name, m) -> targetModules.get(name).training = m.training);
    }

    /** {@code forward(src)}, or {@code forward(src, srcMask, srcKeyPaddingMask)} through {@link #call}. */
    @Override
    public Tensor forward(Tensor... inputs) {
        return switch (inputs.length) {
            case 1 -> forward(inputs[0], null, null);
            case 3 -> forward(inputs[0], inputs[1], inputs[2]);
            default -> throw new IllegalArgumentException("TransformerEncoderLayer.forward() takes 1 input (src) or 3 inputs "
                    + "(src, src_mask, src_key_padding_mask) but " + inputs.length + " were given");
        };
    }

    @Override
    public Tensor forward(Tensor src) { return forward(src, null, null); }

    /**
     * @param srcMask           null, or an attention mask {@code [L, L]} or {@code [N * nhead, L, L]}
     * @param srcKeyPaddingMask null, or {@code [N, L]} (true = padding)
     */
    public Tensor forward(Tensor src, Tensor srcMask, Tensor srcKeyPaddingMask) {
        Tensor x = src;
        if (normFirst) {
            x = x.add(selfAttentionBlock(norm1.call(x), srcMask, srcKeyPaddingMask));
            return x.add(feedForwardBlock(norm2.call(x)));
        }
        x = norm1.call(x.add(selfAttentionBlock(x, srcMask, srcKeyPaddingMask)));
        return norm2.call(x.add(feedForwardBlock(x)));
    }

    private Tensor selfAttentionBlock(Tensor x, Tensor mask, Tensor keyPaddingMask) {
        return dropout1.call(selfAttn.forward(x, x, x, keyPaddingMask, false, mask, true).output());
    }

    private Tensor feedForwardBlock(Tensor x) {
        Tensor hidden = linear1.call(x);
        hidden = activation.equals("relu") ? hidden.relu() : ActivationFunctions.gelu(hidden, "none");
        return dropout2.call(linear2.call(dropout.call(hidden)));
    }
}
