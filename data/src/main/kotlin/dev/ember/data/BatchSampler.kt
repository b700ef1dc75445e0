package dev.ember.data

/**
 * Groups a [sampler]'s indices into batches of [batchSize], the last one short unless
 * [dropLast], like `torch.utils.data.BatchSampler`. Subclass it to batch by other rules
 * (for example by sequence length).
 *
 * ```kotlin
 * BatchSampler(SequentialSampler(5), batchSize = 2, dropLast = false).batches(0)   // [0,1] [2,3] [4]
 * ```
 */
open class BatchSampler(val sampler: Sampler, val batchSize: Int, val dropLast: Boolean) {

    init {
        require(batchSize > 0) { "batch_size should be a positive integer value, but got batch_size=$batchSize" }
    }

    /** The number of batches per epoch. */
    open val size: Int
        get() = if (dropLast) sampler.size / batchSize else (sampler.size + batchSize - 1) / batchSize

    /** The batches of epoch [epoch], each an array of dataset indices. */
    open fun batches(epoch: Long): List<IntArray> {
        val indices = sampler.indices(epoch)
        val count = if (dropLast) indices.size / batchSize else (indices.size + batchSize - 1) / batchSize
        return List(count) { b -> indices.copyOfRange(b * batchSize, minOf(indices.size, (b + 1) * batchSize)) }
    }
}
