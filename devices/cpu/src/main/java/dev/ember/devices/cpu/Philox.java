package dev.ember.devices.cpu;

/**
 * The Philox4x32-10 counter-based generator (Salmon et al., "Parallel random numbers: as
 * easy as 1, 2, 3"): a keyed bijection of a 128-bit counter. Element i of a fill uses
 * counter {@code offset + i}, so the numbers do not depend on threading or chunking.
 *
 * <pre>{@code
 * int[] out = new int[4];
 * Philox.block(seed, offset + i, 0, out);
 * }</pre>
 */
final class Philox {

    private static final long M0 = 0xD2511F53L;
    private static final long M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;

    private Philox() {}

    /** Fills out[0..4) with the ten-round Philox of the counter (counterLow, counterHigh) under key seed. */
    static void block(long seed, long counterLow, long counterHigh, int[] out) {
        int c0 = (int) counterLow, c1 = (int) (counterLow >>> 32), c2 = (int) counterHigh, c3 = (int) (counterHigh >>> 32);
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int round = 0; round < 10; round++) {
            long p0 = M0 * (c0 & 0xFFFFFFFFL);
            long p1 = M1 * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
            k0 += W0;
            k1 += W1;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** A float in [0, 1) from the top 24 bits of a word. */
    static float unitFloat(int word) { return (word >>> 8) * 0x1.0p-24f; }

    /** A double in [0, 1) from 53 bits of two words. */
    static double unitDouble(int high, int low) {
        long bits = ((high & 0xFFFFFFFFL) << 21) ^ ((low & 0xFFFFFFFFL) >>> 11);
        return bits * 0x1.0p-53;
    }
}
