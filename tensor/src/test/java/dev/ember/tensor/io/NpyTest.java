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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    private static final String FIXTURES = "/fixtures/npy/";

    @TempDir
    Path directory;

    @Test
    void filesWrittenByNumpyLoadWithTheirValues() throws IOException {
        Map<?, ?> expected = TensorValues.resourceJson(FIXTURES + "expected.json");
        assertEquals(13, expected.size());
        for (var entry : expected.entrySet()) {
            Map<?, ?> info = (Map<?, ?>) entry.getValue();
            Tensor loaded = Npy.load(copyFixture(entry.getKey() + ".npy"));
            assertTensor((String) entry.getKey(), dtypeOf((String) info.get("dtype")), longs(info.get("shape")),
                    (List<?>) info.get("data"), loaded);
            assertTrue(loaded.isContiguous());
        }
    }

    @Test
    void savedFilesAreByteIdenticalToNumpySave() throws IOException {
        Map<?, ?> expected = TensorValues.resourceJson(FIXTURES + "expected.json");
        for (var entry : expected.entrySet()) {
            if (Boolean.TRUE.equals(((Map<?, ?>) entry.getValue()).get("fortran_order"))) continue;   // Ember writes C order only
            Path fixture = copyFixture(entry.getKey() + ".npy");
            Path saved = directory.resolve("ember-" + entry.getKey() + ".npy");
            Npy.save(Npy.load(fixture), saved);
            assertArrayEquals(Files.readAllBytes(fixture), Files.readAllBytes(saved), (String) entry.getKey());
        }
    }

    @Test
    void nonContiguousTensorsAreSavedInCOrder() throws IOException {
        Tensor transposed = Tensor.arange(6).view(2, 3).t();
        Path file = directory.resolve("t.npy");
        Npy.save(transposed, file);
        Tensor loaded = Npy.load(file);
        assertArrayEquals(new long[] {3, 2}, loaded.shape());
        assertArrayEquals(new long[] {0, 3, 1, 4, 2, 5}, loaded.toLongArray());
    }

    @Test
    void headerFollowsNumpysLayout() {
        byte[] header = Npy.header("<f4", new long[] {2, 3});
        assertEquals(0, header.length % 64);
        assertEquals('\n', header[header.length - 1]);
        String text = new String(header, 10, header.length - 10, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), text);
        assertTrue(new String(Npy.header("|b1", new long[] {7}), StandardCharsets.ISO_8859_1).contains("'shape': (7,), }"));
        assertTrue(new String(Npy.header("<i8", new long[0]), StandardCharsets.ISO_8859_1).contains("'shape': (), }"));
    }

    @Test
    void bfloat16IsRejectedBecauseNumpyHasNoSuchDtype() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> Npy.save(Tensor.ones(2).to(DType.BFLOAT16), directory.resolve("b.npy")));
        assertEquals("npy: NumPy has no bfloat16 dtype; convert with to(DType.FLOAT32) first", error.getMessage());
    }

    @Test
    void corruptFilesGiveClearErrors() throws IOException {
        Path good = directory.resolve("good.npy");
        Npy.save(Tensor.ones(4, 4), good);
        byte[] bytes = Files.readAllBytes(good);

        assertProblem(Arrays.copyOf(bytes, 5), "not an .npy file: it does not start with \\x93NUMPY");
        assertProblem("PK\u0003\u0004 zip".getBytes(StandardCharsets.ISO_8859_1), "not an .npy file: it does not start with \\x93NUMPY");
        assertProblem(Arrays.copyOf(bytes, 40), "header length 118 runs past the end of the file (40 bytes): the file is truncated");
        assertProblem(Arrays.copyOf(bytes, bytes.length - 3),
                "shape [4, 4] of <f4 needs 64 bytes of data, but the file has 61 (truncated)");
        byte[] version9 = bytes.clone();
        version9[6] = 9;
        assertProblem(version9, "unsupported .npy format version 9.0");
        assertProblem(replaceInHeader(bytes, "'<f4'", "'<c8'"),
                "unsupported .npy dtype '<c8' (supported: f8, f4, f2, i8, i4, i2, i1, u1, b1)");
        assertProblem(replaceInHeader(bytes, "'<f4'", "'>f4'"), "big-endian .npy data ('>f4') is not supported; save it little-endian");
        assertProblem(replaceInHeader(bytes, "(4, 4)", "(4, x)"),
                "malformed .npy header at offset 54 (unexpected character 'x'): "
                        + "{'descr': '<f4', 'fortran_order': False, 'shape': (4, x), }");
    }

    @Test
    void versionTwoHeadersAreRead() throws IOException {
        byte[] v1 = Npy.header("<i4", new long[] {2});
        String dict = new String(v1, 10, v1.length - 10, StandardCharsets.ISO_8859_1);
        byte[] text = dict.getBytes(StandardCharsets.ISO_8859_1);
        java.nio.ByteBuffer file = java.nio.ByteBuffer.allocate(12 + text.length + 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        file.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(text.length).put(text).putInt(7).putInt(-8);
        Path path = directory.resolve("v2.npy");
        Files.write(path, file.array());
        assertArrayEquals(new int[] {7, -8}, Npy.load(path).toIntArray());
    }

    private void assertProblem(byte[] bytes, String problem) throws IOException {
        Path file = directory.resolve("bad.npy");
        Files.write(file, bytes);
        assertEquals(file + ": " + problem, assertThrows(TensorFileFormatException.class, () -> Npy.load(file)).getMessage());
    }

    private static byte[] replaceInHeader(byte[] bytes, String from, String to) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertEquals(from.length(), to.length());
        return text.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }

    private Path copyFixture(String fileName) throws IOException {
        Path file = directory.resolve(fileName);
        try (InputStream in = getClass().getResourceAsStream(FIXTURES + fileName)) {
            if (in == null) throw new IllegalStateException("missing fixture " + fileName);
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    private static DType dtypeOf(String numpyName) {
        for (DType dtype : DType.values()) {
            if (dtype.pytorchName().equals(numpyName)) return dtype;
        }
        throw new IllegalArgumentException(numpyName);
    }
}
