package dev.ember.dsl

import dev.ember.nn.Dropout
import dev.ember.nn.Dropout2d

/*
 * Dropout in a sequential(...) block (active in training mode, the identity after `eval()`):
 *
 *     sequential(input = shape(16, 8, 8)) { dropout2d(0.1); flatten(); linear(64); relu(); dropout(0.5) }
 */

/** `nn.Dropout(p)`: zeroes each element with probability `p` and scales the rest by `1 / (1 - p)`. */
fun SequentialBuilder.dropout(p: Double = 0.5): Dropout {
    checkProbability("dropout", p)
    return add(Dropout(p), currentShape)
}

/** `nn.Dropout2d(p)`: drops whole channels of `[channels, height, width]`. */
fun SequentialBuilder.dropout2d(p: Double = 0.5): Dropout2d {
    checkProbability("dropout2d", p)
    requireRank("dropout2d", 3, "[channels, height, width]")
    return add(Dropout2d(p), currentShape)
}

private fun SequentialBuilder.checkProbability(kind: String, p: Double) {
    check(kind, p in 0.0..1.0) { "dropout probability has to be between 0 and 1, but got $p" }
    requireFloating(kind)
}
