package dev.ember.dsl

import dev.ember.autograd.GradMode
import dev.ember.tensor.MemoryScope
import dev.ember.tensor.Tensor
import kotlin.contracts.ExperimentalContracts
import kotlin.contracts.InvocationKind
import kotlin.contracts.contract

/**
 * Runs `block` with gradient recording off (`torch.no_grad()`), restoring the previous mode after.
 *
 *     val predictions = noGrad { model(x).argmax(1) }
 */
@OptIn(ExperimentalContracts::class)
inline fun <R> noGrad(block: () -> R): R {
    contract { callsInPlace(block, InvocationKind.EXACTLY_ONCE) }
    return GradMode.noGrad().use { block() }
}

/** Runs `block` with gradient recording on, e.g. inside a [noGrad] block. */
@OptIn(ExperimentalContracts::class)
inline fun <R> enableGrad(block: () -> R): R {
    contract { callsInPlace(block, InvocationKind.EXACTLY_ONCE) }
    return GradMode.enableGrad().use { block() }
}

/** Runs `block` in inference mode (`torch.inference_mode()`): no recording and no version tracking. */
@OptIn(ExperimentalContracts::class)
inline fun <R> inferenceMode(block: () -> R): R {
    contract { callsInPlace(block, InvocationKind.EXACTLY_ONCE) }
    return GradMode.inferenceMode().use { block() }
}

/**
 * Runs `block` in a [MemoryScope]: every tensor made inside is freed when it ends, except those
 * passed to `keep` and a [Tensor] the block returns (which moves to the enclosing scope).
 *
 *     val loss = memoryScope {
 *         val loss = criterion(model(x), y); loss.backward(); loss.detach()
 *     }
 */
@OptIn(ExperimentalContracts::class)
inline fun <R> memoryScope(block: MemoryScope.() -> R): R {
    contract { callsInPlace(block, InvocationKind.EXACTLY_ONCE) }
    return MemoryScope.open().use { scope ->
        val result = scope.block()
        if (result is Tensor) scope.keep(result)
        result
    }
}
