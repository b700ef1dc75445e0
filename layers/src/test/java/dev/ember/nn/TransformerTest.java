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
}
