package dev.ember.tensor.io;

import dev.ember.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the Hugging Face safetensors format: an 8-byte little-endian header length,
 * a JSON header naming each tensor's dtype, shape and byte range, then the tensors' raw
 * little-endian bytes. Files written here are byte-identical to the reference writer's
 * ({@code safetensors.torch.save_file}) for the same tensors and at most one metadata entry
 * (the reference orders several metadata entries by hash, Ember keeps the map's order).
 *
 * <p>Saving is atomic: a crash or error mid-save leaves any existing file untouched. Loading
 * validates the whole header before reading data and reports a truncated or malformed file as
 * a {@link TensorFileFormatException} naming the problem.
 *
 * <pre>{@code
 * SafeTensors.save(Map.of("weight", Tensor.randn(3, 4)), Path.of("model.safetensors"));
 * Map<String, Tensor> loaded = SafeTensors.load(Path.of("model.safetensors"));
 * }</pre>
 */
public final class SafeTensors {
    /** Tensors are copied to the file through a staging buffer of at most this size. */
    private static final long STAGING_BYTES = 8L << 20;

    private SafeTensors() {}

    /** Saves {@code tensors} (any device, dtype or strides) to {@code path}, replacing it atomically. */
    public static void save(Map<String, Tensor> tensors, Path path) throws IOException {
        save(tensors, path, null);
    }

    /**
     * Saves {@code tensors} with the string {@code metadata} stored under {@code "__metadata__"}
     * (null for none), replacing {@code path} atomically.
     *
     * <pre>{@code
     * SafeTensors.save(model.stateDict(), Path.of("model.safetensors"), Map.of("format", "pt"));
     * }</pre>
     */
    public static void save(Map<String, Tensor> tensors, Path path, Map<String, String> metadata) throws IOException {
        List<SafeTensorsHeader.Entry> order = new ArrayList<>();
        for (Map.Entry<String, Tensor> item : tensors.entrySet()) {
            String name = item.getKey();
            Tensor tensor = item.getValue();
            if (name == null) throw new IllegalArgumentException("safetensors: tensor names must not be null");
            if (name.equals(SafeTensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("safetensors: \"" + name + "\" is reserved for metadata and cannot name a tensor");
            }
            if (tensor == null) throw new IllegalArgumentException("safetensors: tensor '" + name + "' is null");
            order.add(new SafeTensorsHeader.Entry(name, tensor.dtype(), tensor.shape(), 0, 0));
        }
        if (metadata != null) {
            for (Map.Entry<String, String> item : metadata.entrySet()) {
                if (item.getKey() == null || item.getValue() == null) {
                    throw new IllegalArgumentException("safetensors: metadata keys and values must not be null, got " + item);
                }
            }
        }
        order.sort(SafeTensorsHeader.WRITE_ORDER);
        List<SafeTensorsHeader.Entry> entries = new ArrayList<>(order.size());
        List<Tensor> data = new ArrayList<>(order.size());
        long offset = 0;
        for (SafeTensorsHeader.Entry entry : order) {
            Tensor tensor = tensors.get(entry.name());
            long bytes = Math.multiplyExact(tensor.numel(), (long) tensor.dtype().byteSize());
            entries.add(new SafeTensorsHeader.Entry(entry.name(), entry.dtype(), entry.shape(), offset, offset + bytes));
            data.add(tensor);
            offset += bytes;
        }
        byte[] header = SafeTensorsHeader.write(entries, metadata);
        if (header.length > SafeTensorsHeader.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("safetensors: the header would be " + header.length + " bytes, over the "
                    + SafeTensorsHeader.MAX_HEADER_BYTES + "-byte limit that readers accept");
        }
        AtomicFiles.write(path, channel -> {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            AtomicFiles.writeFully(channel, prefix);
            AtomicFiles.writeFully(channel, ByteBuffer.wrap(header));
            writeTensorData(channel, data);
        });
    }

    /** Streams each tensor's bytes through one bounded staging buffer, so saving never needs a second copy of a model. */
    static void writeTensorData(FileChannel channel, List<Tensor> tensors) throws IOException {
        long largest = 0;
        for (Tensor tensor : tensors) largest = Math.max(largest, tensor.numel() * tensor.dtype().byteSize());
        if (largest == 0) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(Math.min(largest, STAGING_BYTES), 64);
            for (Tensor tensor : tensors) {
                if (tensor.numel() == 0) continue;
                Tensor flat = tensor.detach().contiguous().view(-1);
                long elementSize = tensor.dtype().byteSize();
                long chunkElements = staging.byteSize() / elementSize;
                for (long start = 0; start < flat.numel(); start += chunkElements) {
                    long length = Math.min(chunkElements, flat.numel() - start);
                    MemorySegment chunk = staging.asSlice(0, length * elementSize);
                    flat.narrow(0, start, length).copyTo(chunk);
                    AtomicFiles.writeFully(channel, chunk.asByteBuffer());
                }
            }
        }
    }

    /**
     * Loads every tensor of a safetensors file onto the CPU, in the order of their data in the file.
     *
     * @throws TensorFileFormatException when the file is truncated or its header is malformed
     */
    public static LinkedHashMap<String, Tensor> load(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            long headerBytes = readHeaderLength(channel, path, fileSize);
            SafeTensorsHeader.Parsed header = readHeader(channel, path, headerBytes, fileSize);
            LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
            long dataStart = 8 + headerBytes;
            long dataBytes = fileSize - dataStart;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment data = dataBytes == 0 ? MemorySegment.NULL
                        : channel.map(FileChannel.MapMode.READ_ONLY, dataStart, dataBytes, arena);
                for (SafeTensorsHeader.Entry entry : header.entries()) {
                    MemorySegment bytes = entry.end() == entry.begin() ? MemorySegment.ofArray(new byte[0])
                            : data.asSlice(entry.begin(), entry.end() - entry.begin());
                    tensors.put(entry.name(), Tensor.fromBytes(bytes, entry.dtype(), entry.shape()));
                }
            }
            return tensors;
        }
    }

    /**
     * The string metadata stored under {@code "__metadata__"} (empty when there is none), after
     * validating the header the same way {@link #load} does.
     */
    public static Map<String, String> loadMetadata(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            SafeTensorsHeader.Parsed header = readHeader(channel, path, readHeaderLength(channel, path, fileSize), fileSize);
            return header.metadata() == null ? Map.of() : header.metadata();
        }
    }

    private static long readHeaderLength(FileChannel channel, Path path, long fileSize) throws IOException {
        if (fileSize < 8) {
            throw new TensorFileFormatException(path, "not a safetensors file: it has " + fileSize
                    + " bytes, fewer than the 8 bytes of the header length");
        }
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, prefix, 0);
        long headerBytes = prefix.flip().getLong();
        if (headerBytes < 0 || headerBytes > SafeTensorsHeader.MAX_HEADER_BYTES) {
            throw new TensorFileFormatException(path, "header length " + Long.toUnsignedString(headerBytes)
                    + " is over the " + SafeTensorsHeader.MAX_HEADER_BYTES + "-byte limit: not a safetensors file, or corrupt");
        }
        if (8 + headerBytes > fileSize) {
            throw new TensorFileFormatException(path, "header length " + headerBytes + " runs past the end of the file ("
                    + fileSize + " bytes): the file is truncated or not a safetensors file");
        }
        return headerBytes;
    }

    private static SafeTensorsHeader.Parsed readHeader(FileChannel channel, Path path, long headerBytes, long fileSize)
            throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate((int) headerBytes);
        readFully(channel, bytes, 8);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(bytes.flip()).toString();
        } catch (CharacterCodingException e) {
            throw new TensorFileFormatException(path, "the header is not valid UTF-8", e);
        }
        try {
            return SafeTensorsHeader.parse(text, fileSize - 8 - headerBytes);
        } catch (IllegalArgumentException e) {
            throw new TensorFileFormatException(path, e.getMessage(), e);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) throw new java.io.EOFException("unexpected end of file after " + (position + buffer.position()) + " bytes");
        }
    }
}
