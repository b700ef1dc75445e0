package dev.ember.dsl

import dev.ember.nn.*
import kotlin.contracts.ExperimentalContracts
import kotlin.contracts.InvocationKind
import kotlin.contracts.contract

/**
 * Builds a [Sequential] layer by layer from the shape of one input sample, inferring every
 * layer's input size (`in_features`, `in_channels`, `num_features`) from the shape the layers
 * before it produce, so the model is checked before any data flows through it:
 *
 *     val model = sequential(input = shape(1, 28, 28)) {
 *         conv2d(32, kernel = 3); relu(); maxPool2d(2)
 *         flatten(); linear(128); relu(); dropout(0.25); linear(10)
 *     }
 *
 * Shapes are computed analytically (no layer is run). A layer that cannot take the shape it
 * receives throws [IllegalArgumentException] naming its position, its kind and the shapes.
 */
@OptIn(ExperimentalContracts::class)
fun sequential(input: Shape, block: SequentialBuilder.() -> Unit): ShapedSequential {
    contract { callsInPlace(block, InvocationKind.EXACTLY_ONCE) }
    val builder = SequentialBuilder(input, pathPrefix = "")
    builder.block()
    return builder.build()
}

/** The receiver of [sequential]: each function appends one layer and advances the running shape. */
@EmberDsl
class SequentialBuilder internal constructor(input: Shape, private val pathPrefix: String) {
    private val inputShape = input
    private val layers = mutableListOf<Module>()
    private val shapes = mutableListOf<Shape>()

    /** The per-sample shape the next layer will receive. */
    val currentShape: Shape get() = shapes.lastOrNull() ?: inputShape

    // ---- linear and convolution ----

    /** `nn.Linear(in_features, outFeatures)`, with `in_features` the last dimension of the current shape. */
    fun linear(outFeatures: Long, bias: Boolean = true): Linear {
        val shape = currentShape
        check("linear", shape.rank in 1..2) {
            if (shape.rank == 0) "expected input of rank 1, got a scalar []"
            else "expected input of rank 1 after flatten, got $shape"
        }
        return add(Linear(shape[-1], outFeatures, bias), shape.replaceLast(outFeatures))
    }

    fun linear(outFeatures: Int, bias: Boolean = true): Linear = linear(outFeatures.toLong(), bias)

    /** `nn.Conv2d(in_channels, outChannels, kernel, ...)` on a `[channels, height, width]` input. */
    fun conv2d(outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
               groups: Int = 1, bias: Boolean = true): Conv2d {
        val shape = currentShape
        check("conv2d", shape.rank == 3) { "expected input of rank 3 [channels, height, width], got $shape" }
        check("conv2d", shape[0] % groups == 0L && outChannels % groups == 0) {
            "in_channels (${shape[0]}) and out_channels ($outChannels) must be divisible by groups ($groups)"
        }
        val k = kernel.toLong(); val s = stride.toLong(); val p = padding.toLong(); val d = dilation.toLong()
        val height = slidingOutput(shape[1], k, s, p, d, ceilMode = false)
        val width = slidingOutput(shape[2], k, s, p, d, ceilMode = false)
        check("conv2d", height > 0 && width > 0) {
            "kernel $kernel (dilation $dilation, padding $padding) is larger than the input $shape"
        }
        val layer = Conv2d(shape[0], outChannels.toLong(), longArrayOf(k, k), longArrayOf(s, s), longArrayOf(p, p),
            longArrayOf(d, d), groups.toLong(), bias)
        return add(layer, shape(outChannels.toLong(), height, width))
    }

    /** `nn.Conv1d` on a `[channels, length]` input. */
    fun conv1d(outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
               groups: Int = 1, bias: Boolean = true): Conv1d {
        val shape = currentShape
        check("conv1d", shape.rank == 2) { "expected input of rank 2 [channels, length], got $shape" }
        val k = kernel.toLong(); val s = stride.toLong(); val p = padding.toLong(); val d = dilation.toLong()
        val length = slidingOutput(shape[1], k, s, p, d, ceilMode = false)
        check("conv1d", length > 0) { "kernel $kernel (dilation $dilation, padding $padding) is larger than the input $shape" }
        val layer = Conv1d(shape[0], outChannels.toLong(), longArrayOf(k), longArrayOf(s), longArrayOf(p),
            longArrayOf(d), groups.toLong(), bias)
        return add(layer, shape(outChannels.toLong(), length))
    }

