package dev.ember.tensor;

/**
 * A seeded source of random numbers for tensor creation, like {@code torch.Generator}. It is
 * a (seed, offset) pair over a counter-based generator in the backends: each random tensor
 * takes the next {@code numel} counters, so a seed gives the same tensors on every run,
 * whatever the thread count.
 *
 * <pre>{@code
 * Tensor.manualSeed(42);
 * Tensor a = Tensor.randn(3);   // same values on every run
 * }</pre>
 */
public final class Generator {

    /** The generator behind {@link Tensor#rand}, {@link Tensor#randn} and friends. */
    public static final Generator DEFAULT = new Generator(0x5EED_E3BE_12L);

    private long seed;
    private long offset;

    public Generator(long seed) { manualSeed(seed); }

    public synchronized void manualSeed(long newSeed) {
        seed = newSeed;
        offset = 0;
    }

    public synchronized long seed() { return seed; }

    /**
     * The generator's whole state, {@code {seed, offset}}, like {@code torch.get_rng_state()}:
     * restoring it with {@link #setState} makes the following random tensors repeat.
     *
     * <pre>{@code
     * long[] state = Generator.DEFAULT.getState();
     * Tensor a = Tensor.rand(3);
     * Generator.DEFAULT.setState(state);
     * Tensor b = Tensor.rand(3);   // equal to a
     * }</pre>
     */
    public synchronized long[] getState() { return new long[] {seed, offset}; }

    /** Restores a {@link #getState()}. */
    public synchronized void setState(long[] state) {
        if (state == null || state.length != 2 || state[1] < 0) {
            throw new IllegalArgumentException("Generator.setState: expected {seed, offset} with offset >= 0, got "
                    + java.util.Arrays.toString(state));
        }
        seed = state[0];
        offset = state[1];
    }

    /** Reserves {@code count} counters and returns the first; callers pass (seed, offset) to a kernel. */
    synchronized long[] reserve(long count) {
        long start = offset;
        // Box-Muller and 64-bit draws consume up to four 32-bit words per element: keep streams apart.
        offset += Math.max(count, 1) * 4;
        return new long[] {seed, start};
    }
}
