package dev.ember.tensor.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new content, never
 * a partial file: the bytes go to a temporary file in the same directory, are flushed to the
 * disk, and the temporary file is then renamed over the target in one atomic step.
 */
final class AtomicFiles {
    private AtomicFiles() {}

    /** The body that fills the temporary file. */
    @FunctionalInterface
    interface Body {
        void writeTo(FileChannel channel) throws IOException;
    }

    static void write(Path path, Body body) throws IOException {
        Path target = path.toAbsolutePath();
        Path directory = target.getParent();
        // A random name of our own rather than Files.createTempFile, whose owner-only permissions
        // would otherwise end up on the saved file.
        Path temporary = directory.resolve("." + target.getFileName() + "."
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.writeTo(channel);
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            syncDirectory(directory);
        } finally {
            if (!moved) Files.deleteIfExists(temporary);
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) channel.write(bytes);
    }

    /** Makes the rename itself durable; not every platform lets a directory be opened, so failures are ignored. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the data itself is already on disk; only the rename's durability is best-effort here
        }
    }
}
