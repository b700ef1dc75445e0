package dev.ember.data

import dev.ember.tensor.Tensor

/**
 * Turns the samples of one batch into a [Batch], like `collate_fn`. The [default] stacks
 * tensors along a new first dimension and turns numbers into 1-D tensors (integers into
 * int64, as class labels need); a sample may be a [Sample], a [Pair], a [Triple], a [List]
 * (what [TensorDataset] gives) or a single tensor, and each of its fields becomes one tensor of
 * the batch.
 *
 * ```kotlin
 * val padded = Collate<List<Tensor>> { samples -> Batch(Tensor.stack(samples.map { it[0] }), …) }
 * ```
 */
fun interface Collate<in T> {

    fun collate(samples: List<T>): Batch

    companion object {
        /** The default collation (see [Collate]). */
        @JvmStatic
        fun default(): Collate<Any?> = DefaultCollate

        /** One sample's fields: what the default collation makes one batch tensor of each. */
        @JvmStatic
        fun fieldsOf(sample: Any?): List<Any?> = when (sample) {
            is Sample -> listOf(sample.input, sample.target)
            is Pair<*, *> -> listOf(sample.first, sample.second)
            is Triple<*, *, *> -> listOf(sample.first, sample.second, sample.third)
            is List<*> -> sample
            is Array<*> -> sample.asList()
            else -> listOf(sample)
        }

        /** One batch tensor from the values of one field across the samples. */
        @JvmStatic
        fun stackField(values: List<Any?>): Tensor {
            val first = values.first()
            return when (first) {
                is Tensor -> Tensor.stack(values.map { it as? Tensor ?: mismatch(values, it) })
                is Long, is Int, is Short, is Byte ->
                    Tensor.of(LongArray(values.size) { (values[it] as? Number ?: mismatch(values, values[it])).toLong() }, values.size.toLong())
                is Double -> Tensor.of(DoubleArray(values.size) { (values[it] as? Number ?: mismatch(values, values[it])).toDouble() }, values.size.toLong())
                is Float -> Tensor.of(FloatArray(values.size) { (values[it] as? Number ?: mismatch(values, values[it])).toFloat() }, values.size.toLong())
                is Boolean -> Tensor.of(BooleanArray(values.size) { values[it] as? Boolean ?: mismatch(values, values[it]) }, values.size.toLong())
                else -> throw IllegalArgumentException(
                    "default collate: batch must contain tensors, numbers, booleans, Sample, Pair, Triple or lists; found " +
                        (first?.javaClass?.name ?: "null"))
            }
        }

        private fun mismatch(values: List<Any?>, value: Any?): Nothing = throw IllegalArgumentException(
            "default collate: each field must have one type across the batch, but found ${values.first()?.javaClass?.simpleName} " +
                "and ${value?.javaClass?.simpleName ?: "null"}")
    }
}

private object DefaultCollate : Collate<Any?> {
    override fun collate(samples: List<Any?>): Batch {
        require(samples.isNotEmpty()) { "default collate: cannot collate an empty batch" }
        val fields = samples.map { Collate.fieldsOf(it) }
        val width = fields[0].size
        require(fields.all { it.size == width }) {
            "default collate: each sample in the batch must have the same number of fields, but found " + fields.map { it.size }.distinct()
        }
        return Batch(List(width) { f -> Collate.stackField(fields.map { it[f] }) })
    }
}
