package dev.ember.tensor.io;

import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST, Fashion-MNIST, KMNIST and EMNIST: a big-endian magic
 * number {@code 0x0000TTDD} (TT the element type, DD the number of dimensions), DD big-endian
 * 32-bit sizes, then the elements in row-major order. Gzip-compressed files ({@code .gz}) are
 * recognised by their content and decompressed transparently.
 *
 * <pre>{@code
 * Tensor images = Idx.read(Path.of("train-images-idx3-ubyte.gz"));   // uint8, [60000, 28, 28]
 * Tensor labels = Idx.read(Path.of("train-labels-idx1-ubyte.gz"));   // uint8, [60000]
 * }</pre>
 */
public final class Idx {
    /** No real IDX file has more dimensions; a larger count means the file is not IDX. */
    private static final int MAX_DIMENSIONS = 16;

    private Idx() {}

    /**
     * The tensor stored in an IDX file: uint8 for the MNIST family (type 0x08), or int8, int16,
     * int32, float32, float64 for the other IDX types, with the file's shape.
     *
     * @throws TensorFileFormatException for a bad magic number or a size that does not match the data
     */
    public static Tensor read(Path path) throws IOException {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            file.mark(2);
            boolean gzip = file.read() == 0x1f && file.read() == 0x8b;
            file.reset();
            try (DataInputStream in = new DataInputStream(gzip ? new GZIPInputStream(file, 1 << 16) : file)) {
                return read(in, path);
            } catch (ZipException | EOFException e) {
                if (e instanceof EOFException && !gzip) throw e;
                throw new TensorFileFormatException(path, "corrupt or truncated gzip data (" + e.getMessage() + ")", e);
            }
        }
    }

    private static Tensor read(DataInputStream in, Path path) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new TensorFileFormatException(path, "not an IDX file: it has only " + magic.length + " bytes, fewer than the 4-byte magic number");
        }
        int magicNumber = ByteBuffer.wrap(magic).getInt();
        DType dtype = magic[0] == 0 && magic[1] == 0 ? dtypeOf(magic[2]) : null;
        int dimensions = magic[3] & 0xFF;
        if (dtype == null || dimensions == 0 || dimensions > MAX_DIMENSIONS) {
            throw new TensorFileFormatException(path, String.format("bad magic number 0x%08X: not an IDX file (expected 0x0000TTDD "
                    + "with type TT in 08, 09, 0B, 0C, 0D, 0E and 1 to %d dimensions DD, e.g. 0x00000803 for images)",
                    magicNumber, MAX_DIMENSIONS));
        }
        byte[] sizeBytes = in.readNBytes(4 * dimensions);
        if (sizeBytes.length < 4 * dimensions) {
            throw new TensorFileFormatException(path, "truncated IDX header: " + dimensions + " dimension sizes expected, the file ends after "
                    + (4 + sizeBytes.length) + " bytes");
        }
        ByteBuffer sizes = ByteBuffer.wrap(sizeBytes);
        long[] shape = new long[dimensions];
        long bytes = dtype.byteSize();
        for (int i = 0; i < dimensions; i++) {
            shape[i] = sizes.getInt() & 0xFFFFFFFFL;
            bytes = multiplyOrOverflow(bytes, shape[i]);
        }
        if (bytes < 0 || bytes > Integer.MAX_VALUE - 8) {
            throw new TensorFileFormatException(path, "IDX shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + (bytes < 0 ? "too many" : Long.toString(bytes)) + " bytes, more than the reader supports");
        }
        // readNBytes grows its buffer as data arrives, so a lying header cannot force a huge allocation.
        byte[] data = in.readNBytes((int) bytes);
        if (data.length < bytes) {
            throw new TensorFileFormatException(path, "truncated IDX data: shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + bytes + " bytes, but only " + data.length + " follow the header");
        }
        if (in.read() >= 0) {
            throw new TensorFileFormatException(path, "IDX size mismatch: data continues past the " + bytes + " bytes that shape "
                    + Arrays.toString(shape) + " of " + dtype + " needs");
        }
        return Tensor.fromBytes(dtype.byteSize() == 1 ? data : toLittleEndian(data, dtype), dtype, shape);
    }

    private static long multiplyOrOverflow(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    private static DType dtypeOf(byte code) {
        return switch (code) {
            case 0x08 -> DType.UINT8;
            case 0x09 -> DType.INT8;
            case 0x0B -> DType.INT16;
            case 0x0C -> DType.INT32;
            case 0x0D -> DType.FLOAT32;
            case 0x0E -> DType.FLOAT64;
            default -> null;
        };
    }

    private static byte[] toLittleEndian(byte[] bigEndian, DType dtype) {
        byte[] out = new byte[bigEndian.length];
        ByteBuffer source = ByteBuffer.wrap(bigEndian).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer target = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype.byteSize()) {
            case 2 -> target.asShortBuffer().put(source.asShortBuffer());
            case 4 -> target.asIntBuffer().put(source.asIntBuffer());
            case 8 -> target.asLongBuffer().put(source.asLongBuffer());
            default -> throw new IllegalStateException("unexpected element size " + dtype.byteSize());
        }
        return out;
    }
}
