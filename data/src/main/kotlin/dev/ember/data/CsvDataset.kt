package dev.ember.data

import dev.ember.tensor.Tensor
import java.io.IOException
import java.io.UncheckedIOException
import java.nio.file.Files
import java.nio.file.Path

/**
 * Rows of a CSV file as samples: every column but the target is a float32 feature, and the
 * target column becomes an int64 label when all its values are integers, a float32 value when
 * they are other numbers, or a class index (into [classes], sorted names) when they are text.
 * The whole file is parsed once, up front. Fields may be double-quoted.
 *
 * ```kotlin
 * val iris = CsvDataset(Path.of("iris.csv"), targetColumn = "species")
 * val (features, label) = iris[0]      // [4] float32, int64 scalar
 * ```
 *
 * @param targetColumn the target's header name; without one, [targetIndex] chooses it
 * @param targetIndex the target's column index, negative counting from the end (default: last)
 */
class CsvDataset @JvmOverloads constructor(
    val path: Path,
    targetColumn: String? = null,
    targetIndex: Int = -1,
    hasHeader: Boolean = true,
    val delimiter: Char = ',',
    val transform: Transform<Tensor, Tensor>? = null,
    val targetTransform: Transform<Tensor, Tensor>? = null,
) : Dataset<Sample> {

    /** The column names (from the header, or `column0`, `column1`, …). */
    val columns: List<String>

    /** The feature column names, in feature order. */
    val featureColumns: List<String>

    /** Class names when the target column is text; empty otherwise. */
    val classes: List<String>

    /** All features, float32 `[rows, features]`. */
    val features: Tensor

    /** All targets, int64 or float32 `[rows]`. */
    val targets: Tensor

    init {
        val lines = try {
            Files.readAllLines(path).filter { it.isNotBlank() }
        } catch (e: IOException) {
            throw UncheckedIOException("CsvDataset: cannot read $path: ${e.message}", e)
        }
        require(lines.isNotEmpty()) { "CsvDataset: $path is empty" }
        val rows = lines.map { splitFields(it, delimiter) }
        columns = if (hasHeader) rows[0] else rows[0].indices.map { "column$it" }
        val data = if (hasHeader) rows.drop(1) else rows
        val width = columns.size
        data.forEachIndexed { r, row ->
            require(row.size == width) { "CsvDataset: $path line ${r + if (hasHeader) 2 else 1} has ${row.size} fields, expected $width" }
        }
        val target = if (targetColumn != null) {
            columns.indexOf(targetColumn).also { require(it >= 0) { "CsvDataset: no column '$targetColumn' in $path; columns are $columns" } }
        } else {
            (if (targetIndex < 0) width + targetIndex else targetIndex).also {
                require(it in 0 until width) { "CsvDataset: target index $targetIndex is out of range for $width columns" }
            }
        }
        val featureIndices = (0 until width).filter { it != target }
        featureColumns = featureIndices.map { columns[it] }
        val values = FloatArray(data.size * featureIndices.size)
        data.forEachIndexed { r, row ->
            featureIndices.forEachIndexed { f, c ->
                values[r * featureIndices.size + f] = row[c].trim().toFloatOrNull()
                    ?: throw IllegalArgumentException("CsvDataset: $path row $r, column '${columns[c]}': '${row[c]}' is not a number")
            }
        }
        features = Tensor.of(values, data.size.toLong(), featureIndices.size.toLong())
        val raw = data.map { it[target].trim() }
        val rows64 = raw.size.toLong()
        when {
            raw.all { it.toLongOrNull() != null } -> {
                classes = emptyList()
                targets = Tensor.of(LongArray(raw.size) { raw[it].toLong() }, rows64)
            }
            raw.all { it.toFloatOrNull() != null } -> {
                classes = emptyList()
                targets = Tensor.of(FloatArray(raw.size) { raw[it].toFloat() }, rows64)
            }
            else -> {
                classes = raw.distinct().sorted()
                val indexOf = classes.withIndex().associate { (i, name) -> name to i.toLong() }
                targets = Tensor.of(LongArray(raw.size) { indexOf.getValue(raw[it]) }, rows64)
            }
        }
    }

    override val size: Int = features.size(0).toInt()

    override fun get(index: Int): Sample {
        checkIndex(index, size, "CsvDataset")
        val input = features.select(0, index.toLong())
        val target = targets.select(0, index.toLong())
        return Sample(transform?.apply(input) ?: input, targetTransform?.apply(target) ?: target)
    }

    private companion object {
        fun splitFields(line: String, delimiter: Char): List<String> {
            val fields = ArrayList<String>()
            val field = StringBuilder()
            var quoted = false
            var i = 0
            while (i < line.length) {
                val c = line[i]
                when {
                    quoted && c == '"' && i + 1 < line.length && line[i + 1] == '"' -> { field.append('"'); i++ }
                    c == '"' -> quoted = !quoted
                    !quoted && c == delimiter -> { fields += field.toString(); field.setLength(0) }
                    else -> field.append(c)
                }
                i++
            }
            fields += field.toString()
            return fields
        }
    }
}
