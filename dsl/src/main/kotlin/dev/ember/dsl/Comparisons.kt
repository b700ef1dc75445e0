package dev.ember.dsl

import dev.ember.tensor.Tensor

/*
 * Elementwise comparisons and logic as infix words, each giving a BOOL tensor:
 *
 *     val mask = (a gt 0.5) and (a lt b)
 *     val kept = a[!mask]
 */

/** `a lt b`: `a < b` elementwise. */
infix fun Tensor.lt(other: Tensor): Tensor = this.lt(other)

/** `a lt 0.5`. */
infix fun Tensor.lt(other: Number): Tensor = this.lt(other.toDouble())

/** `a le b`: `a <= b`. */
infix fun Tensor.le(other: Tensor): Tensor = this.le(other)

/** `a le 0.5`. */
infix fun Tensor.le(other: Number): Tensor = this.le(other.toDouble())

/** `a gt b`: `a > b`. */
infix fun Tensor.gt(other: Tensor): Tensor = this.gt(other)

/** `a gt 0.5`. */
infix fun Tensor.gt(other: Number): Tensor = this.gt(other.toDouble())

/** `a ge b`: `a >= b`. */
infix fun Tensor.ge(other: Tensor): Tensor = this.ge(other)

/** `a ge 0.5`. */
infix fun Tensor.ge(other: Number): Tensor = this.ge(other.toDouble())

/** `a eq b`: elementwise equality (`==` stays reference equality on objects). */
infix fun Tensor.eq(other: Tensor): Tensor = this.eq(other)

/** `a eq 1`. */
infix fun Tensor.eq(other: Number): Tensor = this.eq(other.toDouble())

/** `a ne b`. */
infix fun Tensor.ne(other: Tensor): Tensor = this.ne(other)

/** `a ne 0`. */
infix fun Tensor.ne(other: Number): Tensor = this.ne(other.toDouble())

/** `m and n`: elementwise logical and. */
infix fun Tensor.and(other: Tensor): Tensor = logicalAnd(other)

/** `m or n`: elementwise logical or. */
infix fun Tensor.or(other: Tensor): Tensor = logicalOr(other)

/** `m xor n`: elementwise logical exclusive or. */
infix fun Tensor.xor(other: Tensor): Tensor = logicalXor(other)

/** `!m`: elementwise logical not. */
operator fun Tensor.not(): Tensor = logicalNot()
