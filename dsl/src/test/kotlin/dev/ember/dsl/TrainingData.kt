package dev.ember.dsl

import dev.ember.data.Batch
import dev.ember.data.DataLoader
import dev.ember.data.TensorDataset
import dev.ember.data.loader
import dev.ember.nn.Linear
import dev.ember.tensor.Tensor

/**
 * Two classes in the plane, separated by the line x + y = 0 with a margin of at least 0.5 on
 * either side: a model that learns reaches (near) perfect accuracy in a few epochs.
 */
internal fun separablePoints(count: Int, seed: Long): Pair<Tensor, Tensor> {
    val random = java.util.Random(seed)
    val points = FloatArray(count * 2)
    val labels = LongArray(count)
    for (i in 0 until count) {
        val label = i % 2
        val along = random.nextGaussian() * 2
        val across = (0.5 + random.nextDouble() * 1.5) * (if (label == 1) 1 else -1)
        // Coordinates along the boundary direction (1, -1) and across it (1, 1), each normalised.
        points[2 * i] = ((along + across) / Math.sqrt(2.0)).toFloat()
        points[2 * i + 1] = ((-along + across) / Math.sqrt(2.0)).toFloat()
        labels[i] = label.toLong()
    }
    return Tensor.of(points, count.toLong(), 2) to Tensor.of(labels, count.toLong())
}

internal fun separableLoader(count: Int, seed: Long, batchSize: Int): DataLoader<List<Tensor>> {
    val (points, labels) = separablePoints(count, seed)
    return TensorDataset(points, labels).loader(batchSize = batchSize, shuffle = true, seed = seed)
}

/** Batches of `size` samples whose inputs are all `x` and targets all zero, as `[size, 1]` floats. */
internal fun constantBatches(batches: Int, size: Int, x: Float = 1f): List<Batch> =
    List(batches) { Batch(Tensor.full(x.toDouble(), size.toLong(), 1), Tensor.zeros(size.toLong(), 1)) }

/** `y = x`: a Linear(1, 1) with weight 1 and bias 0, which a learning rate of 0 leaves alone. */
internal fun identityLinear(): Linear = Linear(1, 1).also { linear ->
    noGrad {
        linear.weight.fill_(1.0)
        linear.bias.zero_()
    }
}
