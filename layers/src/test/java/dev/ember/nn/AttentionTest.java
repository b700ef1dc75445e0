package dev.ember.nn;

import static dev.ember.nn.LinearTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import dev.ember.tensor.GradCheck;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AttentionTest {

    // ---------------------------------------------------------------- golden values from PyTorch 1.13

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "mha self-attention",
        "mha cross-attention with longer keys, per-head weights",
        "mha key is value",
        "mha key padding mask",
        "mha causal bool mask",
        "mha float mask",
        "mha 3-D bool mask with key padding",
        "mha float mask with bool key padding",
        "mha batch_first with key padding",
        "mha batch_first cross-attention",
        "mha unbatched cross-attention",
        "mha four heads without bias"})
    void outputWeightsAndGradientsMatchPyTorch(String name) { AttentionFixtures.check(name); }

    @Test
    void stateDictKeysAndShapesMatchPyTorch() {
        assertEquals(AttentionFixtures.stateDictShapes("mha"), AttentionFixtures.stateDictShapes(new MultiheadAttention(8, 2)));
        assertEquals(AttentionFixtures.stateDictShapes("mha_no_bias"),
                AttentionFixtures.stateDictShapes(new MultiheadAttention(8, 2, 0.0, false, false)));
    }

    @Test
    void printoutMatchesPyTorchRepr() {
        assertEquals(AttentionFixtures.repr("mha"), new MultiheadAttention(8, 2).toString());
    }

    // ---------------------------------------------------------------- gradients in float64

    @Test
    void gradcheckThroughQueryKeyValueAndAllWeightsWithMasks() {
        Tensor.manualSeed(11);
        long e = 4;
        Tensor query = Tensor.randn(DType.FLOAT64, 3, 2, e).requiresGrad_(true);
        Tensor key = Tensor.randn(DType.FLOAT64, 2, 2, e).requiresGrad_(true);
        Tensor value = Tensor.randn(DType.FLOAT64, 2, 2, e).requiresGrad_(true);
        Tensor inW = Tensor.randn(DType.FLOAT64, 3 * e, e).mul(0.5).requiresGrad_(true);
        Tensor inB = Tensor.randn(DType.FLOAT64, 3 * e).requiresGrad_(true);
        Tensor outW = Tensor.randn(DType.FLOAT64, e, e).requiresGrad_(true);
        Tensor outB = Tensor.randn(DType.FLOAT64, e).requiresGrad_(true);
        Tensor padding = Tensor.of(new boolean[] {false, false, false, true}, 2, 2);
        Tensor additive = Tensor.randn(DType.FLOAT64, 3, 2);
        assertTrue(GradCheck.check(in -> MultiheadAttention.multiHeadAttentionForward(in.get(0), in.get(1), in.get(2), 2,
                in.get(3), in.get(4), in.get(5), in.get(6), 0.0, true, false, padding, false, additive, true).output(),
                List.of(query, key, value, inW, inB, outW, outB)));
        // The averaged weights are differentiable too.
        assertTrue(GradCheck.check(in -> MultiheadAttention.multiHeadAttentionForward(in.get(0), in.get(1), in.get(1), 2,
                in.get(2), null, outW, null, 0.0, true, false, null, true, null, true).weights(),
                List.of(query, key, inW)));
    }

    @Test
    void gradcheckOfBatchFirstSelfAttentionWithCausalMask() {
        Tensor.manualSeed(12);
        Tensor x = Tensor.randn(DType.FLOAT64, 2, 3, 6).requiresGrad_(true);
        Tensor inW = Tensor.randn(DType.FLOAT64, 18, 6).mul(0.5).requiresGrad_(true);
        Tensor inB = Tensor.randn(DType.FLOAT64, 18).requiresGrad_(true);
        Tensor outW = Tensor.randn(DType.FLOAT64, 6, 6).requiresGrad_(true);
        Tensor causal = Tensor.ones(DType.BOOL, 3, 3).triu(1);
        assertTrue(GradCheck.check(in -> MultiheadAttention.multiHeadAttentionForward(in.get(0), in.get(0), in.get(0), 3,
                in.get(1), in.get(2), in.get(3), null, 0.0, true, true, null, false, causal, true).output(),
                List.of(x, inW, inB, outW)));
    }

    // ---------------------------------------------------------------- properties on random shapes

    /** A module with random sizes (embed dim a multiple of heads) and random, non-zero biases. */
    private static MultiheadAttention randomModule(Random random, boolean batchFirst) {
        long heads = 1 + random.nextInt(3);
        long embed = heads * (1 + random.nextInt(4));
        MultiheadAttention attention = new MultiheadAttention(embed, heads, 0.0, true, batchFirst);
        try (var mode = GradMode.noGrad()) {
            attention.inProjBias.copy_(Tensor.randn(3 * embed));
            attention.outProj.bias.copy_(Tensor.randn(embed));
        }
        return attention;
    }

    private static MultiheadAttention sameWeights(MultiheadAttention source, boolean batchFirst, double dropout) {
        MultiheadAttention copy = new MultiheadAttention(source.embedDim, source.numHeads, dropout, true, batchFirst);
        copy.loadStateDict(source.stateDict());
        return copy;
    }

    @Test
    void batchFirstEqualsTransposedSequenceFirst() {
        Random random = new Random(21);
        Tensor.manualSeed(21);
        for (int trial = 0; trial < 6; trial++) {
            MultiheadAttention sequenceFirst = randomModule(random, false);
            MultiheadAttention batchFirst = sameWeights(sequenceFirst, true, 0.0);
            long n = 1 + random.nextInt(3);
            long l = 1 + random.nextInt(4);
            long s = 1 + random.nextInt(4);
            long e = sequenceFirst.embedDim;
            Tensor query = Tensor.randn(l, n, e);
            Tensor key = Tensor.randn(s, n, e);
            Tensor value = Tensor.randn(s, n, e);
            boolean self = trial % 2 == 0;
            if (self) key = value = query;
            var expected = sequenceFirst.forward(query, key, value, null, true, null, false);
            Tensor bfQuery = query.transpose(0, 1);
            Tensor bfKey = self ? bfQuery : key.transpose(0, 1);
            Tensor bfValue = self ? bfQuery : value.transpose(0, 1);
            var actual = batchFirst.forward(bfQuery, bfKey, bfValue, null, true, null, false);
            assertClose(expected.output().transpose(0, 1), actual.output(), "trial " + trial + " output");
            assertClose(expected.weights(), actual.weights(), "trial " + trial + " weights");
        }
    }

    @Test
    void unbatchedInputEqualsABatchOfOne() {
        Random random = new Random(22);
        Tensor.manualSeed(22);
        for (boolean batchFirst : new boolean[] {false, true}) {
            MultiheadAttention attention = randomModule(random, batchFirst);
            long e = attention.embedDim;
            Tensor query = Tensor.randn(3, e);
            Tensor key = Tensor.randn(5, e);
            Tensor padding = Tensor.of(new boolean[] {false, true, false, false, true}, 5);
            var single = attention.forward(query, key, key, padding, true, null, false);
            int batchDim = batchFirst ? 0 : 1;
            var batch = attention.forward(query.unsqueeze(batchDim), key.unsqueeze(batchDim), key.unsqueeze(batchDim),
                    padding.unsqueeze(0), true, null, false);
            assertClose(batch.output().squeeze(batchDim), single.output(), "output, batchFirst=" + batchFirst);
            assertClose(batch.weights().squeeze(0), single.weights(), "weights, batchFirst=" + batchFirst);
        }
    }

    @Test
    void keyPaddingMaskMakesOutputIndependentOfPaddedKeys() {
        Random random = new Random(23);
        Tensor.manualSeed(23);
        for (int trial = 0; trial < 4; trial++) {
            MultiheadAttention attention = randomModule(random, true);
            long n = 2;
            long s = 5;
            long e = attention.embedDim;
            Tensor query = Tensor.randn(n, 3, e);
            Tensor key = Tensor.randn(n, s, e);
            Tensor value = Tensor.randn(n, s, e);
            // Sample 0 pads its last two keys, sample 1 its first one.
            Tensor padding = Tensor.of(new boolean[] {false, false, false, true, true, true, false, false, false, false}, n, s);
            Tensor keep = padding.logicalNot().unsqueeze(-1);
            Tensor otherKey = Tensor.where(keep, key, Tensor.randn(n, s, e).mul(10));
            Tensor otherValue = Tensor.where(keep, value, Tensor.randn(n, s, e).mul(10));
            var first = attention.forward(query, key, value, padding, true, null, true);
            var second = attention.forward(query, otherKey, otherValue, padding, true, null, true);
            assertClose(first.output(), second.output(), "trial " + trial + " output");
            assertClose(first.weights(), second.weights(), "trial " + trial + " weights");
            float[] weights = first.weights().toFloatArray();
            assertEquals(0f, weights[3]);
            assertEquals(0f, weights[4]);
            assertEquals(0f, weights[3 * (int) s]);
        }
    }

    @Test
    void causalMaskMakesEachPositionIndependentOfLaterInputs() {
        Random random = new Random(24);
        Tensor.manualSeed(24);
        long length = 6;
        Tensor causal = Tensor.ones(DType.BOOL, length, length).triu(1);
        for (int t = 0; t < length - 1; t++) {
            MultiheadAttention attention = randomModule(random, false);
            long e = attention.embedDim;
            Tensor x = Tensor.randn(length, 2, e);
            Tensor changed = Tensor.cat(List.of(x.narrow(0, 0, t + 1), Tensor.randn(length - t - 1, 2, e)), 0);
            Tensor before = attention.forward(x, x, x, null, causal).narrow(0, 0, t + 1);
            Tensor after = attention.forward(changed, changed, changed, null, causal);
            assertClose(before, after.narrow(0, 0, t + 1), "positions up to " + t);
            assertFalse(after.narrow(0, t + 1, 1).allclose(attention.forward(x, x, x, null, causal).narrow(0, t + 1, 1)),
                    "position " + (t + 1) + " sees its own changed input");
        }
    }

    @Test
    void dropoutActsOnlyInTrainingMode() {
        Tensor.manualSeed(25);
        MultiheadAttention reference = new MultiheadAttention(8, 2);
        MultiheadAttention dropping = sameWeights(reference, false, 0.5);
        Tensor x = Tensor.randn(5, 3, 8);
        var expected = reference.forward(x, x, x, null, true, null, true);
        var trained = dropping.forward(x, x, x, null, true, null, true);
        assertFalse(trained.output().allclose(expected.output()), "training-mode dropout changes the output");
        dropping.eval();
        var evaluated = dropping.forward(x, x, x, null, true, null, true);
        assertClose(expected.output(), evaluated.output(), "eval output");
        assertClose(expected.weights(), evaluated.weights(), "eval weights");
    }

    @Test
    void selfAttentionMatchesTheSameComputationOnDistinctEqualTensors() {
        Tensor.manualSeed(26);
        MultiheadAttention attention = randomModule(new Random(26), true);
        Tensor x = Tensor.randn(2, 4, attention.embedDim);
        Tensor packed = attention.forward(x, x, x);
        assertClose(packed, attention.forward(x, x.clone(), x.clone()), "separate projections");
        Tensor kv = x.clone();
        assertClose(packed, attention.forward(x, kv, kv), "shared key-value projection");
    }

    @Test
    void averagedWeightsAreTheMeanOfPerHeadWeightsAndRowsSumToOne() {
        Tensor.manualSeed(27);
        MultiheadAttention attention = new MultiheadAttention(6, 3);
        Tensor q = Tensor.randn(4, 2, 6);
        Tensor k = Tensor.randn(7, 2, 6);
        Tensor perHead = attention.forward(q, k, k, null, true, null, false).weights();
        Tensor averaged = attention.forward(q, k, k, null, true, null, true).weights();
        assertArrayEquals(new long[] {2, 3, 4, 7}, perHead.shape());
        assertArrayEquals(new long[] {2, 4, 7}, averaged.shape());
        assertClose(perHead.mean(1), averaged, "mean over heads");
        assertClose(Tensor.ones(2, 3, 4), perHead.sum(-1), "row sums");
        assertNull(attention.forward(q, k, k, null, false, null, true).weights());
    }

    @Test
    void byteMaskActsLikeBoolMaskAndAFullyMaskedRowIsNaNAsInPyTorch() {
        Tensor.manualSeed(29);
        MultiheadAttention attention = new MultiheadAttention(4, 2);
        Tensor x = Tensor.randn(3, 1, 4);
        Tensor causal = Tensor.ones(DType.BOOL, 3, 3).triu(1);
        assertClose(attention.forward(x, x, x, null, causal), attention.forward(x, x, x, null, causal.to(DType.UINT8)), "uint8 mask");
        Tensor allPadded = Tensor.ones(DType.BOOL, 1, 3);
        for (float v : attention.forward(x, x, x, allPadded, null).toFloatArray()) assertTrue(Float.isNaN(v));
    }

    @Test
    void callRunsSelfAndCrossAttentionOnThreeInputs() {
        MultiheadAttention attention = new MultiheadAttention(4, 2);
        Tensor x = Tensor.randn(3, 2, 4);
        assertClose(attention.forward(x, x, x), attention.call(x, x, x), "call");
        var error = assertThrows(IllegalArgumentException.class, () -> attention.call(x));
        assertEquals("MultiheadAttention.forward() takes 3 inputs (query, key, value) but 1 were given", error.getMessage());
    }

    // ---------------------------------------------------------------- initialisation

    @Test
    void initialisationIsXavierUniformForInProjectionWithZeroBiases() {
        Tensor.manualSeed(28);
        MultiheadAttention attention = new MultiheadAttention(64, 4);
        double bound = Math.sqrt(6.0 / (64 + 3 * 64));
        try (var mode = GradMode.noGrad()) {
            double max = attention.inProjWeight.abs().max().item();
            assertTrue(max <= bound && max > 0.95 * bound, "in_proj_weight max " + max + " against bound " + bound);
            assertEquals(bound / Math.sqrt(3), attention.inProjWeight.std().item(), 0.05 * bound);
            assertEquals(0, attention.inProjBias.abs().max().item());
            assertEquals(0, attention.outProj.bias.abs().max().item());
            double outBound = 1 / Math.sqrt(64);
            assertTrue(attention.outProj.weight.abs().max().item() <= outBound);
        }
    }

    // ---------------------------------------------------------------- errors

    private static void assertError(String message, org.junit.jupiter.api.function.Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void constructorRejectsEmbedDimNotDivisibleByHeads() {
        assertError("embed_dim must be divisible by num_heads, but got embed_dim=10 and num_heads=3",
                () -> new MultiheadAttention(10, 3));
        assertError("MultiheadAttention: embed_dim and num_heads must be positive, but got embed_dim=8 and num_heads=0",
                () -> new MultiheadAttention(8, 0));
    }

    @Test
    void forwardNamesMismatchedShapes() {
        MultiheadAttention attention = new MultiheadAttention(8, 2);
        Tensor q = Tensor.randn(3, 2, 8);
        Tensor k = Tensor.randn(5, 2, 8);
        assertError("was expecting embedding dimension of 8, but got 6", () -> attention.forward(Tensor.randn(3, 2, 6), k, k));
        assertError("key shape [5, 2, 8] does not match value shape [4, 2, 8]",
                () -> attention.forward(q, k, Tensor.randn(4, 2, 8)));
        assertError("was expecting key and value embedding dimension of 8, but got 4 (kdim and vdim other than embed_dim are not supported)",
                () -> attention.forward(q, Tensor.randn(5, 2, 4), Tensor.randn(5, 2, 4)));
        assertError("key batch size 3 does not match query batch size 2 (query [3, 2, 8], key [5, 3, 8], batch_first=False)",
                () -> attention.forward(q, Tensor.randn(5, 3, 8), Tensor.randn(5, 3, 8)));
        assertError("query should be unbatched 2D or batched 3D tensor but received 4-D query tensor",
                () -> attention.forward(Tensor.randn(1, 3, 2, 8), k, k));
        assertError("For batched (3-D) `query`, expected `key` and `value` to be 3-D but found 2-D and 3-D tensors respectively",
                () -> attention.forward(q, Tensor.randn(5, 8), k));
    }

    @Test
    void forwardNamesMismatchedMasks() {
        MultiheadAttention attention = new MultiheadAttention(8, 2);
        Tensor q = Tensor.randn(3, 2, 8);
        Tensor k = Tensor.randn(5, 2, 8);
        assertError("The shape of the 2D attn_mask is [3, 4], but should be [3, 5].",
                () -> attention.forward(q, k, k, null, Tensor.zeros(DType.BOOL, 3, 4)));
        assertError("The shape of the 3D attn_mask is [2, 3, 5], but should be [4, 3, 5].",
                () -> attention.forward(q, k, k, null, Tensor.zeros(2, 3, 5)));
        assertError("attn_mask's dimension 4 is not supported", () -> attention.forward(q, k, k, null, Tensor.zeros(1, 4, 3, 5)));
        assertError("Only float, byte, and bool types are supported for attn_mask, not int64",
                () -> attention.forward(q, k, k, null, Tensor.zeros(DType.INT64, 3, 5)));
        assertError("expecting key_padding_mask shape of [2, 5], but got [2, 3]",
                () -> attention.forward(q, k, k, Tensor.zeros(DType.BOOL, 2, 3), null));
        assertError("For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found 1-D tensor instead",
                () -> attention.forward(q, k, k, Tensor.zeros(DType.BOOL, 5), null));
        assertError("only bool and floating types of key_padding_mask are supported, but got int64",
                () -> attention.forward(q, k, k, Tensor.zeros(DType.INT64, 2, 5), null));
    }
}
