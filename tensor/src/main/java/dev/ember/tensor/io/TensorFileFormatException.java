package dev.ember.tensor.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A tensor file (safetensors, npy, IDX) whose content is truncated or malformed. The message
 * names the file and what is wrong with it.
 *
 * <pre>{@code
 * try { SafeTensors.load(path); } catch (TensorFileFormatException e) { System.err.println(e.getMessage()); }
 * }</pre>
 */
public final class TensorFileFormatException extends IOException {
    public TensorFileFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public TensorFileFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
