package dev.ember.dsl

import dev.ember.nn.BatchNorm1d
import dev.ember.nn.BatchNorm2d
import dev.ember.nn.Bilinear
import dev.ember.nn.Conv1d
import dev.ember.nn.Conv2d
import dev.ember.nn.Conv3d
import dev.ember.nn.ConvTranspose2d
import dev.ember.nn.Dropout
import dev.ember.nn.Embedding
import dev.ember.nn.GRU
import dev.ember.nn.GroupNorm
import dev.ember.nn.LSTM
import dev.ember.nn.LayerNorm
import dev.ember.nn.Linear
import dev.ember.nn.Module
import dev.ember.nn.MultiheadAttention
import dev.ember.nn.RMSNorm
import dev.ember.nn.RNN
import dev.ember.nn.TransformerEncoder
import dev.ember.nn.TransformerEncoderLayer

/**
 * A base class for models written in Kotlin: children, parameters and buffers are registered
 * by delegated properties under the property's name (see ModuleDelegates.kt), and the layer
 * factories below take PyTorch's arguments with Kotlin defaults.
 *
 *     class Net : KModule() {
 *         val fc1 by linear(784, 128)
 *         val fc2 by linear(128, 10)
 *         override fun forward(x: Tensor) = fc2(fc1(x).relu())
 *     }
 *     Net().stateDict().keys   // [fc1.weight, fc1.bias, fc2.weight, fc2.bias]
 *
 * Subclasses override `forward(input: Tensor)`, or `forward(vararg inputs: Tensor)` for several
 * inputs. Any module can be delegated to (`val block by ResidualBlock(64)`, `val features by
 * sequential(input = shape(1, 28, 28)) { ... }`), and modules with two inputs such as
 * [bilinear] live here rather than in a `sequential` chain. Plain `val` fields holding modules
 * are registered too (by Module's field reflection), ahead of the delegated ones.
 *
 * Inside a `sequential { }` block declared in a KModule, the block's own layer functions apply:
 * the [EmberDsl] marker keeps `linear(3, 4)` from silently reaching this class's factory.
 */
@EmberDsl
abstract class KModule : Module() {

    /** `nn.Linear(inFeatures, outFeatures)`. */
    protected fun linear(inFeatures: Int, outFeatures: Int, bias: Boolean = true): Linear =
        Linear(inFeatures.toLong(), outFeatures.toLong(), bias)

    /** `nn.Bilinear(in1Features, in2Features, outFeatures)`: `y = x1ᵀ W x2 + b`, called with two inputs: `head(x1, x2)`. */
    protected fun bilinear(in1Features: Int, in2Features: Int, outFeatures: Int, bias: Boolean = true): Bilinear =
        Bilinear(in1Features.toLong(), in2Features.toLong(), outFeatures.toLong(), bias)

    /** `nn.Embedding(numEmbeddings, embeddingDim, padding_idx)`. */
    protected fun embedding(numEmbeddings: Int, embeddingDim: Int, paddingIdx: Int? = null): Embedding =
        Embedding(numEmbeddings.toLong(), embeddingDim.toLong(), paddingIdx?.toLong())

    /** `nn.Conv1d(inChannels, outChannels, kernel, ...)`. */
    protected fun conv1d(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
                         groups: Int = 1, bias: Boolean = true): Conv1d =
        Conv1d(inChannels.toLong(), outChannels.toLong(), longs(kernel), longs(stride), longs(padding), longs(dilation), groups.toLong(), bias)

    /** `nn.Conv2d(inChannels, outChannels, kernel, ...)` with a square kernel. */
    protected fun conv2d(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
                         groups: Int = 1, bias: Boolean = true): Conv2d =
        Conv2d(inChannels.toLong(), outChannels.toLong(), longs(kernel), longs(stride), longs(padding), longs(dilation), groups.toLong(), bias)

    /** `nn.Conv3d(inChannels, outChannels, kernel, ...)` with a cubic kernel. */
    protected fun conv3d(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
                         groups: Int = 1, bias: Boolean = true): Conv3d =
        Conv3d(inChannels.toLong(), outChannels.toLong(), longs(kernel), longs(stride), longs(padding), longs(dilation), groups.toLong(), bias)

