package dev.ember.tensor.io;

import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Reads and writes NumPy's {@code .npy} format (one array per file): float64, float32, float16,
 * int64, int32, int16, int8, uint8 and bool, little-endian. Files are written exactly as
 * {@code numpy.save} writes them (format 1.0, C order); C- and Fortran-order files of format
 * 1.0, 2.0 and 3.0 are read.
 *
 * <pre>{@code
 * Npy.save(Tensor.arange(6).view(2, 3), Path.of("a.npy"));   // np.load("a.npy") -> array([[0, 1, 2], [3, 4, 5]])
 * Tensor a = Npy.load(Path.of("a.npy"));
 * }</pre>
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy aligns the data to this many bytes. */
    private static final int ARRAY_ALIGN = 64;
    /** numpy pads the header so the first axis can grow to this many digits in place. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    /** Far above any real header; bounds what a corrupt length can make us allocate. */
    private static final int MAX_HEADER_BYTES = 1 << 20;

    private Npy() {}

    /** Saves {@code tensor} (any device or strides) to {@code path} in C order, replacing it atomically. */
    public static void save(Tensor tensor, Path path) throws IOException {
        byte[] header = header(descr(tensor.dtype()), tensor.shape());
        AtomicFiles.write(path, channel -> {
            AtomicFiles.writeFully(channel, ByteBuffer.wrap(header));
            SafeTensors.writeTensorData(channel, List.of(tensor));
        });
    }

    /**
     * Loads an {@code .npy} file into a CPU tensor.
     *
     * @throws TensorFileFormatException when the file is truncated, malformed or of an unsupported dtype
     */
    public static Tensor load(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            ByteBuffer prefix = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            while (prefix.hasRemaining() && channel.read(prefix) >= 0) {
                // keep reading: short files are diagnosed below
            }
            prefix.flip();
            if (prefix.remaining() < 10 || !startsWithMagic(prefix)) {
                throw new TensorFileFormatException(path, "not an .npy file: it does not start with \\x93NUMPY");
            }
            int major = prefix.get(6) & 0xFF;
            long headerBytes;
            int headerStart;
            if (major == 1) {
                headerBytes = prefix.getShort(8) & 0xFFFF;
                headerStart = 10;
            } else if (major == 2 || major == 3) {
                if (prefix.remaining() < 12) throw new TensorFileFormatException(path, "truncated .npy header");
                headerBytes = prefix.getInt(8) & 0xFFFFFFFFL;
                headerStart = 12;
            } else {
                throw new TensorFileFormatException(path, "unsupported .npy format version " + major + "." + (prefix.get(7) & 0xFF));
            }
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new TensorFileFormatException(path, "header length " + headerBytes + " is over the " + MAX_HEADER_BYTES + "-byte limit");
            }
            if (headerStart + headerBytes > fileSize) {
                throw new TensorFileFormatException(path, "header length " + headerBytes + " runs past the end of the file ("
                        + fileSize + " bytes): the file is truncated");
            }
            ByteBuffer headerBuffer = ByteBuffer.allocate((int) headerBytes);
            while (headerBuffer.hasRemaining()) {
                if (channel.read(headerBuffer, headerStart + headerBuffer.position()) < 0) {
                    throw new TensorFileFormatException(path, "truncated .npy header");
                }
            }
            String headerText = new String(headerBuffer.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            NpyHeader header;
            try {
                header = NpyHeader.parse(headerText);
            } catch (IllegalArgumentException e) {
                throw new TensorFileFormatException(path, e.getMessage(), e);
            }
            long dataStart = headerStart + headerBytes;
            long dataBytes = fileSize - dataStart;
            long expected;
            try {
                long numel = 1;
                for (long size : header.shape()) numel = Math.multiplyExact(numel, size);
                expected = Math.multiplyExact(numel, (long) header.dtype().byteSize());
            } catch (ArithmeticException e) {
                throw new TensorFileFormatException(path, "shape " + java.util.Arrays.toString(header.shape()) + " is too large");
            }
            if (dataBytes != expected) {
                throw new TensorFileFormatException(path, "shape " + java.util.Arrays.toString(header.shape()) + " of " + header.descr()
                        + " needs " + expected + " bytes of data, but the file has " + dataBytes
                        + (dataBytes < expected ? " (truncated)" : ""));
            }
            long[] shape = header.shape();
            long[] stored = header.fortranOrder() ? reversed(shape) : shape;
            Tensor tensor;
            if (expected == 0) {
                tensor = Tensor.fromBytes(new byte[0], header.dtype(), stored);
            } else {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart, dataBytes, arena);
                    tensor = Tensor.fromBytes(data, header.dtype(), stored);
                }
            }
            if (!header.fortranOrder() || shape.length < 2) return tensor;
            int[] order = new int[shape.length];
            for (int i = 0; i < order.length; i++) order[i] = order.length - 1 - i;
            return tensor.permute(order).contiguous();
        }
    }

    private static boolean startsWithMagic(ByteBuffer prefix) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (prefix.get(i) != MAGIC[i]) return false;
        }
        return true;
    }

    private static long[] reversed(long[] shape) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) out[i] = shape[shape.length - 1 - i];
        return out;
    }

    static String descr(DType dtype) {
        return switch (dtype) {
            case FLOAT64 -> "<f8";
            case FLOAT32 -> "<f4";
            case FLOAT16 -> "<f2";
            case INT64 -> "<i8";
            case INT32 -> "<i4";
            case INT16 -> "<i2";
            case INT8 -> "|i1";
            case UINT8 -> "|u1";
            case BOOL -> "|b1";
            case BFLOAT16 -> throw new IllegalArgumentException("npy: NumPy has no bfloat16 dtype; convert with to(DType.FLOAT32) first");
        };
    }

    /** The header exactly as numpy 1.24's {@code numpy.lib.format.write_array_header_1_0} builds it. */
    static byte[] header(String descr, long[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) dict.append(", ");
            dict.append(shape[i]);
        }
        if (shape.length == 1) dict.append(',');
        dict.append("), }");
        if (shape.length > 0) dict.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length())));
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int withNewline = text.length + 1;
        // numpy's formula: a header whose length is already aligned still gets a full block of padding.
        int padding = ARRAY_ALIGN - ((MAGIC.length + 2 + 2 + withNewline) % ARRAY_ALIGN);
        int headerLength = withNewline + padding;
        boolean version2 = headerLength > 0xFFFF;
        if (version2) {
            padding = ARRAY_ALIGN - ((MAGIC.length + 2 + 4 + withNewline) % ARRAY_ALIGN);
            headerLength = withNewline + padding;
        }
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 2 + (version2 ? 4 : 2) + headerLength).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) (version2 ? 2 : 1)).put((byte) 0);
        if (version2) out.putInt(headerLength);
        else out.putShort((short) headerLength);
        out.put(text);
        for (int i = 0; i < padding; i++) out.put((byte) ' ');
        out.put((byte) '\n');
        return out.array();
    }
}