    // ---- pooling ----

    /** `nn.MaxPool2d(kernel, stride = kernel)` on `[channels, height, width]`. */
    fun maxPool2d(kernel: Int, stride: Int = kernel, padding: Int = 0, dilation: Int = 1, ceilMode: Boolean = false): MaxPool2d {
        val out = pooled2d("maxPool2d", kernel, stride, padding, dilation, ceilMode)
        val k = kernel.toLong(); val s = stride.toLong()
        return add(MaxPool2d(longArrayOf(k, k), longArrayOf(s, s), longArrayOf(padding.toLong(), padding.toLong()),
            longArrayOf(dilation.toLong(), dilation.toLong()), ceilMode), out)
    }

    /** `nn.AvgPool2d(kernel, stride = kernel)` on `[channels, height, width]`. */
    fun avgPool2d(kernel: Int, stride: Int = kernel, padding: Int = 0, ceilMode: Boolean = false): AvgPool2d {
        val out = pooled2d("avgPool2d", kernel, stride, padding, 1, ceilMode)
        val k = kernel.toLong(); val s = stride.toLong(); val p = padding.toLong()
        return add(AvgPool2d(longArrayOf(k, k), longArrayOf(s, s), longArrayOf(p, p), ceilMode, true, null), out)
    }

    /** `nn.AdaptiveAvgPool2d((height, width))`: any spatial size in, `[channels, height, width]` out. */
    fun adaptiveAvgPool2d(height: Int, width: Int = height): AdaptiveAvgPool2d {
        val shape = currentShape
        check("adaptiveAvgPool2d", shape.rank == 3) { "expected input of rank 3 [channels, height, width], got $shape" }
        return add(AdaptiveAvgPool2d(height.toLong(), width.toLong()), shape(shape[0], height.toLong(), width.toLong()))
    }

    // ---- shape ----

    /** `nn.Flatten()`: one sample becomes a vector of all its elements. */
    fun flatten(): Flatten = add(Flatten(), shape(currentShape.numel))

    // ---- normalisation and regularisation ----

    /** `nn.BatchNorm2d(channels)` on `[channels, height, width]`. */
    fun batchNorm2d(eps: Double = 1e-5, momentum: Double = 0.1): BatchNorm2d {
        val shape = currentShape
        check("batchNorm2d", shape.rank == 3) { "expected input of rank 3 [channels, height, width], got $shape" }
        return add(BatchNorm2d(shape[0], eps, momentum, true, true), shape)
    }

    /** `nn.BatchNorm1d(features)` on `[features]` or `[channels, length]`. */
    fun batchNorm1d(eps: Double = 1e-5, momentum: Double = 0.1): BatchNorm1d {
        val shape = currentShape
        check("batchNorm1d", shape.rank in 1..2) { "expected input of rank 1 [features] or 2 [channels, length], got $shape" }
        return add(BatchNorm1d(shape[0], eps, momentum, true, true), shape)
    }

    /** `nn.LayerNorm` over the last `dims` dimensions of the current shape. */
    fun layerNorm(dims: Int = 1, eps: Double = 1e-5): LayerNorm {
        val shape = currentShape
        check("layerNorm", dims in 1..shape.rank) { "cannot normalise the last $dims dimensions of $shape" }
        val normalized = shape.toLongArray().takeLast(dims).toLongArray()
        return add(LayerNorm(normalized, eps, true), shape)
    }

    /** `nn.Dropout(p)`. */
    fun dropout(p: Double = 0.5): Dropout = add(Dropout(p), currentShape)

    /** `nn.Dropout2d(p)`: drops whole channels of `[channels, height, width]`. */
    fun dropout2d(p: Double = 0.5): Dropout2d = add(Dropout2d(p), currentShape)

    // ---- activations (shape unchanged) ----

