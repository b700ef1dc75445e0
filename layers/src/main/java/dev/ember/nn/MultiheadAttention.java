package dev.ember.nn;

import dev.ember.devices.DType;
import dev.ember.nn.functional.DropoutFunctions;
import dev.ember.nn.functional.LinearFunctions;
import dev.ember.nn.init.Init;
import dev.ember.tensor.Tensor;
import java.util.Arrays;

/**
 * Multi-head scaled dot-product attention, like {@code torch.nn.MultiheadAttention} (PyTorch
 * 1.13): {@code softmax(Q K^T / sqrt(headDim) + mask) V} for each of {@code numHeads} heads,
 * with packed input projections {@code in_proj_weight [3E, E]}, {@code in_proj_bias [3E]} and an
 * output projection {@code out_proj} (a {@link Linear}), so state dicts interchange with
 * PyTorch's. Inputs are {@code (L, N, E)}, or {@code (N, L, E)} with {@code batchFirst}, or
 * unbatched {@code (L, E)}; keys and values have their own length {@code S}.
 *
 * <p>Masks: {@code keyPaddingMask} {@code [N, S]} (or {@code [S]} unbatched), and
 * {@code attnMask} {@code [L, S]} or {@code [N * numHeads, L, S]}. A boolean (or uint8) mask
 * marks with {@code true} the positions that may not be attended; a floating mask is added to
 * the scores. Dropout with probability {@code dropout} acts on the attention weights in training
 * mode; the weights returned are those after dropout, as in PyTorch 1.13.
 *
 * <p>Not supported: {@code kdim}/{@code vdim} different from {@code embedDim},
 * {@code add_bias_kv} and {@code add_zero_attn}. Only {@link #call} runs hooks, and it returns
 * the output alone; the weights come from {@link #forward(Tensor, Tensor, Tensor, Tensor, boolean, Tensor, boolean)}.
 *
 * <pre>{@code
 * MultiheadAttention attention = new MultiheadAttention(256, 4, 0.0, true, true);  // batchFirst
 * Tensor x = Tensor.randn(16, 128, 256);
 * Tensor y = attention.forward(x, x, x);                                           // [16, 128, 256]
 * MultiheadAttention.Result r = attention.forward(x, x, x, null, true, null, true);
 * r.weights();                                                                     // [16, 128, 128]
 * }</pre>
 */
public class MultiheadAttention extends Module {

    /**
     * The attention output, and the attention weights: averaged over heads {@code [N, L, S]} or
     * per head {@code [N, numHeads, L, S]} (without the batch dim for unbatched inputs), or null
     * when they were not asked for.
     */
    public record Result(Tensor output, Tensor weights) {}

    public final long embedDim;
    public final long numHeads;
    public final long headDim;
    /** Dropout probability on the attention weights (training mode only). */
    public final double dropout;
    public final boolean batchFirst;
    /** {@code [3 * embedDim, embedDim]}: the query, key and value projections stacked. */
    public Parameter inProjWeight;
    /** {@code [3 * embedDim]}, or null without bias. */
    public Parameter inProjBias;
    public Linear outProj;

    public MultiheadAttention(long embedDim, long numHeads) { this(embedDim, numHeads, 0.0, true, false); }

