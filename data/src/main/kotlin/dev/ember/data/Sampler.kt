package dev.ember.data

/**
 * Chooses which dataset indices an epoch visits and in what order, like
 * `torch.utils.data.Sampler`. [indices] must be a pure function of the epoch, so a seeded
 * loader replays the same epochs on every run.
 *
 * ```kotlin
 * val loader = dataset.loader(batchSize = 32, sampler = RandomSampler(dataset.size, seed = 7))
 * ```
 */
interface Sampler {
    /** The number of indices each epoch yields. */
    val size: Int

    /** The indices of epoch [epoch] (0 for the first pass), in visiting order. */
    fun indices(epoch: Long): IntArray
}

/**
 * `0, 1, …, size - 1` every epoch.
 *
 * ```kotlin
 * SequentialSampler(4).indices(0)   // [0, 1, 2, 3]
 * ```
 */
class SequentialSampler(override val size: Int) : Sampler {
    init {
        require(size >= 0) { "SequentialSampler: size must be non-negative, but got $size" }
    }

    override fun indices(epoch: Long): IntArray = IntArray(size) { it }
}

/**
 * A fresh random order each epoch (a permutation of `0 until datasetSize`), or, with
 * [replacement], [numSamples] independent uniform draws; seeded by ([seed], epoch).
 *
 * ```kotlin
 * RandomSampler(10, seed = 1).indices(0)    // a permutation of 0..9, the same on every run
 * ```
 */
class RandomSampler @JvmOverloads constructor(
    val datasetSize: Int,
    val seed: Long = Seeds.fresh(),
    val replacement: Boolean = false,
    numSamples: Int = datasetSize,
) : Sampler {

    override val size: Int = numSamples

    init {
        require(datasetSize >= 0) { "RandomSampler: datasetSize must be non-negative, but got $datasetSize" }
        require(numSamples >= 0) { "num_samples should be a non-negative integer value, but got num_samples=$numSamples" }
        require(replacement || numSamples <= datasetSize) {
            "RandomSampler: without replacement numSamples ($numSamples) cannot exceed the dataset size ($datasetSize)"
        }
        require(datasetSize > 0 || numSamples == 0) { "RandomSampler: cannot draw $numSamples samples from an empty dataset" }
    }

    override fun indices(epoch: Long): IntArray {
        val random = Seeds.random(Seeds.derive(seed, epoch))
        if (replacement) return IntArray(size) { random.nextInt(datasetSize) }
        val permutation = Seeds.permutation(datasetSize, random)
        return if (size == datasetSize) permutation else permutation.copyOf(size)
    }
}

/**
 * The given [indices] in a random order each epoch, like `SubsetRandomSampler`.
 *
 * ```kotlin
 * SubsetRandomSampler(intArrayOf(4, 8, 15), seed = 3).indices(0)   // e.g. [15, 4, 8]
 * ```
 */
class SubsetRandomSampler @JvmOverloads constructor(indices: IntArray, val seed: Long = Seeds.fresh()) : Sampler {
    private val indices = indices.copyOf()

    override val size: Int get() = indices.size

    override fun indices(epoch: Long): IntArray {
        val order = Seeds.permutation(indices.size, Seeds.random(Seeds.derive(seed, epoch)))
        return IntArray(indices.size) { indices[order[it]] }
    }
}
