package dev.ember.data

import java.util.SplittableRandom
import java.util.random.RandomGenerator

/**
 * The random numbers that random transforms draw from. A loader seeds it for every sample
 * from (seed, epoch, sample index), so a random crop of sample 7 in epoch 2 is the same
 * whichever worker fetched it; outside a loader it is a shared unseeded generator unless
 * [withSeed] sets one.
 *
 * ```kotlin
 * val cropped = SampleRandomness.withSeed(1) { randomCrop(24)(image) }   // reproducible
 * ```
 */
object SampleRandomness {

    private val current = ThreadLocal<RandomGenerator?>()
    private val fallback = SplittableRandom()

    /** The generator for the sample being loaded on this thread. */
    @JvmStatic
    fun current(): RandomGenerator = current.get() ?: synchronized(fallback) { fallback.split() }

    /** Runs [block] with this thread's sample generator seeded by [seed]. */
    @JvmStatic
    fun <T> withSeed(seed: Long, block: () -> T): T {
        val previous = current.get()
        current.set(SplittableRandom(Seeds.mix(seed)))
        try {
            return block()
        } finally {
            current.set(previous)
        }
    }
}