    fun relu(): ReLU = add(ReLU(), currentShape)
    fun sigmoid(): Sigmoid = add(Sigmoid(), currentShape)
    fun tanh(): Tanh = add(Tanh(), currentShape)
    fun gelu(approximate: String = "none"): GELU = add(GELU(approximate), currentShape)
    fun silu(): SiLU = add(SiLU(), currentShape)
    fun mish(): Mish = add(Mish(), currentShape)
    fun leakyRelu(negativeSlope: Double = 0.01): LeakyReLU = add(LeakyReLU(negativeSlope), currentShape)
    fun elu(alpha: Double = 1.0): ELU = add(ELU(alpha), currentShape)
    fun softplus(beta: Double = 1.0, threshold: Double = 20.0): Softplus = add(Softplus(beta, threshold), currentShape)
    fun hardtanh(min: Double = -1.0, max: Double = 1.0): Hardtanh = add(Hardtanh(min, max), currentShape)
    fun identity(): Identity = add(Identity(), currentShape)

    /** `nn.Softmax(dim)`; `dim` counts per sample (0 is the first dimension after the batch), negative from the end. */
    fun softmax(dim: Int = -1): Softmax = add(Softmax(batchedDim("softmax", dim)), currentShape)

    /** `nn.LogSoftmax(dim)`, `dim` per sample as in [softmax]. */
    fun logSoftmax(dim: Int = -1): LogSoftmax = add(LogSoftmax(batchedDim("logSoftmax", dim)), currentShape)

    // ---- composition ----

    /** A nested block, added as one [Sequential] child (its layers are named `i.j`). */
    fun sequential(block: SequentialBuilder.() -> Unit): ShapedSequential {
        val nested = SequentialBuilder(currentShape, pathPrefix = "$pathPrefix${layers.size}.")
        nested.block()
        val built = nested.build()
        return add(built, built.outputShape)
    }

    /**
     * Any module, with its output shape given by `outputShape` from the input shape (per sample):
     * `layer(MyBlock()) { it }` for a shape-preserving module.
     */
    fun <M : Module> layer(module: M, outputShape: (Shape) -> Shape): M = add(module, outputShape(currentShape))

    internal fun build(): ShapedSequential = ShapedSequential(inputShape, layers.toList(), shapes.toList())

    private fun <M : Module> add(module: M, output: Shape): M {
        layers += module
        shapes += output
        return module
    }

    private fun pooled2d(kind: String, kernel: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Boolean): Shape {
        val shape = currentShape
        check(kind, shape.rank == 3) { "expected input of rank 3 [channels, height, width], got $shape" }
        check(kind, padding * 2 <= kernel) { "padding ($padding) should be at most half of the kernel size ($kernel)" }
        val k = kernel.toLong(); val s = stride.toLong(); val p = padding.toLong(); val d = dilation.toLong()
        val height = slidingOutput(shape[1], k, s, p, d, ceilMode)
        val width = slidingOutput(shape[2], k, s, p, d, ceilMode)
        check(kind, height > 0 && width > 0) {
            "output size would be ${shape(shape[0], height, width)} for input $shape (kernel $kernel, stride $stride, padding $padding)"
        }
        return shape(shape[0], height, width)
    }

    private fun batchedDim(kind: String, dim: Int): Int {
        val rank = currentShape.rank
        check(kind, dim in -rank until rank) { "dim $dim is out of range for input of rank $rank ${currentShape}" }
        return if (dim < 0) dim else dim + 1
    }

    private inline fun check(kind: String, condition: Boolean, message: () -> String) {
        if (!condition) throw IllegalArgumentException("layer $pathPrefix${layers.size} ($kind): ${message()}")
    }
}

/** `floor` (or `ceil`) of `(size + 2 padding - dilation (kernel - 1) - 1) / stride + 1`, PyTorch's sliding-window size. */
internal fun slidingOutput(size: Long, kernel: Long, stride: Long, padding: Long, dilation: Long, ceilMode: Boolean): Long {
    val span = size + 2 * padding - dilation * (kernel - 1) - 1
    if (span < 0) return 0
    var out = Math.floorDiv(span + (if (ceilMode) stride - 1 else 0), stride) + 1
    // With ceil mode the last window must start inside the input or left padding, as in PyTorch.
    if (ceilMode && (out - 1) * stride >= size + padding) out--
    return out
}

private fun Shape.replaceLast(size: Long): Shape = Shape(toLongArray().also { it[it.size - 1] = size })
