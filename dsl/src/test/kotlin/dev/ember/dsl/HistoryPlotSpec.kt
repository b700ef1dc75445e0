package dev.ember.dsl

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import java.awt.image.BufferedImage
import java.nio.file.Files
import javax.imageio.ImageIO

class HistoryPlotSpec : FunSpec({
    fun record(epoch: Int, loss: Double, accuracy: Double, validationLoss: Double, validationAccuracy: Double) =
        EpochRecord(epoch, loss, mapOf("accuracy" to accuracy), validationLoss, mapOf("accuracy" to validationAccuracy), 1000, 2.0)

    val history = History(listOf(
        record(1, 0.9, 0.70, 0.8, 0.72), record(2, 0.6, 0.80, 0.65, 0.79), record(3, 0.45, 0.86, 0.55, 0.83),
        record(4, 0.38, 0.89, 0.52, 0.85)))

    /** The pixels of `image` in columns `from until to` with exactly this RGB colour. */
    fun count(image: BufferedImage, rgb: Int, from: Int, to: Int): Int =
        (from until to).sumOf { x -> (0 until image.height).count { y -> image.getRGB(x, y) and 0xFFFFFF == rgb } }

    test("plot writes a PNG that ImageIO decodes, with both curves in each panel on a white background") {
        val directory = Files.createTempDirectory("ember-plot")
        val path = directory.resolve("curves.png")
        try {
            history.plot(path, width = 900, height = 400)
            val image = ImageIO.read(path.toFile())
            image.width shouldBe 900
            image.height shouldBe 400
            image.getRGB(2, 2) and 0xFFFFFF shouldBe 0xFFFFFF
            val train = 0x1F77B4
            val validation = 0xFF7F0E
            // Panel 1 (loss) spans x < 450, panel 2 (accuracy) x >= 450; each has markers of both series.
            count(image, train, 0, 450) shouldBeGreaterThan 50
            count(image, validation, 0, 450) shouldBeGreaterThan 50
            count(image, train, 450, 900) shouldBeGreaterThan 50
            count(image, validation, 450, 900) shouldBeGreaterThan 50
            // The y axis of the first panel is a dark vertical line at the left margin.
            val axisColumn = (62..66).maxBy { x -> (60 until 340).count { y -> image.getRGB(x, y) and 0xFF < 0x80 } }
            (60 until 340).count { y -> image.getRGB(axisColumn, y) and 0xFF < 0x80 } shouldBeGreaterThan 250
            Files.list(directory).use { it.count() } shouldBe 1L
        } finally {
            directory.toFile().deleteRecursively()
        }
    }

    test("a single epoch without validation plots one panel per quantity") {
        val single = History(listOf(EpochRecord(1, 0.5, emptyMap(), null, emptyMap(), 10, 1.0)))
        val image = HistoryPlot(single).render(300, 200)
        count(image, 0x1F77B4, 0, 300) shouldBeGreaterThan 10
        count(image, 0xFF7F0E, 0, 300) shouldBe 0
    }

    test("too small an image or an empty history is refused") {
        shouldThrow<IllegalArgumentException> { HistoryPlot(history).render(300, 200) }.message shouldBe
            "a plot of 2 panels needs at least 400x150 pixels, got 300x200"
        shouldThrow<IllegalArgumentException> { HistoryPlot(History(emptyList())).render(400, 300) }.message shouldBe
            "cannot plot a history without epochs"
    }
})
