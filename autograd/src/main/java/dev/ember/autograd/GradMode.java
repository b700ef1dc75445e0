package dev.ember.autograd;

/**
 * Thread-local switch for recording operations into the backward graph, like
 * {@code torch.no_grad()}, {@code torch.enable_grad()} and {@code torch.inference_mode()}.
 *
 * <pre>{@code
 * try (var guard = GradMode.noGrad()) {
 *     Tensor y = model.forward(x);   // no graph is recorded
 * }
 * }</pre>
 */
public final class GradMode {

    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    private static final class State {
        boolean enabled = true;
        boolean inference;
    }

    private GradMode() {}

    /** True when new operations record a backward graph on this thread. */
    public static boolean isEnabled() { return STATE.get().enabled; }

    /** True inside {@link #inferenceMode()}: tensors made here can never join a graph. */
    public static boolean isInferenceMode() { return STATE.get().inference; }

    public static void setEnabled(boolean enabled) { STATE.get().enabled = enabled; }

    /** Stops recording until the guard closes. */
    public static Guard noGrad() { return set(false, STATE.get().inference); }

    /** Records again inside a {@link #noGrad()} block, until the guard closes. */
    public static Guard enableGrad() { return set(true, STATE.get().inference); }

    /** No recording and no version tracking, for pure evaluation; tensors made here reject autograd. */
    public static Guard inferenceMode() { return set(false, true); }

    private static Guard set(boolean enabled, boolean inference) {
        State state = STATE.get();
        boolean previousEnabled = state.enabled;
        boolean previousInference = state.inference;
        state.enabled = enabled;
        state.inference = inference;
        return new Guard(state, previousEnabled, previousInference);
    }

    /** Restores the previous mode when closed; use with try-with-resources. */
    public static final class Guard implements AutoCloseable {
        private final State state;
        private final boolean previousEnabled;
        private final boolean previousInference;
        private boolean closed;

        private Guard(State state, boolean previousEnabled, boolean previousInference) {
            this.state = state;
            this.previousEnabled = previousEnabled;
            this.previousInference = previousInference;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            state.enabled = previousEnabled;
            state.inference = previousInference;
        }
    }
}
