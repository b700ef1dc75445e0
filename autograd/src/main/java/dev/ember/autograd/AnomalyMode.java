package dev.ember.autograd;

/**
 * Thread-local debugging mode, like {@code torch.autograd.detect_anomaly()}: nodes remember
 * the stack trace of the forward call that made them, and the engine fails as soon as a
 * backward function returns NaN or infinity, naming that function and its forward trace.
 *
 * <pre>{@code
 * try (var anomaly = AnomalyMode.enable()) {
 *     loss.backward();   // throws AnomalyException pointing at the op whose gradient went NaN
 * }
 * }</pre>
 */
public final class AnomalyMode {

    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[1]);

    private AnomalyMode() {}

    public static boolean isEnabled() { return ENABLED.get()[0]; }

    public static Guard enable() {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = true;
        // Idempotent like GradMode's guard: a second close must not undo a later enable().
        boolean[] closed = new boolean[1];
        return () -> {
            if (closed[0]) return;
            closed[0] = true;
            flag[0] = previous;
        };
    }

    /** Restores the previous setting when closed. */
    @FunctionalInterface
    public interface Guard extends AutoCloseable {
        @Override
        void close();
    }
}
