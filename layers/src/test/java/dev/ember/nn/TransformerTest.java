package dev.ember.nn;

import static dev.ember.nn.LinearTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.tensor.GradCheck;
import dev.ember.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransformerTest {

    // ---------------------------------------------------------------- golden values from PyTorch 1.13

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "encoder layer post-norm relu",
        "encoder layer pre-norm gelu batch_first with masks",
        "encoder layer post-norm gelu with float mask and key padding"})
    void encoderLayerOutputAndGradientsMatchPyTorch(String name) { AttentionFixtures.check(name); }

    @Test
    void encoderLayerStateDictKeysAndShapesMatchPyTorch() {
        assertEquals(AttentionFixtures.stateDictShapes("encoder_layer"),
                AttentionFixtures.stateDictShapes(new TransformerEncoderLayer(8, 2, 16, 0.1)));
    }

    @Test
    void encoderLayerPrintoutMatchesPyTorchRepr() {
        assertEquals(AttentionFixtures.repr("encoder_layer"), new TransformerEncoderLayer(8, 2, 16, 0.1).toString());
    }

    // ---------------------------------------------------------------- gradients in float64

    @Test
    void encoderLayerGradcheckPostNormAndPreNormWithMasks() {
        Tensor.manualSeed(31);
        Tensor causal = Tensor.ones(DType.BOOL, 3, 3).triu(1);
        Tensor padding = Tensor.of(new boolean[] {false, false, true, false, false, false}, 2, 3);
        for (boolean normFirst : new boolean[] {false, true}) {
            TransformerEncoderLayer layer = new TransformerEncoderLayer(4, 2, 6, 0.0, normFirst ? "gelu" : "relu", 1e-5, true, normFirst);
            layer.to(DType.FLOAT64);
            Tensor x = Tensor.randn(DType.FLOAT64, 2, 3, 4).requiresGrad_(true);
            assertTrue(GradCheck.check(in -> layer.forward(in.get(0), causal, padding), List.of(x)), "normFirst=" + normFirst);
        }
    }

    // ---------------------------------------------------------------- properties

    @Test
    void encoderLayerBatchFirstEqualsTransposedSequenceFirst() {
        Tensor.manualSeed(32);
        TransformerEncoderLayer sequenceFirst = new TransformerEncoderLayer(6, 3, 10, 0.0, "gelu", 1e-5, false, true);
        TransformerEncoderLayer batchFirst = new TransformerEncoderLayer(6, 3, 10, 0.0, "gelu", 1e-5, true, true);
        batchFirst.loadStateDict(sequenceFirst.stateDict());
        Tensor x = Tensor.randn(5, 2, 6);
        Tensor padding = Tensor.of(new boolean[] {false, false, false, true, true, false, false, false, false, false}, 2, 5);
        assertClose(sequenceFirst.forward(x, null, padding).transpose(0, 1),
                batchFirst.forward(x.transpose(0, 1), null, padding), "output");
    }

    @Test
    void encoderLayerDropoutActsOnlyInTrainingMode() {
        Tensor.manualSeed(33);
        TransformerEncoderLayer reference = new TransformerEncoderLayer(8, 2, 16, 0.0);
        TransformerEncoderLayer dropping = new TransformerEncoderLayer(8, 2, 16, 0.3);
        dropping.loadStateDict(reference.stateDict());
        Tensor x = Tensor.randn(4, 3, 8);
        assertFalse(dropping.call(x).allclose(reference.call(x)), "training-mode dropout changes the output");
        dropping.eval();
        assertFalse(dropping.selfAttn.isTraining());
        assertClose(reference.call(x), dropping.call(x), "eval output");
    }

    @Test
    void encoderLayerCallTakesSourceOrSourceAndMasks() {
        TransformerEncoderLayer layer = new TransformerEncoderLayer(4, 2, 8, 0.0);
        Tensor x = Tensor.randn(3, 2, 4);
        Tensor causal = Tensor.ones(DType.BOOL, 3, 3).triu(1);
        assertClose(layer.forward(x), layer.call(x), "one input");
        assertClose(layer.forward(x, causal, null), layer.call(x, causal, null), "three inputs");
        var error = assertThrows(IllegalArgumentException.class, () -> layer.call(x, causal));
        assertEquals("TransformerEncoderLayer.forward() takes 1 input (src) or 3 inputs (src, src_mask, src_key_padding_mask) "
                + "but 2 were given", error.getMessage());
    }

    @Test
    void encoderLayerRejectsUnknownActivationAndIndivisibleHeads() {
        var activation = assertThrows(IllegalArgumentException.class,
                () -> new TransformerEncoderLayer(8, 2, 16, 0.1, "tanh", 1e-5, false, false));
        assertEquals("activation should be relu/gelu, not tanh", activation.getMessage());
        var heads = assertThrows(IllegalArgumentException.class, () -> new TransformerEncoderLayer(10, 4));
        assertEquals("embed_dim must be divisible by num_heads, but got embed_dim=10 and num_heads=4", heads.getMessage());
    }

    // ---------------------------------------------------------------- TransformerEncoder

    @Test
    void encoderOfTwoLayersWithFinalNormMatchesPyTorch() { AttentionFixtures.check("encoder of 2 layers with final norm"); }

    @Test
    void encoderStateDictKeysAndShapesMatchPyTorch() {
        TransformerEncoder encoder = new TransformerEncoder(new TransformerEncoderLayer(8, 2, 16, 0.1), 2, new LayerNorm(8));
        assertEquals(AttentionFixtures.stateDictShapes("encoder"), AttentionFixtures.stateDictShapes(encoder));
        List<String> withoutNorm = AttentionFixtures.stateDictShapes(new TransformerEncoder(new TransformerEncoderLayer(8, 2, 16, 0.1), 2));
        assertEquals(AttentionFixtures.stateDictShapes("encoder").stream().filter(k -> !k.startsWith("norm.")).toList(), withoutNorm);
    }

    @Test
    void encoderPrintoutMatchesPyTorchRepr() {
        TransformerEncoder encoder = new TransformerEncoder(new TransformerEncoderLayer(8, 2, 16, 0.1), 2, new LayerNorm(8));
        assertEquals(AttentionFixtures.repr("encoder"), encoder.toString());
    }

    @Test
    void encoderLayersAreIndependentCopiesOfTheGivenLayer() {
        Tensor.manualSeed(34);
        TransformerEncoderLayer template = new TransformerEncoderLayer(4, 2, 8, 0.0);
        template.linear1.weight.requiresGrad_(false);
        template.eval();
        TransformerEncoder encoder = new TransformerEncoder(template, 3);
        assertEquals(3, encoder.layers.size());
        var templateParameters = template.namedParameters();
        java.util.Set<Tensor> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < 3; i++) {
            TransformerEncoderLayer layer = encoder.layer(i);
            assertFalse(layer == template);
            assertFalse(layer.isTraining(), "layer " + i + " keeps eval mode");
            assertFalse(layer.dropout1.isTraining(), "layer " + i + " submodules keep eval mode");
            assertFalse(layer.linear1.weight.requiresGrad(), "layer " + i + " keeps requiresGrad flags");
            layer.namedParameters().forEach((name, p) -> {
                assertTrue(seen.add(p), name + " is a fresh parameter");
                assertFalse(p == templateParameters.get(name));
                assertTrue(p.equal(templateParameters.get(name)), name + " starts from the template's values");
            });
        }
        assertEquals(3 * template.parameters().size(), encoder.parameters().size());
        try (var mode = dev.ember.autograd.GradMode.noGrad()) {
            encoder.layer(0).linear2.bias.add_(Tensor.ones(4));
        }
        assertTrue(encoder.layer(1).linear2.bias.equal(template.linear2.bias), "changing one copy leaves the others");
    }

    @Test
    void encoderWithoutNormAppliesItsLayersInTurn() {
        Tensor.manualSeed(35);
        TransformerEncoderLayer template = new TransformerEncoderLayer(6, 2, 12, 0.0, "gelu", 1e-5, true, true);
        TransformerEncoder encoder = new TransformerEncoder(template, 2);
        Tensor x = Tensor.randn(2, 5, 6);
        Tensor causal = Tensor.ones(DType.BOOL, 5, 5).triu(1);
        Tensor expected = template.forward(template.forward(x, causal, null), causal, null);
        assertClose(expected, encoder.forward(x, causal, null), "two layers");
        assertClose(expected, encoder.call(x, causal, null), "through call");
        encoder.eval();
        assertClose(template.eval().forward(template.forward(x)), encoder.call(x), "one input");
    }

    @Test
    void encoderRejectsZeroLayersAndWrongInputCounts() {
        var layers = assertThrows(IllegalArgumentException.class,
                () -> new TransformerEncoder(new TransformerEncoderLayer(4, 2, 8, 0.0), 0));
        assertEquals("TransformerEncoder: num_layers must be at least 1, but got 0", layers.getMessage());
        TransformerEncoder encoder = new TransformerEncoder(new TransformerEncoderLayer(4, 2, 8, 0.0), 1);
        var count = assertThrows(IllegalArgumentException.class, () -> encoder.call(Tensor.randn(3, 2, 4), null));
        assertEquals("TransformerEncoder.forward() takes 1 input (src) or 3 inputs (src, mask, src_key_padding_mask) but 2 were given",
                count.getMessage());
    }
}