    /** `nn.ConvTranspose2d(inChannels, outChannels, kernel, ...)`. */
    protected fun convTranspose2d(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                                  outputPadding: Int = 0, groups: Int = 1, bias: Boolean = true, dilation: Int = 1): ConvTranspose2d =
        ConvTranspose2d(inChannels.toLong(), outChannels.toLong(), longs(kernel), longs(stride), longs(padding), longs(outputPadding),
            groups.toLong(), bias, longs(dilation))

    /** `nn.BatchNorm1d(numFeatures)`. */
    protected fun batchNorm1d(numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1): BatchNorm1d =
        BatchNorm1d(numFeatures.toLong(), eps, momentum, true, true)

    /** `nn.BatchNorm2d(numFeatures)`. */
    protected fun batchNorm2d(numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1): BatchNorm2d =
        BatchNorm2d(numFeatures.toLong(), eps, momentum, true, true)

    /** `nn.LayerNorm(normalizedShape)`. */
    protected fun layerNorm(vararg normalizedShape: Int, eps: Double = 1e-5): LayerNorm =
        LayerNorm(longs(*normalizedShape), eps, true)

    /** `nn.RMSNorm(normalizedShape)`; a null `eps` is the input dtype's machine epsilon. */
    protected fun rmsNorm(vararg normalizedShape: Int, eps: Double? = null): RMSNorm = RMSNorm(longs(*normalizedShape), eps, true)

    /** `nn.GroupNorm(numGroups, numChannels)`. */
    protected fun groupNorm(numGroups: Int, numChannels: Int, eps: Double = 1e-5): GroupNorm =
        GroupNorm(numGroups.toLong(), numChannels.toLong(), eps, true)

    /** `nn.Dropout(p)`. */
    protected fun dropout(p: Double = 0.5): Dropout = Dropout(p)

    /** `nn.LSTM(inputSize, hiddenSize, ...)`: `lstm(x)` is the output sequence; `lstm.forward(x, h0, c0)` also gives the final states. */
    protected fun lstm(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Boolean = true, batchFirst: Boolean = false,
                       dropout: Double = 0.0, bidirectional: Boolean = false): LSTM =
        LSTM(inputSize.toLong(), hiddenSize.toLong(), numLayers, bias, batchFirst, dropout, bidirectional)

    /** `nn.GRU(inputSize, hiddenSize, ...)`. */
    protected fun gru(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Boolean = true, batchFirst: Boolean = false,
                      dropout: Double = 0.0, bidirectional: Boolean = false): GRU =
        GRU(inputSize.toLong(), hiddenSize.toLong(), numLayers, bias, batchFirst, dropout, bidirectional)

    /** `nn.RNN(inputSize, hiddenSize, ...)`, nonlinearity `"tanh"` or `"relu"`. */
    protected fun rnn(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, nonlinearity: String = "tanh", bias: Boolean = true,
                      batchFirst: Boolean = false, dropout: Double = 0.0, bidirectional: Boolean = false): RNN =
        RNN(inputSize.toLong(), hiddenSize.toLong(), numLayers, nonlinearity, bias, batchFirst, dropout, bidirectional)

    /** `nn.MultiheadAttention(embedDim, numHeads, ...)`: `attention(query, key, value)`. */
    protected fun multiheadAttention(embedDim: Int, numHeads: Int, dropout: Double = 0.0, bias: Boolean = true,
                                     batchFirst: Boolean = false): MultiheadAttention =
        MultiheadAttention(embedDim.toLong(), numHeads.toLong(), dropout, bias, batchFirst)

    /** `nn.TransformerEncoderLayer(dModel, nhead, ...)` with PyTorch's defaults. */
    protected fun transformerEncoderLayer(dModel: Int, nhead: Int, dimFeedforward: Int = 2048, dropout: Double = 0.1,
                                          activation: String = "relu", layerNormEps: Double = 1e-5, batchFirst: Boolean = false,
                                          normFirst: Boolean = false): TransformerEncoderLayer =
        TransformerEncoderLayer(dModel.toLong(), nhead.toLong(), dimFeedforward.toLong(), dropout, activation, layerNormEps,
            batchFirst, normFirst)

    /** `nn.TransformerEncoder(layer, numLayers, norm)`: `numLayers` deep copies of `layer`. */
    protected fun transformerEncoder(layer: TransformerEncoderLayer, numLayers: Int, norm: Module? = null): TransformerEncoder =
        TransformerEncoder(layer, numLayers, norm)
}
