package dev.ember.devices.cpu;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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
    private static final long WORD = 0xFFFFFFFFL;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;

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

    /**
     * The words of {@code count} consecutive counters {@code (first + j, 0)}, j = 0..count-1, as
     * {@link #block} gives them, zero-extended into {@code w0..w3[j]}. Lanes of 64 bits hold the
     * 32-bit words, so each round's 32×32→64 products are plain lane multiplies.
     */
    static void blocks(long seed, long first, int count, long[] w0, long[] w1, long[] w2, long[] w3) {
        long[] keys0 = new long[10];
        long[] keys1 = new long[10];
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int round = 0; round < 10; round++) {
            keys0[round] = k0 & WORD;
            keys1[round] = k1 & WORD;
            k0 += W0;
            k1 += W1;
        }
        // Masked to 32 bits here, like the words they multiply, so that C2 sees both factors of each
        // product as zero-extended words and uses the 32x32->64 multiply (vpmuludq). Kept masked in
        // static fields, the multipliers are opaque constants to C2, which then emulates a full
        // 64-bit multiply on AVX2: 9 ns a block against 6.
        LongVector multiplier0 = LongVector.broadcast(LONGS, M0).and(WORD);
        LongVector multiplier1 = LongVector.broadcast(LONGS, M1).and(WORD);
        LongVector lane = LongVector.zero(LONGS).addIndex(1);
        int width = LONGS.length();
        int j = 0;
        // Two independent groups per iteration: a round is a chain of multiplies whose latency one
        // group alone would wait out.
        for (int bound = count - 2 * width; j <= bound; j += 2 * width) {
            LongVector counterA = lane.add(first + j);
            LongVector counterB = lane.add(first + j + width);
            LongVector a0 = counterA.and(WORD), a1 = counterA.lanewise(VectorOperators.LSHR, 32);
            LongVector b0 = counterB.and(WORD), b1 = counterB.lanewise(VectorOperators.LSHR, 32);
            LongVector a2 = LongVector.zero(LONGS), a3 = a2, b2 = a2, b3 = a2;
            for (int round = 0; round < 10; round++) {
                LongVector pa0 = a0.and(WORD).mul(multiplier0), pa1 = a2.and(WORD).mul(multiplier1);
                LongVector pb0 = b0.and(WORD).mul(multiplier0), pb1 = b2.and(WORD).mul(multiplier1);
                a0 = pa1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, a1).lanewise(VectorOperators.XOR, keys0[round]);
                b0 = pb1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, b1).lanewise(VectorOperators.XOR, keys0[round]);
                a2 = pa0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, a3).lanewise(VectorOperators.XOR, keys1[round]);
                b2 = pb0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, b3).lanewise(VectorOperators.XOR, keys1[round]);
                a1 = pa1.and(WORD);
                b1 = pb1.and(WORD);
                a3 = pa0.and(WORD);
                b3 = pb0.and(WORD);
            }
            a0.intoArray(w0, j);
            a1.intoArray(w1, j);
            a2.intoArray(w2, j);
            a3.intoArray(w3, j);
            b0.intoArray(w0, j + width);
            b1.intoArray(w1, j + width);
            b2.intoArray(w2, j + width);
            b3.intoArray(w3, j + width);
        }
        int[] words = new int[4];
        for (; j < count; j++) {
            block(seed, first + j, 0, words);
            w0[j] = words[0] & WORD;
            w1[j] = words[1] & WORD;
            w2[j] = words[2] & WORD;
            w3[j] = words[3] & WORD;
        }
    }

    /** Consecutive counters whose words serve one group of {@code 4 * WORD_GROUP} consecutive elements. */
    private static final int WORD_GROUP = 64;
    private static final int GROUP_ELEMENTS = 4 * WORD_GROUP;

    /**
     * A stream of one word per element: element {@code e} falls in group {@code g = e / 256} at
     * {@code r = e % 256}, and gets word {@code r / 64} of counter {@code (offset + 64 g + r % 64, 0)},
     * zero-extended. So a group's elements are word 0 of its 64 counters, then word 1, and so on:
     * the words {@link #blocks} lays out per word are already in element order, 64 at a time.
     * {@code out[j]} gets element {@code element + j}'s word, j = 0..count-1; any element may start
     * the run, so chunks of a fill can split anywhere. {@code scratch} comes from
     * {@link #wordScratch} for at least {@code count} elements.
     */
    static void words(long seed, long offset, long element, int count, long[] out, long[][] scratch) {
        if (count <= 0) return;
        long firstGroup = element / GROUP_ELEMENTS;
        long groups = (element + count - 1) / GROUP_ELEMENTS - firstGroup + 1;
        blocks(seed, offset + firstGroup * WORD_GROUP, (int) (groups * WORD_GROUP), scratch[0], scratch[1], scratch[2], scratch[3]);
        for (int j = 0; j < count; ) {
            long e = element + j;
            int group = (int) (e / GROUP_ELEMENTS - firstGroup);
            int within = (int) (e % GROUP_ELEMENTS);
            int lane = within % WORD_GROUP;
            int n = Math.min(WORD_GROUP - lane, count - j);
            System.arraycopy(scratch[within / WORD_GROUP], group * WORD_GROUP + lane, out, j, n);
            j += n;
        }
    }

    /** Four word arrays large enough for {@link #words} runs of up to {@code count} elements. */
    static long[][] wordScratch(int count) { return new long[4][count / 4 + 2 * WORD_GROUP]; }

    /**
     * The bound under which a zero-extended word means "below p": {@code word * 2^-32 < p} holds
     * exactly when {@code word < ceil(p * 2^32)}; 2^32 for p = 1, so every word is.
     */
    static long wordBelow(double p) { return (long) Math.ceil(p * 0x1.0p32); }

    /** A float in [0, 1) from the top 24 bits of a word. */
    static float unitFloat(int word) { return (word >>> 8) * 0x1.0p-24f; }

    /** A double in [0, 1) from 53 bits of two words. */
    static double unitDouble(int high, int low) { return unitBits(high & WORD, low & WORD) * 0x1.0p-53; }

    /** The 53-bit integer behind {@link #unitDouble}, from two zero-extended words. */
    static long unitBits(long high, long low) { return (high << 21) ^ (low >>> 11); }
}
