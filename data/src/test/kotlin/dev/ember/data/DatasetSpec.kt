package dev.ember.data

import dev.ember.devices.DType
import dev.ember.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.engine.spec.tempdir
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.awt.image.BufferedImage
import java.nio.file.Files
import java.nio.file.Path
import javax.imageio.ImageIO
import kotlinx.coroutines.flow.first

class DatasetSpec : FunSpec({

    test("TensorDataset gives the rows of its tensors as a list") {
        val data = TensorDataset(Tensor.of(floatArrayOf(1f, 2f, 3f, 4f, 5f, 6f), 3, 2), Tensor.of(longArrayOf(7, 8, 9), 3))
        data.size shouldBe 3
        val (features, label) = data[1]
        features.toFloatArray().toList() shouldBe listOf(3f, 4f)
        label.item() shouldBe 8.0
        shouldThrow<IllegalArgumentException> { TensorDataset(Tensor.zeros(3), Tensor.zeros(4)) }.message shouldContain "Size mismatch"
        shouldThrow<IndexOutOfBoundsException> { data[3] }
    }

    test("Subset reads the chosen indices in order") {
        val subset = Subset(numbers(10), intArrayOf(7, 2, 5))
        (0 until subset.size).map { subset[it] } shouldBe listOf(7L, 2L, 5L)
        shouldThrow<IndexOutOfBoundsException> { Subset(numbers(3), intArrayOf(3)) }
    }

    test("ConcatDataset chains datasets, skipping empty ones") {
        val all = ConcatDataset(numbers(3), numbers(0), numbers(2).map { it + 100 })
        all.size shouldBe 5
        (0 until all.size).map { all[it] } shouldBe listOf(0L, 1L, 2L, 100L, 101L)
    }

    test("randomSplit partitions the dataset, reproducibly for a seed") {
        val (a, b, c) = randomSplit(numbers(10), intArrayOf(5, 3, 2), seed = 1)
        listOf(a.size, b.size, c.size) shouldBe listOf(5, 3, 2)
        (a.indices() + b.indices() + c.indices()).sorted() shouldBe (0 until 10).toList()
        randomSplit(numbers(10), intArrayOf(5, 3, 2), seed = 1)[0].indices().toList() shouldBe a.indices().toList()
        randomSplit(numbers(10), doubleArrayOf(0.5, 0.25, 0.25), seed = 1).map { it.size } shouldBe listOf(6, 2, 2)
        shouldThrow<IllegalArgumentException> { randomSplit(numbers(10), intArrayOf(5, 4), seed = 1) }.message shouldContain "Sum of input lengths"
    }

    test("CsvDataset reads numeric features and text, integer or real targets") {
        val dir = tempdir()
        val file = dir.toPath().resolve("pets.csv")
        Files.writeString(file, "weight,\"height, cm\",kind\n4.5,30,cat\n30,60,dog\n\n5,25,\"cat\"\n")
        val pets = CsvDataset(file, targetColumn = "kind")
        pets.size shouldBe 3
        pets.classes shouldBe listOf("cat", "dog")
        pets.featureColumns shouldBe listOf("weight", "height, cm")
        val (features, label) = pets[1]
        features.toFloatArray().toList() shouldBe listOf(30f, 60f)
        label.dtype() shouldBe DType.INT64
        label.item() shouldBe 1.0

        Files.writeString(file, "1;2;0\n3;4;1\n")
        val integers = CsvDataset(file, hasHeader = false, delimiter = ';')
        integers.targets.toLongArray().toList() shouldBe listOf(0L, 1L)
        Files.writeString(file, "y,x\n0.5,1\n1.5,2\n")
        val regression = CsvDataset(file, targetIndex = 0)
        regression.targets.toFloatArray().toList() shouldBe listOf(0.5f, 1.5f)
        regression.features.toFloatArray().toList() shouldBe listOf(1f, 2f)

        Files.writeString(file, "a,b\nx,1\n")
        shouldThrow<IllegalArgumentException> { CsvDataset(file) }.message shouldContain "'x' is not a number"
    }

    test("ImageFolder labels images by sorted sub-directory and decodes PNG and JPEG") {
        val root = tempdir().toPath()
        fun write(path: Path, format: String, gray: Int) {
            Files.createDirectories(path.parent)
            val image = BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB)
            for (x in 0 until 3) for (y in 0 until 2) image.setRGB(x, y, (gray shl 16) or (gray shl 8) or gray)
            ImageIO.write(image, format, path.toFile()) shouldBe true
        }
        write(root.resolve("dog/b.png"), "png", 255)
        write(root.resolve("dog/a.png"), "png", 51)
        write(root.resolve("cat/only.jpg"), "jpg", 128)
        Files.writeString(root.resolve("cat/notes.txt"), "not an image")
        val folder = ImageFolder(root)
        folder.classes shouldBe listOf("cat", "dog")
        folder.samples.map { root.relativize(it.first).toString() to it.second } shouldBe
            listOf("cat/only.jpg" to 0, "dog/a.png" to 1, "dog/b.png" to 1)
        val (image, label) = folder[1]
        image.shape().toList() shouldBe listOf(3L, 2L, 3L)
        image.toFloatArray().toSet() shouldBe setOf(0.2f)
        label.item() shouldBe 1.0
        folder[0].input.shape().toList() shouldBe listOf(3L, 2L, 3L)
        folder.loader(batchSize = 3, workers = 2).asFlow().first().inputs.shape().toList() shouldBe listOf(3L, 3L, 2L, 3L)
    }

    val fashion = FashionMnist.DEFAULT_DIRECTORY
    test("FashionMnist reads the test set from Debian's files").config(enabled = Files.isDirectory(fashion)) {
        val test = FashionMnist.test()
        test.size shouldBe 10_000
        val (image, label) = test[0]
        image.shape().toList() shouldBe listOf(1L, 28L, 28L)
        image.dtype() shouldBe DType.FLOAT32
        label.item() shouldBe 9.0     // an ankle boot
        test.classes[9] shouldBe "Ankle boot"
        image.max().item() shouldBe 1.0
        image.min().item() shouldBe 0.0
        val (x, y) = test.loader(batchSize = 64, shuffle = true, workers = 2, seed = 1).asFlow().first()
        x.shape().toList() shouldBe listOf(64L, 1L, 28L, 28L)
        y.dtype() shouldBe DType.INT64
    }

    test("FashionMnist names the missing files") {
        val empty = tempdir().toPath()
        shouldThrow<java.io.UncheckedIOException> { FashionMnist.train(empty) }.message shouldContain "train-images-idx3-ubyte"
    }
})
