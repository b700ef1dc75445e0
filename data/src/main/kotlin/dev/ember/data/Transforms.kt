@file:JvmName("Transforms")
@file:JvmMultifileClass

package dev.ember.data

import dev.ember.devices.DType
import dev.ember.tensor.Tensor

/**
 * [first], then each of [rest] in order, like `transforms.Compose`.
 *
 * ```kotlin
 * val pipeline = compose(toTensor(), normalize(0.5, 0.5))
 * ```
 */
fun <I> compose(first: Transform<I, Tensor>, vararg rest: Transform<Tensor, Tensor>): Transform<I, Tensor> {
    val chain = rest.copyOf()
    return Transform { input -> chain.fold(first.apply(input)) { value, transform -> transform.apply(value) } }
}

/**
 * This transform, then [next].
 *
 * ```kotlin
 * val labelToVector = lambda { label: Tensor -> label.int64() } then oneHot(10)
 * ```
 */
infix fun <A, B, C> Transform<A, B>.then(next: Transform<B, C>): Transform<A, C> = Transform { next.apply(apply(it)) }

/**
 * A transform from a function, like `transforms.Lambda`.
 *
 * ```kotlin
 * val invert = lambda { x: Tensor -> x.rsub(1.0) }
 * ```
 */
fun <I, O> lambda(function: (I) -> O): Transform<I, O> = Transform { function(it) }

/**
 * `(x - mean[c]) / std[c]` for each channel `c` of a `[C, H, W]` (or `[C, …]`) float tensor,
 * like `transforms.Normalize`.
 *
 * ```kotlin
 * normalize(doubleArrayOf(0.485, 0.456, 0.406), doubleArrayOf(0.229, 0.224, 0.225))
 * ```
 */
fun normalize(mean: DoubleArray, std: DoubleArray): Transform<Tensor, Tensor> {
    require(mean.size == std.size && mean.isNotEmpty()) {
        "normalize: mean and std need one value per channel and the same length, but got ${mean.size} and ${std.size}"
    }
    require(std.none { it == 0.0 }) { "std evaluated to zero after conversion to float, leading to division by zero." }
    val channels = mean.size.toLong()
    val meanTensor = Tensor.of(FloatArray(mean.size) { mean[it].toFloat() }, channels, 1, 1)
    val stdTensor = Tensor.of(FloatArray(std.size) { std[it].toFloat() }, channels, 1, 1)
    return Transform { x ->
        require(x.isFloatingPoint) { "normalize: input tensor should be a float tensor, but got ${x.dtype()}" }
        require(x.dim() >= 1 && x.size(0) == channels) {
            "normalize: expected a [C, …] tensor with C = $channels channels, but got input of size: ${x.shape().contentToString()}"
        }
        val trailing = LongArray(x.dim()) { if (it == 0) channels else 1 }
        x.sub(meanTensor.reshape(*trailing).to(x.dtype())).div(stdTensor.reshape(*trailing).to(x.dtype()))
    }
}

/**
 * `(x - mean) / std` with one mean and standard deviation for every channel.
 *
 * ```kotlin
 * normalize(0.2860, 0.3530)    // Fashion-MNIST's pixel statistics
 * ```
 */
fun normalize(mean: Double, std: Double): Transform<Tensor, Tensor> {
    require(std != 0.0) { "std evaluated to zero after conversion to float, leading to division by zero." }
    return Transform { x ->
        require(x.isFloatingPoint) { "normalize: input tensor should be a float tensor, but got ${x.dtype()}" }
        x.sub(mean).div(std)
    }
}

/**
 * Class indices to one-hot int64 vectors, like `F.one_hot`: an integer tensor of shape `S`
 * (or a number) becomes `[*S, numClasses]`.
 *
 * ```kotlin
 * oneHot(3)(Tensor.scalar(2L))     // tensor([0, 0, 1])
 * ```
 */
fun oneHot(numClasses: Int): Transform<Any, Tensor> {
    require(numClasses > 0) { "oneHot: numClasses must be positive, but got $numClasses" }
    val identity = Tensor.eye(DType.INT64, numClasses.toLong())
    return Transform { input ->
        val labels = when (input) {
            is Tensor -> input
            is Number -> Tensor.scalar(input.toLong())
            else -> throw IllegalArgumentException("oneHot: expected an integer tensor or a number, but got ${input.javaClass.name}")
        }
        require(!labels.isFloatingPoint && labels.dtype() != DType.BOOL) {
            "one_hot is only applicable to index tensor, but got a tensor of dtype ${labels.dtype()}"
        }
        if (labels.numel() > 0) {
            require(labels.min().item() >= 0) { "Class values must be non-negative." }
            require(labels.max().item() < numClasses) { "Class values must be smaller than num_classes ($numClasses)." }
        }
        identity.indexSelect(0, labels.flatten().to(DType.INT64)).view(*labels.shape(), numClasses.toLong())
    }
}
