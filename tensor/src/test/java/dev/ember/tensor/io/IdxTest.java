package dev.ember.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path directory;

    @Test
    void readsImagesAsUint8WithTheFileShape() throws IOException {
        byte[] pixels = new byte[2 * 3 * 4];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) (i * 11);
        Path file = write("images-idx3-ubyte", idx(0x08, new int[] {2, 3, 4}, pixels));
        Tensor images = Idx.read(file);
        assertEquals(DType.UINT8, images.dtype());
        assertArrayEquals(new long[] {2, 3, 4}, images.shape());
        long[] values = images.toLongArray();
        for (int i = 0; i < pixels.length; i++) assertEquals(pixels[i] & 0xFF, values[i]);
        assertEquals(253, values[23]);
    }

    @Test
    void readsGzippedLabelsTransparently() throws IOException {
        Path file = write("labels-idx1-ubyte.gz", gzip(idx(0x08, new int[] {5}, new byte[] {9, 0, 0, 3, 7})));
        Tensor labels = Idx.read(file);
        assertArrayEquals(new long[] {5}, labels.shape());
        assertArrayEquals(new long[] {9, 0, 0, 3, 7}, labels.toLongArray());
    }

    @Test
    void readsTheOtherIdxTypesFromBigEndian() throws IOException {
        ByteBuffer floats = ByteBuffer.allocate(8).putFloat(1.5f).putFloat(-2f);
        assertArrayEquals(new float[] {1.5f, -2f}, Idx.read(write("f", idx(0x0D, new int[] {2}, floats.array()))).toFloatArray());
        ByteBuffer ints = ByteBuffer.allocate(8).putInt(-7).putInt(1 << 20);
        Tensor int32 = Idx.read(write("i", idx(0x0C, new int[] {1, 2}, ints.array())));
        assertEquals(DType.INT32, int32.dtype());
        assertArrayEquals(new int[] {-7, 1 << 20}, int32.toIntArray());
        ByteBuffer doubles = ByteBuffer.allocate(8).putDouble(Math.PI);
        assertEquals(Math.PI, Idx.read(write("d", idx(0x0E, new int[] {1}, doubles.array()))).item());
        assertArrayEquals(new long[] {-1, 5}, Idx.read(write("b", idx(0x09, new int[] {2}, new byte[] {-1, 5}))).toLongArray());
        ByteBuffer shorts = ByteBuffer.allocate(4).putShort((short) -300).putShort((short) 2);
        assertArrayEquals(new long[] {-300, 2}, Idx.read(write("s", idx(0x0B, new int[] {2}, shorts.array()))).toLongArray());
    }

    @Test
    void badMagicNumbersAreRejected() throws IOException {
        assertProblem(write("png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0}),
                "bad magic number 0x89504E47: not an IDX file (expected 0x0000TTDD with type TT in 08, 09, 0B, 0C, 0D, 0E"
                        + " and 1 to 16 dimensions DD, e.g. 0x00000803 for images)");
        assertProblem(write("type", idx(0x07, new int[] {1}, new byte[1])), "bad magic number 0x00000701");
        assertProblem(write("zero-dims", new byte[] {0, 0, 8, 0}), "bad magic number 0x00000800");
        assertProblem(write("tiny", new byte[] {0, 0}), "not an IDX file: it has only 2 bytes, fewer than the 4-byte magic number");
    }

    @Test
    void sizeMismatchesAndTruncationAreRejected() throws IOException {
        byte[] good = idx(0x08, new int[] {2, 2}, new byte[] {1, 2, 3, 4});
        assertProblem(write("short-data", Arrays.copyOf(good, good.length - 1)),
                "truncated IDX data: shape [2, 2] of uint8 needs 4 bytes, but only 3 follow the header");
        assertProblem(write("short-header", Arrays.copyOf(good, 9)),
                "truncated IDX header: 2 dimension sizes expected, the file ends after 9 bytes");
        assertProblem(write("long", Arrays.copyOf(good, good.length + 2)),
                "IDX size mismatch: data continues past the 4 bytes that shape [2, 2] of uint8 needs");
        assertProblem(write("huge", idx(0x08, new int[] {-1, -1, -1}, new byte[0])),
                "IDX shape [4294967295, 4294967295, 4294967295] of uint8 needs too many bytes, more than the reader supports");
        assertProblem(write("lying.gz", gzip(idx(0x08, new int[] {60000, 28, 28}, new byte[10]))),
                "truncated IDX data: shape [60000, 28, 28] of uint8 needs 47040000 bytes, but only 10 follow the header");
        byte[] compressed = gzip(good);
        assertProblem(write("cut.gz", Arrays.copyOf(compressed, compressed.length - 10)), "corrupt or truncated gzip data");
    }

    @Test
    void readsTheFirstFashionMnistLabelsWhenInstalled() throws IOException {
        Path labelsFile = FASHION_MNIST.resolve("train-labels-idx1-ubyte.gz");
        Assumptions.assumeTrue(Files.isReadable(labelsFile), "Fashion-MNIST is not installed at " + FASHION_MNIST);
        Tensor labels = Idx.read(labelsFile);
        assertArrayEquals(new long[] {60000}, labels.shape());
        // The first training labels of Fashion-MNIST: ankle boot, t-shirt, t-shirt, dress, t-shirt, pullover.
        assertArrayEquals(new long[] {9, 0, 0, 3, 0, 2}, labels.narrow(0, 0, 6).toLongArray());
        assertEquals(6000.0, labels.eq(Tensor.scalar(9L).to(DType.UINT8)).sum().item());
    }

    /** The subset committed for the sample's fallback (tools/datasets/make_subset.py): class-balanced and readable. */
    @Test
    void theCommittedFashionMnistSubsetIsBalancedAndReadable() throws IOException {
        Path subset = Path.of("..", "samples", "src", "main", "resources", "fashion-mnist-subset");
        Assumptions.assumeTrue(Files.isDirectory(subset), "run from the tensor module of a full checkout");
        for (String split : new String[] {"train", "t10k"}) {
            Tensor images = Idx.read(subset.resolve(split + "-images-idx3-ubyte.gz"));
            Tensor labels = Idx.read(subset.resolve(split + "-labels-idx1-ubyte.gz"));
            long perClass = split.equals("train") ? 200 : 50;
            assertArrayEquals(new long[] {10 * perClass, 28, 28}, images.shape());
            assertArrayEquals(new long[] {10 * perClass}, labels.shape());
            long[] counts = new long[10];
            for (long label : labels.toLongArray()) counts[(int) label]++;
            long[] expected = new long[10];
            Arrays.fill(expected, perClass);
            assertArrayEquals(expected, counts, split);
        }
    }

    private void assertProblem(Path file, String problemStart) {
        String message = assertThrows(TensorFileFormatException.class, () -> Idx.read(file)).getMessage();
        assertTrue(message.startsWith(file + ": " + problemStart), message);
    }

    static byte[] idx(int type, int[] sizes, byte[] data) {
        ByteBuffer out = ByteBuffer.allocate(4 + 4 * sizes.length + data.length);
        out.put((byte) 0).put((byte) 0).put((byte) type).put((byte) sizes.length);
        for (int size : sizes) out.putInt(size);
        return out.put(data).array();
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = directory.resolve(name);
        Files.write(file, bytes);
        return file;
    }
}
