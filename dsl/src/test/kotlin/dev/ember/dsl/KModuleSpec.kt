package dev.ember.dsl

import dev.ember.nn.Conv2d
import dev.ember.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

private class Mlp : KModule() {
    val fc1 by linear(784, 128)
    val fc2 by linear(128, 10)
    override fun forward(input: Tensor): Tensor = fc2(fc1(input).relu())
}

/** Two inputs, which a sequential chain cannot express: a bilinear head over two embeddings. */
private class PairScorer : KModule() {
    val left by embedding(20, 6, paddingIdx = 0)
    val right by embedding(30, 5)
    val head by bilinear(6, 5, 3)
    override fun forward(vararg inputs: Tensor): Tensor = head(left(inputs[0]), right(inputs[1]))
}

private class SmallCnn : KModule() {
    val features by sequential(input = shape(1, 12, 12)) { conv2d(4, kernel = 3); relu(); maxPool2d(2); flatten() }
    val norm by layerNorm(100)
    val dropout by dropout(0.0)
    val classifier by linear(100, 10)
    override fun forward(input: Tensor): Tensor = classifier(dropout(norm(features(input))))
}

/** Token ids to per-step tags through a bidirectional LSTM, batch-first. */
private class Tagger : KModule() {
    val tokens by embedding(50, 8)
    val encoder by lstm(8, 16, batchFirst = true, bidirectional = true)
    val tags by linear(32, 5)
    override fun forward(input: Tensor): Tensor = tags(encoder(tokens(input)))
}

/** Self-attention then a two-layer transformer encoder over [batch, seq, 16]. */
private class Encoder : KModule() {
    val attention by multiheadAttention(16, 4, batchFirst = true)
    val stack by transformerEncoder(transformerEncoderLayer(16, 4, dimFeedforward = 32, dropout = 0.0, batchFirst = true), 2)
    override fun forward(input: Tensor): Tensor = stack(attention(input, input, input))
}

class KModuleSpec : FunSpec({
    test("the property names become the registered names, like PyTorch's attributes") {
        val net = Mlp()
        net.namedParameters().keys.toList() shouldBe listOf("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")
        net.stateDict().keys.toList() shouldBe listOf("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")
        net.namedChildren().keys.toList() shouldBe listOf("fc1", "fc2")
        net.fc1.inFeatures shouldBe 784L   // the property has the layer's own type
        net.fc1.weight.dims() shouldBe listOf(128L, 784L)
        net(Tensor.randn(3, 784)).dims() shouldBe listOf(3L, 10L)
        net.toString() shouldBe """
            Mlp(
              (fc1): Linear(in_features=784, out_features=128, bias=True)
              (fc2): Linear(in_features=128, out_features=10, bias=True)
            )
        """.trimIndent()
    }

    test("a module with two inputs: embeddings into a bilinear head") {
        val scorer = PairScorer()
        scorer.head shouldBe scorer.getSubmodule("head")
        scorer.head.weight.dims() shouldBe listOf(3L, 6L, 5L)
        scorer.left.paddingIdx shouldBe 0L
        val scores = scorer(Tensor.of(longArrayOf(0, 4), 2), Tensor.of(longArrayOf(1, 29), 2))
        scores.dims() shouldBe listOf(2L, 3L)
        // Row 0 of `left` is padding (zeros), so the first score is the bias alone.
        scores[0].floats() shouldBe scorer.head.bias.floats()
    }

    test("a sequential block and factories with PyTorch's arguments") {
        val cnn = SmallCnn()
        cnn.stateDict().keys.toList() shouldBe listOf(
            "features.0.weight", "features.0.bias", "norm.weight", "norm.bias", "classifier.weight", "classifier.bias")
        (cnn.features[0] as Conv2d).inChannels shouldBe 1L
        cnn(Tensor.randn(2, 1, 12, 12)).dims() shouldBe listOf(2L, 10L)
    }

    test("sequence layers with PyTorch's arguments and state dict keys") {
        val tagger = Tagger()
        tagger.stateDict().keys.toList() shouldBe listOf("tokens.weight",
            "encoder.weight_ih_l0", "encoder.weight_hh_l0", "encoder.bias_ih_l0", "encoder.bias_hh_l0",
            "encoder.weight_ih_l0_reverse", "encoder.weight_hh_l0_reverse", "encoder.bias_ih_l0_reverse", "encoder.bias_hh_l0_reverse",
            "tags.weight", "tags.bias")
        tagger.encoder.bidirectional shouldBe true
        tagger(Tensor.of(longArrayOf(1, 2, 3, 4, 5, 6), 2, 3)).dims() shouldBe listOf(2L, 3L, 5L)

        val encoder = Encoder()
        encoder.stateDict().keys.take(4) shouldBe listOf(
            "attention.in_proj_weight", "attention.in_proj_bias", "attention.out_proj.weight", "attention.out_proj.bias")
        encoder.stateDict().keys.last() shouldBe "stack.layers.1.norm2.bias"
        encoder.stack.layers.size() shouldBe 2
        encoder(Tensor.randn(2, 7, 16)).dims() shouldBe listOf(2L, 7L, 16L)
    }
})
