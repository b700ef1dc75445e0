package dev.ember.dsl

import dev.ember.nn.Module

/**
 * A table of the model's layers (name, kind, output shape per sample, parameter count) and the
 * totals, like `torchsummary`. Output shapes are known for models built with [sequential];
 * other modules list their children with a `-` shape.
 *
 *     println(model.summary())
 */
fun Module.summary(): String {
    val children = namedChildren().entries.toList()
    val shapes = (this as? ShapedSequential)?.outputShapes
    val rows = children.mapIndexed { index, (name, child) ->
        listOf("$name (${child.javaClass.simpleName})", shapes?.get(index)?.let { "[-1, ${it.toString().drop(1)}" } ?: "-",
            "%,d".format(child.parameterCount()))
    }
    val header = listOf("Layer (type)", "Output shape", "Param #")
    val widths = header.indices.map { column -> (rows.map { it[column] } + header[column]).maxOf { it.length } }
    fun line(cells: List<String>) = cells.mapIndexed { column, cell ->
        if (column == 2) cell.padStart(widths[column]) else cell.padEnd(widths[column])
    }.joinToString("  ").trimEnd()
    val rule = "-".repeat(widths.sum() + 4)
    val total = parameterCount()
    val trainable = parameters().filter { it.requiresGrad() }.sumOf { it.numel() }
    return buildString {
        (this@summary as? ShapedSequential)?.let { appendLine("Input shape: [-1, ${it.inputShape.toString().drop(1)}") }
        appendLine(line(header))
        appendLine(rule)
        rows.forEach { appendLine(line(it)) }
        appendLine(rule)
        appendLine("Total params: %,d".format(total))
        appendLine("Trainable params: %,d".format(trainable))
        append("Non-trainable params: %,d".format(total - trainable))
    }
}

/** The number of parameter elements, including those of submodules. */
fun Module.parameterCount(): Long = parameters().sumOf { it.numel() }
