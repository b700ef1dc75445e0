package dev.ember.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsAtomicSaveTest {
    @TempDir
    Path directory;

    @Test
    void aSaveThatFailsMidwayLeavesTheOldFileIntactAndNoTemporaryFiles() throws IOException {
        Path checkpoint = directory.resolve("model.safetensors");
        SafeTensors.save(Map.of("weight", Tensor.ones(3)), checkpoint);
        byte[] before = Files.readAllBytes(checkpoint);

        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a_first", Tensor.randn(1000));   // written before the failure
        Tensor closed = Tensor.randn(1000);
        closed.close();                               // reading its bytes throws midway through the save
        tensors.put("z_last", closed);
        var error = assertThrows(IllegalStateException.class, () -> SafeTensors.save(tensors, checkpoint));
        assertTrue(error.getMessage().contains("closed"), error.getMessage());

        assertArrayEquals(before, Files.readAllBytes(checkpoint));
        assertEquals(List.of(checkpoint), listDirectory());
        assertArrayEquals(new float[] {1, 1, 1}, SafeTensors.load(checkpoint).get("weight").toFloatArray());
    }

    @Test
    void aSuccessfulSaveReplacesTheOldFileAndLeavesNothingElse() throws IOException {
        Path checkpoint = directory.resolve("model.safetensors");
        SafeTensors.save(Map.of("weight", Tensor.ones(3)), checkpoint);
        SafeTensors.save(Map.of("weight", Tensor.full(2, 2), "bias", Tensor.zeros(1)), checkpoint);
        Map<String, Tensor> loaded = SafeTensors.load(checkpoint);
        assertArrayEquals(new float[] {2, 2}, loaded.get("weight").toFloatArray());
        assertEquals(List.of(checkpoint), listDirectory());
    }

    @Test
    void savedFilesGetTheUsualPermissionsNotOwnerOnlyTemporaryOnes() throws IOException {
        Path plain = directory.resolve("plain.bin");
        Files.write(plain, new byte[1]);
        Path saved = directory.resolve("model.safetensors");
        SafeTensors.save(Map.of("w", Tensor.ones(1)), saved);
        if (plain.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(saved));
        }
    }

    @Test
    void savingIntoAMissingDirectoryFailsClearlyWithoutLeftovers() {
        Path target = directory.resolve("no-such-dir").resolve("model.safetensors");
        assertThrows(java.nio.file.NoSuchFileException.class, () -> SafeTensors.save(Map.of("w", Tensor.ones(1)), target));
    }

    private List<Path> listDirectory() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }
}
