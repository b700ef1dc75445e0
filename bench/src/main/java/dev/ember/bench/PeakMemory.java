package dev.ember.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's peak resident set size so far: {@code VmHWM} of {@code /proc/self/status}
 * (Linux), in bytes.
 */
final class PeakMemory {
    private PeakMemory() {}

    static double residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return 1024.0 * Long.parseLong(line.substring("VmHWM:".length()).replace("kB", "").trim());
            }
        }
        throw new IOException("/proc/self/status has no VmHWM line");
    }
}