    /**
     * @param dropout    probability of dropping an attention weight in training mode
     * @param bias       whether the input and output projections have biases
     * @param batchFirst inputs and outputs are {@code (N, L, E)} rather than {@code (L, N, E)}
     */
    public MultiheadAttention(long embedDim, long numHeads, double dropout, boolean bias, boolean batchFirst) {
        if (embedDim <= 0 || numHeads <= 0) {
            throw new IllegalArgumentException("MultiheadAttention: embed_dim and num_heads must be positive, but got embed_dim="
                    + embedDim + " and num_heads=" + numHeads);
        }
        if (embedDim % numHeads != 0) {
            throw new IllegalArgumentException("embed_dim must be divisible by num_heads, but got embed_dim=" + embedDim
                    + " and num_heads=" + numHeads);
        }
        if (!(dropout >= 0 && dropout <= 1)) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + dropout);
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.headDim = embedDim / numHeads;
        this.dropout = dropout;
        this.batchFirst = batchFirst;
        this.inProjWeight = new Parameter(Tensor.empty(3 * embedDim, embedDim));
        this.inProjBias = bias ? new Parameter(Tensor.empty(3 * embedDim)) : null;
        this.outProj = new Linear(embedDim, embedDim, bias);
        resetParameters();
    }

    /**
     * PyTorch's initialisation: xavier-uniform for {@code in_proj_weight}, zero biases;
     * {@code out_proj.weight} keeps {@link Linear}'s initialisation.
     */
    public void resetParameters() {
        Init.xavierUniform_(inProjWeight);
        if (inProjBias != null) {
            Init.zeros_(inProjBias);
            Init.zeros_(outProj.bias);
        }
    }

    /** {@code forward(query, key, value)}, so that {@link #call} works with three inputs. */
    @Override
    public Tensor forward(Tensor... inputs) {
        if (inputs.length != 3) {
            throw new IllegalArgumentException("MultiheadAttention.forward() takes 3 inputs (query, key, value) but "
                    + inputs.length + " were given");
        }
        return forward(inputs[0], inputs[1], inputs[2]);
    }

    /** The attention output alone, without masks. */
    public Tensor forward(Tensor query, Tensor key, Tensor value) {
        return forward(query, key, value, null, false, null, true).output();
    }

    /** The attention output alone, with optional (null for none) key padding and attention masks. */
    public Tensor forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, Tensor attnMask) {
        return forward(query, key, value, keyPaddingMask, false, attnMask, true).output();
    }

    /**
     * PyTorch's full {@code forward}: the output and, when {@code needWeights}, the attention
     * weights, averaged over heads when {@code averageAttnWeights}.
     *
     * @param keyPaddingMask null, or {@code [N, S]} ({@code [S]} unbatched), bool (true = ignore that key) or float (added)
     * @param attnMask       null, or {@code [L, S]} or {@code [N * numHeads, L, S]}, bool (true = not allowed) or float (added)
     */
    public Result forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean needWeights,
                          Tensor attnMask, boolean averageAttnWeights) {
        return multiHeadAttentionForward(query, key, value, numHeads, inProjWeight, inProjBias, outProj.weight, outProj.bias,
                dropout, training, batchFirst, keyPaddingMask, needWeights, attnMask, averageAttnWeights);
    }

    /**
     * The computation of {@link MultiheadAttention} on given weights, like PyTorch's
     * {@code F.multi_head_attention_forward} (with {@code batchFirst} folded in): packed
     * projections {@code inProjWeight [3E, E]}, {@code inProjBias [3E]} (or null) and
     * {@code outProjWeight [E, E]}, {@code outProjBias [E]} (or null).
     *
     * <pre>{@code
     * Result r = MultiheadAttention.multiHeadAttentionForward(x, x, x, 2, w, b, wo, bo, 0.0, false, true, null, true, null, true);
     * }</pre>
     */
    public static Result multiHeadAttentionForward(Tensor query, Tensor key, Tensor value, long numHeads,
                                                   Tensor inProjWeight, Tensor inProjBias, Tensor outProjWeight,
                                                   Tensor outProjBias, double dropout, boolean training, boolean batchFirst,
                                                   Tensor keyPaddingMask, boolean needWeights, Tensor attnMask,
                                                   boolean averageAttnWeights) {
        boolean batched = checkRanks(query, key, value, keyPaddingMask);
        long embedDim = inProjWeight.size(1);
        if (embedDim % numHeads != 0) {
            throw new IllegalArgumentException("embed_dim " + embedDim + " not divisible by num_heads " + numHeads);
        }
        boolean selfAttention = query == key && key == value;
        boolean sharedKeyValue = key == value;
        boolean batchMajor = batchFirst || !batched;
        if (!batched) {
            // An unbatched input is a batch of one, laid out batch-first.
            query = query.unsqueeze(0);
            key = selfAttention ? query : key.unsqueeze(0);
            value = sharedKeyValue ? key : value.unsqueeze(0);
            if (keyPaddingMask != null) keyPaddingMask = keyPaddingMask.unsqueeze(0);
        }
        int batchDim = batchMajor ? 0 : 1;
        int sequenceDim = 1 - batchDim;
        long n = query.size(batchDim);
        long l = query.size(sequenceDim);
        long s = key.size(sequenceDim);
        long headDim = embedDim / numHeads;
        checkSizes(query, key, value, embedDim, batchDim, batched, batchFirst);

        Tensor q;
        Tensor k;
        Tensor v;
        if (selfAttention) {
            Tensor qkv = splitHeads(LinearFunctions.linear(query, inProjWeight, inProjBias), 3, numHeads, batchMajor);
            q = qkv.select(0, 0);
            k = qkv.select(0, 1);
            v = qkv.select(0, 2);
        } else {
            q = splitHeads(project(query, inProjWeight, inProjBias, 0, 1), 1, numHeads, batchMajor).select(0, 0);
            if (sharedKeyValue) {
                Tensor kv = splitHeads(project(key, inProjWeight, inProjBias, 1, 2), 2, numHeads, batchMajor);
                k = kv.select(0, 0);
                v = kv.select(0, 1);
            } else {
                k = splitHeads(project(key, inProjWeight, inProjBias, 1, 1), 1, numHeads, batchMajor).select(0, 0);
                v = splitHeads(project(value, inProjWeight, inProjBias, 2, 1), 1, numHeads, batchMajor).select(0, 0);
            }
        }

        // [N * H, L, S], seen as [N, H, L, S] so that masks broadcast over heads without copies.
        Tensor scores = q.div(Math.sqrt(headDim)).bmm(k.transpose(1, 2)).view(n, numHeads, l, s);
        scores = applyMasks(scores, attnMask, keyPaddingMask, n, numHeads, l, s);
        Tensor weights = DropoutFunctions.dropout(scores.softmax(-1), dropout, training);
        Tensor attended = weights.view(n * numHeads, l, s).bmm(v).view(n, numHeads, l, headDim);
        Tensor merged = (batchMajor ? attended.permute(0, 2, 1, 3) : attended.permute(2, 0, 1, 3))
                .reshape(batchMajor ? n : l, batchMajor ? l : n, embedDim);
        Tensor output = LinearFunctions.linear(merged, outProjWeight, outProjBias);
        if (!batched) output = output.squeeze(0);
        if (!needWeights) return new Result(output, null);
        Tensor returned = averageAttnWeights ? weights.sum(1).div(numHeads) : weights;
        if (!batched) returned = returned.squeeze(0);
        return new Result(output, returned);
    }

    /** The projection by rows {@code [first * E, (first + count) * E)} of the packed weight: views, no copy. */
    private static Tensor project(Tensor input, Tensor weight, Tensor bias, int first, int count) {
        long e = weight.size(1);
        return LinearFunctions.linear(input, weight.narrow(0, first * e, count * e),
                bias == null ? null : bias.narrow(0, first * e, count * e));
    }

    /**
     * {@code [N, len, parts * E]} (or {@code [len, N, parts * E]}) to {@code [parts, N * H, len, headDim]}:
     * one copy for all parts, after which each part is a contiguous batch of heads for bmm.
     */
    private static Tensor splitHeads(Tensor projected, int parts, long numHeads, boolean batchMajor) {
        long a = projected.size(0);
        long b = projected.size(1);
        long headDim = projected.size(2) / parts / numHeads;
        Tensor split = projected.view(a, b, parts, numHeads, headDim);
        Tensor ordered = batchMajor ? split.permute(2, 0, 3, 1, 4) : split.permute(2, 1, 3, 0, 4);
        return ordered.reshape(parts, (batchMajor ? a : b) * numHeads, batchMajor ? b : a, headDim);
    }

    /** Masks out (bool) or adds to (float) the scores {@code [N, H, L, S]}. */
    private static Tensor applyMasks(Tensor scores, Tensor attnMask, Tensor keyPaddingMask, long n, long numHeads, long l, long s) {
        Tensor forbidden = null;
        Tensor additive = null;
        if (attnMask != null) {
            if (attnMask.dtype() == DType.UINT8) attnMask = attnMask.to(DType.BOOL);
            if (!attnMask.dtype().isBool() && !attnMask.isFloatingPoint()) {
                throw new IllegalArgumentException("Only float, byte, and bool types are supported for attn_mask, not " + attnMask.dtype());
            }
            Tensor shaped;
            if (attnMask.dim() == 2) {
                if (attnMask.size(0) != l || attnMask.size(1) != s) {
                    throw new IllegalArgumentException("The shape of the 2D attn_mask is " + Arrays.toString(attnMask.shape())
                            + ", but should be [" + l + ", " + s + "].");
                }
                shaped = attnMask;
            } else if (attnMask.dim() == 3) {
                if (attnMask.size(0) != n * numHeads || attnMask.size(1) != l || attnMask.size(2) != s) {
                    throw new IllegalArgumentException("The shape of the 3D attn_mask is " + Arrays.toString(attnMask.shape())
                            + ", but should be [" + n * numHeads + ", " + l + ", " + s + "].");
                }
                shaped = attnMask.reshape(n, numHeads, l, s);
            } else {
                throw new IllegalArgumentException("attn_mask's dimension " + attnMask.dim() + " is not supported");
            }
            if (shaped.dtype().isBool()) forbidden = shaped;
            else additive = shaped.to(scores.dtype());
        }
        if (keyPaddingMask != null) {
            if (keyPaddingMask.size(0) != n || keyPaddingMask.size(1) != s) {
                throw new IllegalArgumentException("expecting key_padding_mask shape of [" + n + ", " + s + "], but got "
                        + Arrays.toString(keyPaddingMask.shape()));
            }
            Tensor shaped = keyPaddingMask.reshape(n, 1, 1, s);
            if (shaped.dtype().isBool()) forbidden = forbidden == null ? shaped : forbidden.logicalOr(shaped);
            else additive = additive == null ? shaped.to(scores.dtype()) : additive.add(shaped.to(scores.dtype()));
        }
        if (forbidden != null) scores = scores.maskedFill(forbidden, Double.NEGATIVE_INFINITY);
        if (additive != null) scores = scores.add(additive);
        return scores;
    }

    /** Checks the ranks of the inputs and masks; returns whether the input is batched. */
    private static boolean checkRanks(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask) {
        if (keyPaddingMask != null && !keyPaddingMask.dtype().isBool() && !keyPaddingMask.isFloatingPoint()) {
            throw new IllegalArgumentException("only bool and floating types of key_padding_mask are supported, but got "
                    + keyPaddingMask.dtype());
        }
        if (query.dim() == 3) {
            if (key.dim() != 3 || value.dim() != 3) {
                throw new IllegalArgumentException("For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                        + key.dim() + "-D and " + value.dim() + "-D tensors respectively");
            }
            if (keyPaddingMask != null && keyPaddingMask.dim() != 2) {
                throw new IllegalArgumentException("For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found "
                        + keyPaddingMask.dim() + "-D tensor instead");
            }
            return true;
        }
        if (query.dim() == 2) {
            if (key.dim() != 2 || value.dim() != 2) {
                throw new IllegalArgumentException("For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                        + key.dim() + "-D and " + value.dim() + "-D tensors respectively");
            }
            if (keyPaddingMask != null && keyPaddingMask.dim() != 1) {
                throw new IllegalArgumentException("For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but found "
                        + keyPaddingMask.dim() + "-D tensor instead");
            }
            return false;
        }
        throw new IllegalArgumentException("query should be unbatched 2D or batched 3D tensor but received " + query.dim()
                + "-D query tensor");
    }

    private static void checkSizes(Tensor query, Tensor key, Tensor value, long embedDim, int batchDim, boolean batched,
                                   boolean batchFirst) {
        if (query.size(2) != embedDim) {
            throw new IllegalArgumentException("was expecting embedding dimension of " + embedDim + ", but got " + query.size(2));
        }
        if (!Arrays.equals(key.shape(), value.shape())) {
            throw new IllegalArgumentException("key shape " + Arrays.toString(key.shape()) + " does not match value shape "
                    + Arrays.toString(value.shape()));
        }
        if (key.size(2) != embedDim) {
            throw new IllegalArgumentException("was expecting key and value embedding dimension of " + embedDim + ", but got "
                    + key.size(2) + " (kdim and vdim other than embed_dim are not supported)");
        }
        if (batched && key.size(batchDim) != query.size(batchDim)) {
            throw new IllegalArgumentException("key batch size " + key.size(batchDim) + " does not match query batch size "
                    + query.size(batchDim) + " (query " + Arrays.toString(query.shape()) + ", key "
                    + Arrays.toString(key.shape()) + ", batch_first=" + pythonBoolean(batchFirst) + ")");
        }
    }
}
