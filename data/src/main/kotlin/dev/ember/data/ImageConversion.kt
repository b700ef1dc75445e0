@file:JvmName("Transforms")
@file:JvmMultifileClass

package dev.ember.data

import dev.ember.devices.DType
import dev.ember.tensor.Tensor
import java.awt.image.BufferedImage

/**
 * An image to a float32 `[C, H, W]` tensor in `[0, 1]`, like `transforms.ToTensor`. Accepts a
 * [BufferedImage] (8-bit grayscale gives one channel, anything else three: RGB, alpha
 * dropped) or a uint8 tensor `[H, W]` or `[H, W, C]` (as IDX files store images).
 *
 * ```kotlin
 * val x = toTensor()(ImageIO.read(file))     // [3, H, W] float32
 * ```
 */
fun toTensor(): Transform<Any, Tensor> = Transform { input ->
    when (input) {
        is BufferedImage -> imageToTensor(input)
        is Tensor -> {
            require(input.dtype() == DType.UINT8) {
                "toTensor: expected a uint8 image tensor [H, W] or [H, W, C], but got a tensor of dtype ${input.dtype()}"
            }
            val chw = when (input.dim()) {
                2 -> input.unsqueeze(0)
                3 -> input.permute(2, 0, 1)
                else -> throw IllegalArgumentException(
                    "toTensor: expected a uint8 image tensor [H, W] or [H, W, C], but got input of size: ${input.shape().contentToString()}")
            }
            chw.to(DType.FLOAT32).div(255.0)
        }
        else -> throw IllegalArgumentException("toTensor: expected a BufferedImage or a uint8 tensor, but got ${input.javaClass.name}")
    }
}

private fun imageToTensor(image: BufferedImage): Tensor {
    val height = image.height.toLong()
    val width = image.width.toLong()
    if (image.type == BufferedImage.TYPE_BYTE_GRAY) {
        val gray = image.raster.getSamples(0, 0, image.width, image.height, 0, null as IntArray?)
        return Tensor.of(gray, 1, height, width).to(DType.FLOAT32).div(255.0)
    }
    val rgb = when (image.type) {
        BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR -> image
        // Palette, 16-bit and custom layouts: let Java2D convert to 8-bit RGB.
        else -> BufferedImage(image.width, image.height, BufferedImage.TYPE_INT_RGB).also { target ->
            val graphics = target.createGraphics()
            try {
                graphics.drawImage(image, 0, 0, null)
            } finally {
                graphics.dispose()
            }
        }
    }
    val bands = rgb.raster.numBands.toLong()
    // getPixels returns the colour model's band order (R, G, B[, A]) whatever the byte layout.
    val interleaved = rgb.raster.getPixels(0, 0, rgb.width, rgb.height, null as IntArray?)
    return Tensor.of(interleaved, height, width, bands).narrow(2, 0, 3).permute(2, 0, 1)
        .to(DType.FLOAT32).div(255.0).contiguous()
}
