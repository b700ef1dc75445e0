package dev.ember.data

import dev.ember.devices.DType
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeIn
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.awt.image.BufferedImage

private fun Tensor.values(): List<Float> = toFloatArray().toList()

/** [[1, 2, 3], [4, 5, 6], [7, 8, 9]] as a one-channel image. */
private fun grid3(): Tensor = Tensor.of(FloatArray(9) { it + 1f }, 1, 3, 3)

class TransformSpec : FunSpec({

    test("toTensor scales a uint8 [H, W] image to float32 [1, H, W] in [0, 1]") {
        val pixels = Tensor.fromBytes(byteArrayOf(0, 51, -1, -128), DType.UINT8, 2, 2)
        val x = toTensor()(pixels)
        x.shape().toList() shouldBe listOf(1L, 2L, 2L)
        x.dtype() shouldBe DType.FLOAT32
        x.values() shouldBe listOf(0f, 51f / 255f, 1f, 128f / 255f)
    }

    test("toTensor reads RGB images channel first, whatever the byte layout") {
        for (type in listOf(BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_ARGB)) {
            val image = BufferedImage(2, 1, type)
            image.setRGB(0, 0, 0xFFFF0000.toInt())
            image.setRGB(1, 0, 0xFF0080FF.toInt())
            val x = toTensor()(image)
            x.shape().toList() shouldBe listOf(3L, 1L, 2L)
            x.values() shouldBe listOf(1f, 0f, 0f, 128f / 255f, 0f, 1f)
        }
    }

    test("toTensor gives grayscale images one channel") {
        val image = BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY)
        image.raster.setSample(0, 0, 0, 255)
        image.raster.setSample(1, 0, 0, 51)
        toTensor()(image).values() shouldBe listOf(1f, 0.2f)
        shouldThrow<IllegalArgumentException> { toTensor()(Tensor.zeros(2, 2)) }.message shouldContain "uint8"
    }

    test("normalize subtracts each channel's mean and divides by its std") {
        val x = Tensor.of(floatArrayOf(1f, 0.5f, 0.25f, 0.75f), 2, 1, 2)
        normalize(doubleArrayOf(0.5, 0.5), doubleArrayOf(0.5, 0.25))(x).values() shouldBe listOf(1f, 0f, -1f, 1f)
        normalize(0.5, 0.5)(x).values() shouldBe listOf(1f, 0f, -0.5f, 0.5f)
        shouldThrow<IllegalArgumentException> { normalize(doubleArrayOf(0.5), doubleArrayOf(0.5))(x) }.message shouldContain "[2, 1, 2]"
    }

    test("randomCrop with padding returns one of the padded image's windows, each possible window in turn") {
        // Padded by 1: a 4x4 frame of zeros around [[1, 2], [3, 4]]; a 2x2 crop has 9 positions.
        val padded = listOf(listOf(0f, 0f, 0f, 0f), listOf(0f, 1f, 2f, 0f), listOf(0f, 3f, 4f, 0f), listOf(0f, 0f, 0f, 0f))
        val windows = (0..2).flatMap { top -> (0..2).map { left ->
            listOf(padded[top][left], padded[top][left + 1], padded[top + 1][left], padded[top + 1][left + 1]) } }
        val image = Tensor.of(floatArrayOf(1f, 2f, 3f, 4f), 1, 2, 2)
        val seen = (0L until 200L).map { seed -> SampleRandomness.withSeed(seed) { randomCrop(2, padding = 1)(image) }.values() }
        seen.forEach { it shouldBeIn windows }
        seen.toSet() shouldBe windows.toSet()
        SampleRandomness.withSeed(7) { randomCrop(2, padding = 1)(image) }.values() shouldBe seen[7]
        shouldThrow<IllegalArgumentException> { randomCrop(3)(image) }.message shouldContain "Required crop size (3, 3) is larger than input image size (2, 2)"
    }

    test("randomHorizontalFlip mirrors columns with probability p") {
        randomHorizontalFlip(1.0)(grid3()).values() shouldBe listOf(3f, 2f, 1f, 6f, 5f, 4f, 9f, 8f, 7f)
        randomHorizontalFlip(0.0)(grid3()).values() shouldBe grid3().values()
        randomVerticalFlip(1.0)(grid3()).values() shouldBe listOf(7f, 8f, 9f, 4f, 5f, 6f, 1f, 2f, 3f)
        val flipped = (0L until 400L).count { seed -> SampleRandomness.withSeed(seed) { randomHorizontalFlip()(grid3()) }.values()[0] == 3f }
        (flipped / 400.0) shouldBe (0.5 plusOrMinus 0.08)
    }

    test("affine rotates counter-clockwise about the centre, translates, and fills from outside") {
        affine(grid3(), angle = 90.0).values() shouldBe listOf(3f, 6f, 9f, 2f, 5f, 8f, 1f, 4f, 7f)
        affine(grid3(), angle = -90.0).values() shouldBe listOf(7f, 4f, 1f, 8f, 5f, 2f, 9f, 6f, 3f)
        affine(grid3(), angle = 0.0, translateX = 1.0, fill = -1.0).values() shouldBe listOf(-1f, 1f, 2f, -1f, 4f, 5f, -1f, 7f, 8f)
        affine(grid3(), angle = 0.0, translateY = -1.0).values() shouldBe listOf(4f, 5f, 6f, 7f, 8f, 9f, 0f, 0f, 0f)
        // Scale 2 about the centre of a 4x4 image: the middle 2x2 block fills it.
        val four = Tensor.of(FloatArray(16) { it.toFloat() }, 1, 4, 4)
        affine(four, angle = 0.0, scale = 2.0).values() shouldBe listOf(5f, 5f, 6f, 6f, 5f, 5f, 6f, 6f, 9f, 9f, 10f, 10f, 9f, 9f, 10f, 10f)
    }

    test("randomRotation and randomAffine draw their parameters from the ranges given") {
        randomRotation(0.0)(grid3()).values() shouldBe grid3().values()
        randomRotation(90.0, 90.0, 0.0)(grid3()).values() shouldBe listOf(3f, 6f, 9f, 2f, 5f, 8f, 1f, 4f, 7f)
        val rotations = setOf(grid3().values(), affine(grid3(), 90.0).values())
        (0L until 50L).forEach { seed ->
            val out = SampleRandomness.withSeed(seed) { randomAffine(0.0, 0.0, translate = 0.34 to 0.0)(grid3()) }.values()
            out shouldBeIn listOf(grid3().values(), affine(grid3(), 0.0, translateX = 1.0).values(), affine(grid3(), 0.0, translateX = -1.0).values())
        }
        rotations.size shouldBe 2
        shouldThrow<IllegalArgumentException> { randomAffine(10.0, translate = 1.5 to 0.0) }
    }

    test("oneHot turns class indices into int64 one-hot rows") {
        val encoded = oneHot(3)(Tensor.of(longArrayOf(2, 0), 2))
        encoded.dtype() shouldBe DType.INT64
        encoded.shape().toList() shouldBe listOf(2L, 3L)
        encoded.toLongArray().toList() shouldBe listOf(0L, 0L, 1L, 1L, 0L, 0L)
        oneHot(4)(1).toLongArray().toList() shouldBe listOf(0L, 1L, 0L, 0L)
        shouldThrow<IllegalArgumentException> { oneHot(3)(Tensor.of(longArrayOf(3), 1)) }.message shouldContain "smaller than num_classes"
    }

    test("compose, then and lambda chain transforms in order") {
        val pipeline = compose(toTensor(), lambda { x: Tensor -> x.mul(2.0) }, normalize(1.0, 0.5))
        pipeline(Tensor.fromBytes(byteArrayOf(0, -1), DType.UINT8, 1, 2)).values() shouldBe listOf(-2f, 2f)
        val chained = lambda { n: Int -> n + 1 } then lambda { n: Int -> n * 10 }
        chained(4) shouldBe 50
    }

    test("random transforms in a loader are reproducible per sample and differ across samples") {
        val images = TensorDataset(Tensor.arange(64).to(DType.FLOAT32).view(4, 1, 4, 4))
        val augmented = images.map { (image) -> compose(randomCrop(3, padding = 1), randomHorizontalFlip())(image) }
        fun run(workers: Int) = kotlinx.coroutines.runBlocking {
            val batches = mutableListOf<List<Float>>()
            augmented.loader(batchSize = 2, workers = workers, seed = 3).asFlow(0).collect { batches += it.inputs.values() }
            batches
        }
        run(0) shouldBe run(3)
    }
})
