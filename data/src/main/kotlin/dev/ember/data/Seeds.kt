package dev.ember.data

import java.util.SplittableRandom

/**
 * Derives independent random streams from a seed: per epoch for shuffling, per sample for
 * random transforms. Mixing (rather than sharing one generator) is what makes a loader's
 * output independent of how many workers ran and in which order they finished.
 */
internal object Seeds {

    /** SplitMix64's finaliser: a bijection that spreads nearby inputs far apart. */
    fun mix(value: Long): Long {
        var z = value
        z = (z xor (z ushr 30)) * -0x40a7b892e31b1a47L
        z = (z xor (z ushr 27)) * -0x6b2fb644ecceee15L
        return z xor (z ushr 31)
    }

    fun derive(seed: Long, stream: Long): Long = mix(mix(seed) + stream * -0x61c8864680b583ebL)

    fun random(seed: Long): SplittableRandom = SplittableRandom(mix(seed))

    /** A Fisher-Yates permutation of `0 until n`. */
    fun permutation(n: Int, random: SplittableRandom): IntArray {
        val order = IntArray(n) { it }
        for (i in n - 1 downTo 1) {
            val j = random.nextInt(i + 1)
            val swap = order[i]; order[i] = order[j]; order[j] = swap
        }
        return order
    }

    fun fresh(): Long = java.security.SecureRandom().nextLong()
}
