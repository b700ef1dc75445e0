package dev.ember.tensor.io;

import static dev.ember.tensor.io.TensorValues.assertTensor;
import static dev.ember.tensor.io.TensorValues.longs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    private static final String FIXTURES = "/fixtures/safetensors/";
    /** Ember-written files kept for checking with the reference reader (see tools/fixtures/README.md). */
    private static final Path WRITTEN = Path.of("target", "safetensors-written");

    @TempDir
    Path directory;

    @Test
    void everyDtypeRoundTripsExactly() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        TensorValues.oneOfEachDtype().forEach((dtype, tensor) -> tensors.put(dtype.pytorchName(), tensor));
        Path file = directory.resolve("all.safetensors");
        SafeTensors.save(tensors, file);
        Map<String, Tensor> loaded = SafeTensors.load(file);
        assertEquals(tensors.keySet(), loaded.keySet());
        for (var entry : tensors.entrySet()) {
            Tensor expected = entry.getValue();
            Tensor actual = loaded.get(entry.getKey());
            assertEquals(expected.dtype(), actual.dtype(), entry.getKey());
            assertArrayEquals(expected.shape(), actual.shape(), entry.getKey());
            assertArrayEquals(expected.toByteArray(), actual.toByteArray(), entry.getKey());
        }
    }

    @Test
    void nonContiguousInputsAreSavedInRowMajorOrder() throws IOException {
        Tensor base = Tensor.arange(24).view(2, 3, 4);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("transposed", base.transpose(0, 2).to(DType.FLOAT32));
        tensors.put("transposedView", base.to(DType.FLOAT64).transpose(1, 2));
        tensors.put("sliced", base.slice(2, 1, 4, 2));
        tensors.put("expanded", Tensor.of(new int[] {1, 2, 3}, 3).expand(2, 3));
        tensors.put("narrowed", base.to(DType.INT16).narrow(0, 1, 1));
        Path file = directory.resolve("views.safetensors");
        SafeTensors.save(tensors, file);
        Map<String, Tensor> loaded = SafeTensors.load(file);
        for (var entry : tensors.entrySet()) {
            Tensor actual = loaded.get(entry.getKey());
            assertTrue(actual.isContiguous(), entry.getKey());
            assertArrayEquals(entry.getValue().shape(), actual.shape(), entry.getKey());
            assertArrayEquals(entry.getValue().toDoubleArray(), actual.toDoubleArray(), entry.getKey());
            assertArrayEquals(entry.getValue().contiguous().toByteArray(), actual.toByteArray(), entry.getKey());
        }
    }

    @Test
    void zeroDimAndEmptyTensorsRoundTrip() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("scalar", Tensor.scalar(2.5));
        tensors.put("emptyRows", Tensor.zeros(0, 5));
        tensors.put("emptyLong", Tensor.zeros(DType.INT64, 3, 0, 2));
        tensors.put("scalarBool", Tensor.scalar(true));
        Path file = directory.resolve("small.safetensors");
        SafeTensors.save(tensors, file);
        Map<String, Tensor> loaded = SafeTensors.load(file);
        assertArrayEquals(new long[0], loaded.get("scalar").shape());
        assertEquals(DType.FLOAT64, loaded.get("scalar").dtype());
        assertEquals(2.5, loaded.get("scalar").item());
        assertArrayEquals(new long[] {0, 5}, loaded.get("emptyRows").shape());
        assertArrayEquals(new long[] {3, 0, 2}, loaded.get("emptyLong").shape());
        assertEquals(DType.INT64, loaded.get("emptyLong").dtype());
        assertEquals(1.0, loaded.get("scalarBool").item());
    }

    @Test
    void anEmptyMapMakesAValidFile() throws IOException {
        Path file = directory.resolve("nothing.safetensors");
        SafeTensors.save(Map.of(), file);
        assertArrayEquals(new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '}, Files.readAllBytes(file));
        assertTrue(SafeTensors.load(file).isEmpty());
    }

    @Test
    void fixturesWrittenByTheReferenceLayoutLoadWithTheirValues() throws IOException {
        Map<?, ?> expected = TensorValues.resourceJson(FIXTURES + "expected.json");
        assertEquals(2, expected.size());
        for (var fileEntry : expected.entrySet()) {
            String fileName = (String) fileEntry.getKey();
            Map<?, ?> description = (Map<?, ?>) fileEntry.getValue();
            Path file = copyFixture(fileName);
            Map<String, Tensor> loaded = SafeTensors.load(file);
            Map<?, ?> tensors = (Map<?, ?>) description.get("tensors");
            assertEquals(tensors.keySet(), loaded.keySet(), fileName);
            for (var tensorEntry : tensors.entrySet()) {
                Map<?, ?> info = (Map<?, ?>) tensorEntry.getValue();
                DType dtype = dtypeOf((String) info.get("dtype"));
                assertTensor(fileName + " " + tensorEntry.getKey(), dtype, longs(info.get("shape")), (List<?>) info.get("data"),
                        loaded.get((String) tensorEntry.getKey()));
            }
            Object metadata = description.get("metadata");
            assertEquals(metadata == null ? Map.of() : metadata, SafeTensors.loadMetadata(file), fileName);
        }
    }

    @Test
    void savingTheFixturesTensorsReproducesTheReferenceBytesExactly() throws IOException {
        for (String fileName : List.of("all_dtypes.safetensors", "shapes_and_names.safetensors")) {
            Path fixture = copyFixture(fileName);
            // A different insertion order than the file's: the writer must sort as the reference does.
            List<Map.Entry<String, Tensor>> entries = new ArrayList<>(SafeTensors.load(fixture).entrySet());
            java.util.Collections.reverse(entries);
            Map<String, Tensor> reordered = new LinkedHashMap<>();
            for (var entry : entries) reordered.put(entry.getKey(), entry.getValue());
            Map<String, String> metadata = SafeTensors.loadMetadata(fixture);
            Path copy = directory.resolve("copy-" + fileName);
            SafeTensors.save(reordered, copy, metadata.isEmpty() ? null : metadata);
            assertArrayEquals(Files.readAllBytes(fixture), Files.readAllBytes(copy), fileName);
        }
    }

    @Test
    void headerIsCompactJsonPaddedToEightBytesWithTensorsSortedByAlignmentThenName() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b", Tensor.of(new float[] {1}, 1));
        tensors.put("mask", Tensor.of(new boolean[] {true}, 1));
        tensors.put("a", Tensor.of(new float[] {2, 3}, 2));
        tensors.put("step", Tensor.of(new long[] {9}, 1));
        Path file = directory.resolve("order.safetensors");
        SafeTensors.save(tensors, file, Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertEquals("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"step\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]},"
                + "\"mask\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[20,21]}}", header.stripTrailing());
        assertEquals(8 + headerLength + 21, bytes.length);
        assertEquals(9, bytes[(int) (8 + headerLength)]);
    }

    @Test
    void metadataRoundTripsWithEscapesAndUnicode() throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("note", "line\nbreak \"quoted\" \\ tab\t \u00e9\u540d \u0001");
        Path file = directory.resolve("meta.safetensors");
        SafeTensors.save(Map.of("w", Tensor.ones(2)), file, metadata);
        assertEquals(metadata, SafeTensors.loadMetadata(file));
        assertTrue(SafeTensors.loadMetadata(writeEmberFile("no-metadata.safetensors", Map.of("w", Tensor.ones(1)), null)).isEmpty());
    }

    @Test
    void savingRejectsTheReservedMetadataNameAndNulls() {
        Path file = directory.resolve("bad.safetensors");
        var reserved = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.save(Map.of("__metadata__", Tensor.ones(1)), file));
        assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
        Map<String, Tensor> withNull = new LinkedHashMap<>();
        withNull.put("w", null);
        var nullTensor = assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(withNull, file));
        assertEquals("safetensors: tensor 'w' is null", nullTensor.getMessage());
        assertTrue(Files.notExists(file));
    }

    @Test
    void tensorsThatRequireGradAreSavedWithoutTheirHistory() throws IOException {
        Tensor weight = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad_(true);
        Path file = directory.resolve("grad.safetensors");
        SafeTensors.save(Map.of("weight", weight.t()), file);
        Tensor loaded = SafeTensors.load(file).get("weight");
        assertArrayEquals(new float[] {1, 3, 2, 4}, loaded.toFloatArray());
        assertTrue(!loaded.requiresGrad());
    }

    @Test
    void largeTensorsAreStreamedInChunksCorrectly() throws IOException {
        Tensor big = Tensor.arange(0, 1_500_000).view(500, 3000).t();   // 12 MB of int64, non-contiguous: two staging chunks
        Path file = directory.resolve("big.safetensors");
        SafeTensors.save(Map.of("big", big, "small", Tensor.ones(3)), file);
        Tensor loaded = SafeTensors.load(file).get("big");
        assertArrayEquals(new long[] {3000, 500}, loaded.shape());
        assertArrayEquals(big.toLongArray(), loaded.toLongArray());
    }

    /** Writes the Ember files that tools/fixtures/README.md checks with the reference reader. */
    @Test
    void writesEmberFilesForTheReferenceCheck() throws IOException {
        Files.createDirectories(WRITTEN);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        TensorValues.oneOfEachDtype().forEach((dtype, tensor) -> tensors.put(dtype.pytorchName(), tensor.t()));
        tensors.put("scalar", Tensor.scalar(1.25f));
        tensors.put("empty", Tensor.zeros(0, 4));
        Path written = WRITTEN.resolve("ember_all_dtypes.safetensors");
        SafeTensors.save(tensors, written, Map.of("format", "pt"));
        assertEquals(tensors.size(), SafeTensors.load(written).size());
    }

    private Path writeEmberFile(String name, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Path file = directory.resolve(name);
        SafeTensors.save(tensors, file, metadata);
        return file;
    }

    private Path copyFixture(String fileName) throws IOException {
        Path file = directory.resolve(fileName);
        try (InputStream in = getClass().getResourceAsStream(FIXTURES + fileName)) {
            if (in == null) throw new IllegalStateException("missing fixture " + fileName);
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    static DType dtypeOf(String safetensorsName) {
        for (DType dtype : DType.values()) {
            if (SafeTensorsHeader.dtypeName(dtype).equals(safetensorsName)) return dtype;
        }
        throw new IllegalArgumentException(safetensorsName);
    }
}
