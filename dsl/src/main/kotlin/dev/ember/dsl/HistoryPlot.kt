package dev.ember.dsl

import java.awt.BasicStroke
import java.awt.Color
import java.awt.Font
import java.awt.Graphics2D
import java.awt.RenderingHints
import java.awt.geom.Ellipse2D
import java.awt.geom.Line2D
import java.awt.geom.Path2D
import java.awt.image.BufferedImage
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.util.Locale
import javax.imageio.ImageIO
import kotlin.math.abs
import kotlin.math.ceil
import kotlin.math.floor
import kotlin.math.log10
import kotlin.math.max
import kotlin.math.pow
import kotlin.math.roundToInt

/**
 * Draws a [History] as a PNG with the JDK's Java2D (no display needed: it runs headless): one
 * panel for the loss and one per metric, each with the training curve, the validation curve
 * when there is one, axes with ticks, grid lines, a title and a legend.
 *
 *     HistoryPlot(history).save(Path.of("curves.png"), width = 1200, height = 450)
 */
class HistoryPlot(private val history: History) {

    /** Renders the panels side by side into an image of `width` x `height` pixels. */
    fun render(width: Int, height: Int): BufferedImage {
        require(history.epochs.isNotEmpty()) { "cannot plot a history without epochs" }
        val panels = panels()
        require(width >= 200 * panels.size && height >= 150) {
            "a plot of ${panels.size} panels needs at least ${200 * panels.size}x150 pixels, got ${width}x$height"
        }
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true")
        val image = BufferedImage(width, height, BufferedImage.TYPE_INT_RGB)
        val graphics = image.createGraphics()
        try {
            graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON)
            graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON)
            graphics.color = BACKGROUND
            graphics.fillRect(0, 0, width, height)
            val panelWidth = width / panels.size
            panels.forEachIndexed { index, panel -> drawPanel(graphics, panel, index * panelWidth, panelWidth, height) }
        } finally {
            graphics.dispose()
        }
        return image
    }

    /** Writes [render] to `path` as PNG, atomically (through a temporary file in the same directory). */
    fun save(path: Path, width: Int, height: Int) {
        val image = render(width, height)
        val directory = path.toAbsolutePath().parent
        Files.createDirectories(directory)
        val temporary = Files.createTempFile(directory, ".${path.fileName}", ".tmp")
        try {
            check(ImageIO.write(image, "png", temporary.toFile())) { "no PNG writer is available in this JDK" }
            Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE)
        } finally {
            Files.deleteIfExists(temporary)
        }
    }

    private class Panel(val title: String, val train: List<Double>, val validation: List<Double>?)

    private fun panels(): List<Panel> {
        val epochs = history.epochs
        val metricNames = epochs.first().metrics.keys.filter { name -> epochs.all { name in it.metrics } }
        fun validationOf(name: String): List<Double>? =
            if (epochs.all { name in it.validationMetrics }) epochs.map { it.validationMetrics.getValue(name) } else null
        val loss = Panel("loss", epochs.map { it.loss }, if (epochs.all { it.validationLoss != null }) epochs.map { it.validationLoss!! } else null)
        return listOf(loss) + metricNames.map { name -> Panel(name, epochs.map { it.metrics.getValue(name) }, validationOf(name)) }
    }

    private fun drawPanel(graphics: Graphics2D, panel: Panel, left: Int, width: Int, height: Int) {
        val plotLeft = left + MARGIN_LEFT
        val plotRight = left + width - MARGIN_RIGHT
        val plotTop = MARGIN_TOP
        val plotBottom = height - MARGIN_BOTTOM
        val epochCount = panel.train.size

        val values = (panel.train + (panel.validation ?: emptyList())).filter { it.isFinite() }
        val yAxis = Axis.of(values.minOrNull() ?: 0.0, values.maxOrNull() ?: 1.0)
        val xAxis = if (epochCount == 1) Axis(0.0, 2.0, 1.0) else Axis.integers(1, epochCount)

        fun x(epoch: Double) = plotLeft + (epoch - xAxis.low) / (xAxis.high - xAxis.low) * (plotRight - plotLeft)
        fun y(value: Double) = plotBottom - (value - yAxis.low) / (yAxis.high - yAxis.low) * (plotBottom - plotTop)

        graphics.font = Font(Font.SANS_SERIF, Font.PLAIN, 11)
        graphics.stroke = BasicStroke(1f)
        val metrics = graphics.fontMetrics
        for (tick in yAxis.ticks()) {
            val position = y(tick)
            graphics.color = GRID
            graphics.draw(Line2D.Double(plotLeft.toDouble(), position, plotRight.toDouble(), position))
            graphics.color = AXIS
            graphics.draw(Line2D.Double(plotLeft - 4.0, position, plotLeft.toDouble(), position))
            val label = yAxis.label(tick)
            graphics.drawString(label, (plotLeft - 6 - metrics.stringWidth(label)).toFloat(), (position + metrics.ascent / 2.0 - 1).toFloat())
        }
        for (tick in xAxis.ticks()) {
            val position = x(tick)
            graphics.color = AXIS
            graphics.draw(Line2D.Double(position, plotBottom.toDouble(), position, plotBottom + 4.0))
            val label = xAxis.label(tick)
            graphics.drawString(label, (position - metrics.stringWidth(label) / 2.0).toFloat(), (plotBottom + 6 + metrics.ascent).toFloat())
        }
        graphics.color = AXIS
        graphics.stroke = BasicStroke(1f)
        graphics.drawLine(plotLeft, plotTop, plotLeft, plotBottom)
        graphics.drawLine(plotLeft, plotBottom, plotRight, plotBottom)
        val axisLabel = "epoch"
        graphics.drawString(axisLabel, (plotLeft + plotRight - metrics.stringWidth(axisLabel)) / 2, height - 8)

        graphics.font = Font(Font.SANS_SERIF, Font.BOLD, 13)
        val titleWidth = graphics.fontMetrics.stringWidth(panel.title)
        graphics.drawString(panel.title, (plotLeft + plotRight - titleWidth) / 2, plotTop - 10)

        drawSeries(graphics, panel.train, TRAIN, ::x, ::y)
        panel.validation?.let { drawSeries(graphics, it, VALIDATION, ::x, ::y) }
        val points = listOfNotNull(panel.train, panel.validation).flatMap { series ->
            series.mapIndexedNotNull { index, value -> if (value.isFinite()) x(index + 1.0) to y(value) else null }
        }
        drawLegend(graphics, panel.validation != null, plotRight, plotTop, plotBottom, points)
    }

    private fun drawSeries(graphics: Graphics2D, values: List<Double>, color: Color, x: (Double) -> Double, y: (Double) -> Double) {
        graphics.color = color
        graphics.stroke = BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
        val line = Path2D.Double()
        var drawing = false
        values.forEachIndexed { index, value ->
            if (!value.isFinite()) {
                drawing = false
                return@forEachIndexed
            }
            val px = x(index + 1.0)
            val py = y(value)
            if (drawing) line.lineTo(px, py) else line.moveTo(px, py)
            drawing = true
            graphics.fill(Ellipse2D.Double(px - 3, py - 3, 6.0, 6.0))
        }
        graphics.draw(line)
    }

    /** The legend in the top or bottom right corner, whichever covers fewer data points. */
    private fun drawLegend(graphics: Graphics2D, withValidation: Boolean, plotRight: Int, plotTop: Int, plotBottom: Int,
                           points: List<Pair<Double, Double>>) {
        graphics.font = Font(Font.SANS_SERIF, Font.PLAIN, 11)
        val metrics = graphics.fontMetrics
        val entries = listOf("train" to TRAIN) + if (withValidation) listOf("validation" to VALIDATION) else emptyList()
        val boxWidth = 34 + entries.maxOf { metrics.stringWidth(it.first) }
        val rowHeight = metrics.height + 2
        val boxHeight = rowHeight * entries.size + 6
        val boxLeft = plotRight - boxWidth - 8
        fun covered(top: Int) = points.count { (px, py) -> px >= boxLeft - 8 && py >= top - 8 && py <= top + boxHeight + 8 }
        val upper = plotTop + 8
        val lower = plotBottom - 8 - boxHeight
        val boxTop = if (covered(lower) < covered(upper)) lower else upper
        graphics.color = BACKGROUND
        graphics.fillRect(boxLeft, boxTop, boxWidth, boxHeight)
        graphics.color = GRID.darker()
        graphics.stroke = BasicStroke(1f)
        graphics.drawRect(boxLeft, boxTop, boxWidth, boxHeight)
        entries.forEachIndexed { row, (label, color) ->
            val centre = boxTop + 3 + rowHeight * row + rowHeight / 2
            graphics.color = color
            graphics.stroke = BasicStroke(2f)
            graphics.drawLine(boxLeft + 6, centre, boxLeft + 24, centre)
            graphics.color = AXIS
            graphics.drawString(label, boxLeft + 28, centre + metrics.ascent / 2 - 1)
        }
    }

    /** An axis from `low` to `high` with ticks every `step`. */
    private class Axis(val low: Double, val high: Double, val step: Double) {
        fun ticks(): List<Double> {
            val first = ceil(low / step - 1e-9)
            val last = floor(high / step + 1e-9)
            return (first.toLong()..last.toLong()).map { it * step }
        }

        fun label(value: Double): String {
            val decimals = max(0, -floor(log10(step) + 1e-9).toInt())
            return String.format(Locale.ROOT, "%.${decimals}f", if (abs(value) < step * 1e-6) 0.0 else value)
        }

        companion object {
            /** A value axis around `min..max` with a margin, extended to whole ticks, about five ticks. */
            fun of(min: Double, max: Double): Axis {
                // The margin keeps extreme points off the axis lines.
                val margin = if (max - min < 1e-12) (if (abs(min) > 1e-12) abs(min) * 0.1 else 1.0) else (max - min) * 0.05
                val low = min - margin
                val high = max + margin
                val step = niceStep((high - low) / 5)
                return Axis(floor(low / step) * step, ceil(high / step) * step, step)
            }

            /** Epochs `first..last`, with a margin, and whole-number ticks, at most about ten. */
            fun integers(first: Int, last: Int): Axis {
                val margin = max(0.1, (last - first) * 0.03)
                return Axis(first - margin, last + margin, max(1.0, niceStep((last - first) / 8.0).roundToInt().toDouble()))
            }

            /** 1, 2 or 5 times a power of ten, the closest at or above `rough`. */
            private fun niceStep(rough: Double): Double {
                if (rough <= 0) return 1.0
                val magnitude = 10.0.pow(floor(log10(rough)))
                val fraction = rough / magnitude
                val nice = when {
                    fraction <= 1 -> 1.0
                    fraction <= 2 -> 2.0
                    fraction <= 5 -> 5.0
                    else -> 10.0
                }
                return nice * magnitude
            }
        }
    }

    private companion object {
        const val MARGIN_LEFT = 64
        const val MARGIN_RIGHT = 16
        const val MARGIN_TOP = 34
        const val MARGIN_BOTTOM = 44
        val BACKGROUND: Color = Color.WHITE
        val AXIS: Color = Color(0x33, 0x33, 0x33)
        val GRID: Color = Color(0xE4, 0xE4, 0xE4)
        val TRAIN: Color = Color(0x1F, 0x77, 0xB4)
        val VALIDATION: Color = Color(0xFF, 0x7F, 0x0E)
    }
}
