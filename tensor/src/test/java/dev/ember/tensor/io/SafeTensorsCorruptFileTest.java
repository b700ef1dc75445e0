package dev.ember.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsCorruptFileTest {
    @TempDir
    Path directory;

    @Test
    void truncatedFilesAreReportedAtEveryCutPoint() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.ones(4, 4));
        tensors.put("b", Tensor.arange(10));
        Path good = directory.resolve("good.safetensors");
        SafeTensors.save(tensors, good);
        byte[] bytes = Files.readAllBytes(good);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int dataStart = (int) (8 + headerLength);
        int[] cuts = {0, 3, 7, 8, 20, dataStart - 1, dataStart, dataStart + 5, bytes.length - 1};
        for (int cut : cuts) {
            Path truncated = write("cut" + cut, Arrays.copyOf(bytes, cut));
            String message = assertThrows(TensorFileFormatException.class, () -> SafeTensors.load(truncated), "cut at " + cut)
                    .getMessage();
            assertTrue(message.startsWith(truncated.toString() + ": "), message);
            if (cut < 8) {
                assertTrue(message.contains("fewer than the 8 bytes of the header length"), message);
            } else if (cut < dataStart) {
                assertTrue(message.contains("runs past the end of the file (" + cut + " bytes)"), message);
            } else {
                assertTrue(message.contains("the file is truncated: its header describes " + (bytes.length - dataStart)
                        + " bytes of tensor data, but only " + (cut - dataStart) + " follow the header"), message);
            }
        }
    }

    @Test
    void aGarbageHeaderLengthIsRejectedWithoutAllocatingIt() throws IOException {
        for (long length : new long[] {-1L, 0x7FFF_FFFF_FFFF_FFFFL, 100_000_001L, 1L << 40}) {
            byte[] bytes = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array();
            Path file = write("garbage" + length, bytes);
            String message = assertThrows(TensorFileFormatException.class, () -> SafeTensors.load(file)).getMessage();
            assertTrue(message.contains("over the 100000000-byte limit"), message);
        }
        Path plausible = write("plausible", withHeader("{}", 0, 1000));
        String message = assertThrows(TensorFileFormatException.class, () -> SafeTensors.load(plausible)).getMessage();
        assertTrue(message.contains("header length 1000 runs past the end of the file (10 bytes)"), message);
    }

    @Test
    void invalidJsonIsReportedWithItsOffset() {
        assertProblem("{\"a\": {\"dtype\": \"F32\",", 0, "the header is not valid JSON (invalid JSON at offset 22: expected a string key (at end of input))");
        assertProblem("{\"a\": [1, 2,]}", 0, "the header is not valid JSON (invalid JSON at offset 12: unexpected character ']')");
        assertProblem("not json", 0, "the header is not valid JSON (invalid JSON at offset 0: unexpected character 'n')");
        assertProblem("[1, 2]", 0, "the header is not a JSON object");
        assertProblem("{\"a\": 1, \"a\": 2}", 0, "the header is not valid JSON (invalid JSON at offset 9: duplicate key \"a\")");
        assertProblem("[".repeat(100_000), 0, "the header is not valid JSON (invalid JSON at offset 65: nesting deeper than 64 levels)");
    }

    @Test
    void invalidUtf8InTheHeaderIsReported() throws IOException {
        byte[] bytes = withHeader("{\"a\":1}", 0, -1);
        bytes[10] = (byte) 0xFF;
        Path file = write("utf8", bytes);
        assertEquals(file + ": the header is not valid UTF-8",
                assertThrows(TensorFileFormatException.class, () -> SafeTensors.load(file)).getMessage());
    }

    @Test
    void unknownAndUnsupportedDtypesAreNamed() {
        assertProblem(entry("w", "F33", "[1]", 0, 4), 4, "tensor 'w' has unknown dtype \"F33\"");
        assertProblem(entry("w", "U16", "[2]", 0, 4), 4,
                "tensor 'w' has dtype U16, which Ember does not support (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
        assertProblem("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
                "tensor 'w' has no string \"dtype\" (got nothing (null or missing))");
    }

    @Test
    void malformedShapesAndOffsetsAreNamed() {
        assertProblem(entry("w", "F32", "[-1]", 0, 4), 4,
                "tensor 'w' needs \"shape\" as an array of non-negative integers, but got [-1]");
        assertProblem(entry("w", "F32", "[1.5]", 0, 4), 4,
                "tensor 'w' needs \"shape\" as an array of non-negative integers, but got [1.5]");
        assertProblem("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4,
                "tensor 'w' needs \"data_offsets\" as an array of 2 non-negative integers, but got [0]");
        assertProblem(entry("w", "F32", "[1]", 4, 0), 4, "tensor 'w' has data_offsets [4, 0] that end before they begin");
        assertProblem(entry("w", "F32", "[2, 2]", 0, 12), 12,
                "tensor 'w' of shape [2, 2] and dtype F32 needs 16 bytes, but its data_offsets [0, 12] span 12");
        assertProblem(entry("w", "F32", "[4611686018427387904, 4]", 0, 4), 4,
                "tensor 'w' has a shape [4611686018427387904, 4] too large to address");
        assertProblem(entry("w", "F32", "[99999999999999999999]", 0, 4), 4,
                "tensor 'w' has \"shape\" value 99999999999999999999 out of range");
        assertProblem("{\"w\":[1,2]}", 4, "the entry of tensor 'w' must be an object, but is [1, 2]");
        assertProblem("{\"__metadata__\":{\"k\":1}}", 0, "\"__metadata__\" value for key 'k' must be a string, but is 1");
    }

    @Test
    void offsetsPastTheEndOverlappingOrLeavingGapsAreRejected() {
        assertProblem(entry("w", "F32", "[4]", 0, 16), 8,
                "the file is truncated: its header describes 16 bytes of tensor data, but only 8 follow the header");
        assertProblem("{" + pair("a", 0, 8) + "," + pair("b", 4, 12) + "}", 12,
                "the data of tensor 'b' (bytes 4 to 12) overlaps the previous tensor, which ends at byte 8");
        assertProblem("{" + pair("a", 0, 8) + "," + pair("b", 12, 20) + "}", 20,
                "bytes 8 to 12 of the data section belong to no tensor (the next one, 'b', starts at 12)");
        assertProblem("{" + pair("a", 8, 16) + "}", 16,
                "bytes 0 to 8 of the data section belong to no tensor (the next one, 'a', starts at 8)");
        assertProblem(entry("w", "F32", "[2]", 0, 8), 12,
                "4 bytes after the last tensor's data belong to no tensor (header describes 8 bytes, the data section has 12)");
    }

    @Test
    void loadMetadataValidatesTheHeaderToo() throws IOException {
        Path file = write("bad-meta", withHeader(entry("w", "F32", "[2]", 0, 8), 4, -1));
        assertThrows(TensorFileFormatException.class, () -> SafeTensors.loadMetadata(file));
    }

    @Test
    void aMissingFileIsAnIoErrorNamingIt() {
        Path missing = directory.resolve("missing.safetensors");
        var error = assertThrows(java.nio.file.NoSuchFileException.class, () -> SafeTensors.load(missing));
        assertTrue(error.getMessage().contains("missing.safetensors"));
    }

    private void assertProblem(String header, int dataBytes, String problem) {
        try {
            Path file = write("case", withHeader(header, dataBytes, -1));
            String message = assertThrows(TensorFileFormatException.class, () -> SafeTensors.load(file), header).getMessage();
            assertEquals(file + ": " + problem, message);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "{\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}}";
    }

    private static String pair(String name, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[" + (end - begin) / 4 + "],\"data_offsets\":[" + begin + "," + end + "]}";
    }

    /** A file with this header text and {@code dataBytes} zero bytes of data; {@code declaredLength} -1 means the true length. */
    private static byte[] withHeader(String header, int dataBytes, long declaredLength) {
        byte[] text = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + text.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(declaredLength < 0 ? text.length : declaredLength).put(text);
        return out.array();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = directory.resolve(name + ".safetensors");
        Files.write(file, bytes);
        return file;
    }
}
