package dev.ember.dsl

import dev.ember.devices.DType
import dev.ember.nn.Module
import dev.ember.nn.Sequential
import kotlin.contracts.ExperimentalContracts
import kotlin.contracts.InvocationKind
import kotlin.contracts.contract

/**
 * Builds a [Sequential] layer by layer from the shape of one input sample, inferring every
 * layer's input size (`in_features`, `in_channels`, `num_features`, `normalized_shape`) from the
 * shape the layers before it produce, so the model is checked before any data flows through it:
 *
 *     val model = sequential(input = shape(1, 28, 28)) {
 *         conv2d(32, kernel = 3); relu(); maxPool2d(2)
 *         flatten(); linear(128); relu(); dropout(0.25); linear(10)
 *     }
 *
 * Shapes are computed analytically (no layer is run). A layer that cannot take the shape it
 * receives throws [IllegalArgumentException] naming its path, its kind and the shapes:
 * `layer 1.1 (linear): expected input of rank 1 after flatten, got [4, 6, 6]`.
 *
 * `dtype` is the input's element type: [DType.INT64] for token indices that go into an
 * [embedding] first; every other layer expects floating-point values.
 *
 * The layer functions live in one file per family: [linear]/[embedding] (LinearBuilders.kt),
 * convolutions, pooling, normalization, dropout, activations and shape layers. [Bilinear][dev.ember.nn.Bilinear]
 * takes two inputs, so it has no place in a chain: use it in a [KModule].
 */
@OptIn(ExperimentalContracts::class)
fun sequential(input: Shape, dtype: DType = DType.FLOAT32, block: SequentialBuilder.() -> Unit): ShapedSequential {
    contract { callsInPlace(block, InvocationKind.EXACTLY_ONCE) }
    val builder = SequentialBuilder(input, dtype, pathPrefix = "")
    builder.block()
    return builder.build()
}

/** The receiver of [sequential]: each layer function appends one layer and advances the running shape. */
@EmberDsl
class SequentialBuilder internal constructor(input: Shape, inputDType: DType, private val pathPrefix: String) {
    private val inputShape = input
    private val inputDType = inputDType
    private val layers = mutableListOf<Module>()
    private val shapes = mutableListOf<Shape>()
    private var dtype = inputDType

    /** The per-sample shape the next layer will receive. */
    val currentShape: Shape get() = shapes.lastOrNull() ?: inputShape

    /** The element type the next layer will receive. */
    val currentDType: DType get() = dtype

    /** A nested block, added as one [Sequential] child (its layers are named `i.j`). */
    fun sequential(block: SequentialBuilder.() -> Unit): ShapedSequential {
        val nested = SequentialBuilder(currentShape, dtype, pathPrefix = "$pathPrefix${layers.size}.")
        nested.block()
        val built = nested.build()
        return add(built, built.outputShape, nested.dtype)
    }

    /**
     * Any module, with its output shape given by `outputShape` from the input shape (per sample):
     * `layer(MyBlock()) { it }` for a shape-preserving module. An [IllegalArgumentException] from
     * `outputShape` is reported with the layer's path.
     */
    fun <M : Module> layer(module: M, outputShape: (Shape) -> Shape): M {
        val output = construct(module.javaClass.simpleName) { outputShape(currentShape) }
        return add(module, output)
    }

    internal fun build(): ShapedSequential = ShapedSequential(inputShape, inputDType, layers.toList(), shapes.toList())

    /** Appends `module`, whose per-sample output is `output` of element type `outputDType`. */
    internal fun <M : Module> add(module: M, output: Shape, outputDType: DType = dtype): M {
        layers += module
        shapes += output
        dtype = outputDType
        return module
    }

    /** Throws the declaration-time error of the layer about to be added unless `condition` holds. */
    internal inline fun check(kind: String, condition: Boolean, message: () -> String) {
        if (!condition) throw IllegalArgumentException("${where(kind)}: ${message()}")
    }

    /** Runs a layer's constructor, reporting its argument errors with the layer's path. */
    internal inline fun <T> construct(kind: String, create: () -> T): T =
        try {
            create()
        } catch (e: IllegalArgumentException) {
            throw IllegalArgumentException("${where(kind)}: ${e.message}", e)
        }

    /** Requires the current shape to have one of `ranks`, described as `layout` (e.g. `[channels, height, width]`). */
    internal fun requireRank(kind: String, rank: Int, layout: String) {
        check(kind, currentShape.rank == rank) { "expected input of rank $rank $layout, got $currentShape" }
    }

    /** Requires floating-point input: only an embedding takes integer indices. */
    internal fun requireFloating(kind: String) {
        check(kind, dtype.isFloatingPoint) {
            "expected floating-point input, got $dtype $currentShape (integer indices go into an embedding first)"
        }
    }

    /**
     * A per-sample dim (0 is the first dim after the batch, negative from the end) as the dim of
     * the batched tensor the layer sees.
     */
    internal fun batchedDim(kind: String, dim: Int): Int {
        val rank = currentShape.rank
        check(kind, dim in -rank until rank) { "dim $dim is out of range for input of rank $rank $currentShape" }
        return if (dim < 0) dim else dim + 1
    }

    internal fun where(kind: String): String = "layer $pathPrefix${layers.size} ($kind)"
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

/** This shape with its last dim replaced by `size`. */
internal fun Shape.replaceLast(size: Long): Shape = Shape(toLongArray().also { it[it.size - 1] = size })
