package dev.ember.dsl

import dev.ember.tensor.Tensor

/*
 * Arithmetic operators on tensors, with numbers on either side. Tensor's own Java methods
 * `plus`-less names (add/sub/mul) need these; `div(Tensor)` and `div(double)` are members and
 * Kotlin already treats them as the `/` operator, with the same meaning.
 *
 *     val c = a + b * 2.0 - b / a
 *     val d = 1.0 - a;  val e = -a
 */

/** `a + b`: elementwise sum with broadcasting, like `torch.add`. */
operator fun Tensor.plus(other: Tensor): Tensor = add(other)

/** `a + 2`: integral numbers keep an integral tensor integral, like PyTorch's wrapped scalars. */
operator fun Tensor.plus(other: Number): Tensor = if (other.isIntegral()) add(other.toLong()) else add(other.toDouble())

/** `2 + a`. */
operator fun Number.plus(other: Tensor): Tensor = other + this

/** `a - b`. */
operator fun Tensor.minus(other: Tensor): Tensor = sub(other)

/** `a - 2.0`. */
operator fun Tensor.minus(other: Number): Tensor = if (other.isIntegral()) sub(other.toLong()) else sub(other.toDouble())

/** `1.0 - a`. */
operator fun Number.minus(other: Tensor): Tensor = (-other) + this

/** `a * b`. */
operator fun Tensor.times(other: Tensor): Tensor = mul(other)

/** `a * 2.0`. */
operator fun Tensor.times(other: Number): Tensor = if (other.isIntegral()) mul(other.toLong()) else mul(other.toDouble())

/** `2.0 * a`. */
operator fun Number.times(other: Tensor): Tensor = other * this

/** `a / 2`: true division, so an integral tensor divided by an integer gives floats, like PyTorch. */
operator fun Tensor.div(other: Number): Tensor = if (other.isIntegral()) div(other.toLong()) else div(other.toDouble())

/** `1.0 / a`: true division of a number by every element. */
operator fun Number.div(other: Tensor): Tensor = Tensor.fullLike(other.toFloatingPoint(), toDouble()).div(other)

/** `a % b`: Python-style remainder (the sign of the divisor), like `torch.remainder`. */
operator fun Tensor.rem(other: Tensor): Tensor = remainder(other)

/** `a % 3`. */
operator fun Tensor.rem(other: Number): Tensor = if (other.isIntegral()) remainder(other.toLong()) else remainder(other.toDouble())

/** `-a`. */
operator fun Tensor.unaryMinus(): Tensor = neg()

/** `+a` is `a` itself. */
operator fun Tensor.unaryPlus(): Tensor = this

/** `a matmul b`: `torch.matmul` (1-D, 2-D and batched, with broadcasting). */
infix fun Tensor.matmul(other: Tensor): Tensor = this.matmul(other)

/** `a pow 2`. */
infix fun Tensor.pow(exponent: Number): Tensor = this.pow(exponent.toDouble())

/** `a pow b`, elementwise. */
infix fun Tensor.pow(exponent: Tensor): Tensor = this.pow(exponent)

internal fun Number.isIntegral(): Boolean = this is Int || this is Long || this is Short || this is Byte

private fun Tensor.toFloatingPoint(): Tensor = if (isFloatingPoint) this else float32()
