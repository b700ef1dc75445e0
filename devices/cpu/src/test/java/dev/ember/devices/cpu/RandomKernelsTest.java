package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.RandomOp;
import dev.ember.devices.Strided;
import org.junit.jupiter.api.Test;

import static dev.ember.devices.cpu.Tensors.CPU;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomKernelsTest {

    @Test
    void philoxMatchesTheRandom123KnownAnswers() {
        int[] out = new int[4];
        Philox.block(0, 0, 0, out);
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, out);
        Philox.block(-1L, -1L, -1L, out);
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, out);
        Philox.block(0x299f31d0a4093822L, 0x85a308d3243f6a88L, 0x0370734413198a2eL, out);
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, out);
    }

    @Test
    void vectorBlocksEqualTheScalarBlockForEveryCounterIncludingTheCarryIntoTheHighWord() {
        int[] words = new int[4];
        for (long first : new long[] {0, 12345, 0xFFFFFFF0L, -20}) {
            for (long seed : new long[] {0, 0x299f31d0a4093822L}) {
                int count = 37;
                long[] w0 = new long[count], w1 = new long[count], w2 = new long[count], w3 = new long[count];
                Philox.blocks(seed, first, count, w0, w1, w2, w3);
                for (int j = 0; j < count; j++) {
                    Philox.block(seed, first + j, 0, words);
                    String at = "seed " + seed + " counter " + (first + j);
                    assertEquals(words[0] & 0xFFFFFFFFL, w0[j], at);
                    assertEquals(words[1] & 0xFFFFFFFFL, w1[j], at);
                    assertEquals(words[2] & 0xFFFFFFFFL, w2[j], at);
                    assertEquals(words[3] & 0xFFFFFFFFL, w3[j], at);
                }
            }
        }
    }

    @Test
    void bernoulliElementIsOneExactlyWhenItsWordIsBelowP() {
        int[] words = new int[4];
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.UINT8}) {
            for (double p : new double[] {0, 0x1.0p-32, 0.3, 0.5, 0.9, 1}) {
                // 100_003 elements split into parallel chunks at arbitrary elements; offset 77 is not a multiple of 4
                Strided x = Tensors.empty(t, 100_003);
                CPU.random(RandomOp.BERNOULLI, x, 11, 77, p, 0);
                double[] v = Tensors.doubles(x);
                for (int i = 0; i < v.length; i++) {
                    // group of 256 elements: word 0 of its 64 counters, then word 1, 2, 3
                    Philox.block(11, 77 + i / 256 * 64 + i % 64, 0, words);
                    double fraction = (words[i % 256 / 64] & 0xFFFFFFFFL) * 0x1.0p-32;
                    if ((fraction < p ? 1.0 : 0.0) != v[i]) {
                        assertEquals(fraction < p ? 1.0 : 0.0, v[i], t + " p " + p + " element " + i);
                    }
                }
            }
        }
    }

    @Test
    void bernoulliGivesTheSameMaskInEveryLayoutAndTheWordStreamStartsAnywhere() {
        Strided contiguous = Tensors.empty(DType.FLOAT32, 300, 401);
        CPU.random(RandomOp.BERNOULLI, contiguous, 5, 1234, 0.4, 0);
        Strided storage = Tensors.empty(DType.FLOAT32, 401, 300);
        Strided transposed = Tensors.view(storage, storage.layout().transpose(0, 1));
        CPU.random(RandomOp.BERNOULLI, transposed, 5, 1234, 0.4, 0);
        assertArrayEquals(Tensors.doubles(contiguous), Tensors.doubles(transposed));
        long[][] scratch = Philox.wordScratch(1200);
        long[] all = new long[1200];
        Philox.words(5, 1234, 0, 1200, all, scratch);
        for (int start : new int[] {0, 1, 3, 63, 64, 65, 255, 256, 300}) {
            for (int count : new int[] {1, 40, 190, 700}) {
                long[] part = new long[count];
                Philox.words(5, 1234, start, count, part, scratch);
                assertArrayEquals(java.util.Arrays.copyOfRange(all, start, start + count), part, "run of " + count + " from element " + start);
            }
        }
    }

    @Test
    void uniformIsInRangeWithTheRightMoments() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Strided x = Tensors.empty(t, 200_000);
            CPU.random(RandomOp.UNIFORM, x, 42, 0, -2, 3);
            double[] v = Tensors.doubles(x);
            double mean = 0, var = 0;
            for (double d : v) {
                assertTrue(d >= -2 && d < 3);
                mean += d;
            }
            mean /= v.length;
            for (double d : v) var += (d - mean) * (d - mean);
            var /= v.length;
            assertEquals(0.5, mean, 0.02);
            assertEquals(25.0 / 12, var, 0.03);
        }
    }

    @Test
    void normalHasTheRequestedMeanAndStd() {
        Strided x = Tensors.empty(DType.FLOAT64, 200_000);
        CPU.random(RandomOp.NORMAL, x, 7, 0, 1.5, 2);
        double[] v = Tensors.doubles(x);
        double mean = 0, var = 0;
        for (double d : v) mean += d;
        mean /= v.length;
        for (double d : v) var += (d - mean) * (d - mean);
        assertEquals(1.5, mean, 0.02);
        assertEquals(2, Math.sqrt(var / v.length), 0.02);
    }

    @Test
    void bernoulliWritesZerosAndOnesAtRateP() {
        Strided x = Tensors.empty(DType.UINT8, 100_000);
        CPU.random(RandomOp.BERNOULLI, x, 3, 0, 0.3, 0);
        long ones = 0;
        for (long b : Tensors.longs(x)) {
            assertTrue(b == 0 || b == 1);
            ones += b;
        }
        assertEquals(0.3, ones / 100_000.0, 0.01);
    }

    @Test
    void elementIUsesCounterOffsetPlusIRegardlessOfLayoutAndChunking() {
        Strided whole = Tensors.empty(DType.FLOAT32, 100_000);
        CPU.random(RandomOp.NORMAL, whole, 99, 1000, 0, 1);
        Strided tail = Tensors.empty(DType.FLOAT32, 10);
        CPU.random(RandomOp.NORMAL, tail, 99, 1000 + 500, 0, 1);
        double[] w = Tensors.doubles(whole);
        assertArrayEquals(java.util.Arrays.copyOfRange(w, 500, 510), Tensors.doubles(tail));
        // a transposed output gets the same values in row-major order
        Strided storage = Tensors.empty(DType.FLOAT32, 300, 400);
        Strided transposed = Tensors.view(storage, storage.layout().transpose(0, 1));
        CPU.random(RandomOp.NORMAL, transposed, 99, 1000, 0, 1);
        assertArrayEquals(java.util.Arrays.copyOf(w, 1000), java.util.Arrays.copyOf(Tensors.doubles(transposed), 1000));
        Strided other = Tensors.empty(DType.FLOAT32, 10);
        CPU.random(RandomOp.NORMAL, other, 100, 1500, 0, 1);
        assertFalse(java.util.Arrays.equals(Tensors.doubles(tail), Tensors.doubles(other)));
    }

    @Test
    void invalidParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> CPU.random(RandomOp.UNIFORM, Tensors.empty(DType.FLOAT32, 2), 0, 0, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> CPU.random(RandomOp.NORMAL, Tensors.empty(DType.FLOAT32, 2), 0, 0, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> CPU.random(RandomOp.BERNOULLI, Tensors.empty(DType.FLOAT32, 2), 0, 0, 1.5, 0));
    }
}
