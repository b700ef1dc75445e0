package dev.ember.dsl

import dev.ember.nn.ELU
import dev.ember.nn.GELU
import dev.ember.nn.Hardtanh
import dev.ember.nn.Identity
import dev.ember.nn.LeakyReLU
import dev.ember.nn.LogSoftmax
import dev.ember.nn.Mish
import dev.ember.nn.ReLU
import dev.ember.nn.SiLU
import dev.ember.nn.Sigmoid
import dev.ember.nn.Softmax
import dev.ember.nn.Softplus
import dev.ember.nn.Tanh

/*
 * Activations of a sequential(...) block; each keeps the shape:
 *
 *     sequential(input = shape(32)) { linear(64); gelu(approximate = "tanh"); linear(10); logSoftmax() }
 */

/** `nn.ReLU()`. */
fun SequentialBuilder.relu(): ReLU = activation("relu", ::ReLU)

/** `nn.Sigmoid()`. */
fun SequentialBuilder.sigmoid(): Sigmoid = activation("sigmoid", ::Sigmoid)

/** `nn.Tanh()`. */
fun SequentialBuilder.tanh(): Tanh = activation("tanh", ::Tanh)

/** `nn.GELU(approximate)`: `"none"` for the exact erf form, `"tanh"` for the tanh approximation. */
fun SequentialBuilder.gelu(approximate: String = "none"): GELU = activation("gelu") { GELU(approximate) }

/** `nn.SiLU()` (swish): `x * sigmoid(x)`. */
fun SequentialBuilder.silu(): SiLU = activation("silu", ::SiLU)

/** `nn.Mish()`: `x * tanh(softplus(x))`. */
fun SequentialBuilder.mish(): Mish = activation("mish", ::Mish)

/** `nn.LeakyReLU(negativeSlope)`. */
fun SequentialBuilder.leakyRelu(negativeSlope: Double = 0.01): LeakyReLU = activation("leakyRelu") { LeakyReLU(negativeSlope) }

/** `nn.ELU(alpha)`. */
fun SequentialBuilder.elu(alpha: Double = 1.0): ELU = activation("elu") { ELU(alpha) }

/** `nn.Softplus(beta, threshold)`: `log(1 + exp(beta x)) / beta`, linear above `threshold`. */
fun SequentialBuilder.softplus(beta: Double = 1.0, threshold: Double = 20.0): Softplus =
    activation("softplus") { Softplus(beta, threshold) }

/** `nn.Hardtanh(min, max)`: clamps to `[min, max]`. */
fun SequentialBuilder.hardtanh(min: Double = -1.0, max: Double = 1.0): Hardtanh {
    check("hardtanh", max > min) { "max_val ($max) must be greater than min_val ($min)" }
    return activation("hardtanh") { Hardtanh(min, max) }
}

/** `nn.Softmax(dim)`; `dim` counts per sample (0 is the first dim after the batch), negative from the end. */
fun SequentialBuilder.softmax(dim: Int = -1): Softmax {
    val batched = batchedDim("softmax", dim)
    return activation("softmax") { Softmax(batched) }
}

/** `nn.LogSoftmax(dim)`, `dim` per sample as in [softmax]. */
fun SequentialBuilder.logSoftmax(dim: Int = -1): LogSoftmax {
    val batched = batchedDim("logSoftmax", dim)
    return activation("logSoftmax") { LogSoftmax(batched) }
}

/** `nn.Identity()`: passes its input through (a placeholder, e.g. for a layer switched off by a flag). */
fun SequentialBuilder.identity(): Identity = add(Identity(), currentShape)

private inline fun <M : dev.ember.nn.Module> SequentialBuilder.activation(kind: String, create: () -> M): M {
    requireFloating(kind)
    return add(construct(kind, create), currentShape)
}
