package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.RandomOp;
import dev.ember.devices.Strided;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Random fills from {@link Philox}: UNIFORM in [a, b) (float32 and narrower types from 24
 * bits, others from 53 bits), NORMAL(mean a, std b) by Box-Muller, BERNOULLI(p = a) as
 * 0/1. Element i (row-major over the output's shape) always gets counter offset + i, except in
 * BERNOULLI, where it gets one word of a counter near offset + i / 4 ({@link Philox#words}).
 *
 * <pre>{@code
 * RandomKernels.fill(RandomOp.NORMAL, out, seed, offset, 0.0, 1.0);
 * }</pre>
 */
final class RandomKernels {

    private static final double TWO_PI = 2 * Math.PI;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    /** As many float lanes as {@link #LONGS} has long lanes, in half the bits. */
    private static final VectorSpecies<Float> FLOATS = VectorSpecies.of(float.class, VectorShape.forBitSize(LONGS.vectorBitSize() / 2));

    private RandomKernels() {}

    static void fill(RandomOp op, Strided output, long seed, long offset, double a, double b) {
        DType t = output.dtype();
        switch (op) {
            case UNIFORM -> {
                if (!(a <= b)) throw new IllegalArgumentException("uniform: expected from <= to, got from=" + a + " to=" + b);
            }
            case NORMAL -> {
                if (!(b >= 0)) throw new IllegalArgumentException("normal expects std >= 0.0, but found std " + b);
                if (!t.isFloatingPoint()) throw new IllegalArgumentException("normal is not implemented for " + t);
            }
            case BERNOULLI -> {
                if (!(a >= 0 && a <= 1)) throw new IllegalArgumentException("bernoulli: expected 0 <= p <= 1, got " + a);
            }
        }
        long numel = output.numel();
        if (numel == 0) return;
        MemorySegment o = ((CpuBuffer) output.buffer()).segment();
        boolean narrow = t == DType.FLOAT32 || t == DType.FLOAT16 || t == DType.BFLOAT16;
        StridedIterator it = new StridedIterator(output.shape(), output.layout());
        long stride = it.innerStride(0);
        if (op == RandomOp.BERNOULLI) {
            bernoulli(it, numel, seed, offset, a, t, o);
            return;
        }
        forEachBlock(it, numel, 16, block -> {
            double[] values = new double[block];
            long[][] words = new long[4][block];
            return (element, m, at) -> {
                Philox.blocks(seed, offset + element, m, words[0], words[1], words[2], words[3]);
                switch (op) {
                    case UNIFORM -> uniform(values, m, words[0], words[1], narrow, a, b);
                    case NORMAL -> normal(values, m, words[0], words[1], words[2], words[3], a, b);
                    case BERNOULLI -> throw new IllegalStateException("bernoulli has its own word stream");
                }
                Elements.writeDoubles(o, t, at, stride, values, m);
            };
        });
    }

    /** Writes one block of up to {@link CopyKernels#BLOCK} consecutive elements of a contiguous run. */
    private interface BlockWriter {
        /** The block is elements {@code element..element+count-1} (row-major), starting at index {@code at} of the output segment. */
        void write(long element, int count, long at);
    }

    /**
     * Runs the output's elements in parallel chunks ({@code cost} element-operations each), each
     * in blocks along its contiguous runs, handing every block to {@code writers}' writer for the
     * chunk (which owns its scratch arrays).
     */
    private static void forEachBlock(StridedIterator it, long numel, long cost, java.util.function.IntFunction<BlockWriter> writers) {
        long stride = it.innerStride(0);
        Parallel.forRange(numel, cost, (start, end) -> {
            StridedIterator.Cursor c = it.cursor(start);
            int block = (int) Math.max(1, Math.min(CopyKernels.BLOCK, end - start));
            BlockWriter writer = writers.apply(block);
            long element = start;
            for (long remaining = end - start; remaining > 0; ) {
                long n = c.run(remaining);
                long oo = c.offset(0);
                for (long done = 0; done < n; ) {
                    int m = (int) Math.min(block, n - done);
                    writer.write(element, m, oo + done * stride);
                    element += m;
                    done += m;
                }
                c.advance(n);
                remaining -= n;
            }
        });
    }

    /**
     * BERNOULLI, one 32-bit word per element: element e is 1 exactly when its word (one of the
     * four of a counter near {@code offset + e / 4}, see {@link Philox#words}) is below
     * {@code ceil(p 2^32)}, i.e. when that word as a fraction of 2^32 is below p. PyTorch's CPU
     * bernoulli also draws 32 bits per element. Why not a block per element, as the other fills
     * take: dropout's masks are most of a transformer layer's random numbers, and a Philox block
     * is ten rounds of 64-bit lane multiplies; four elements to a block made {@code bernoulli_}
     * three times faster on AVX2.
     */
    private static void bernoulli(StridedIterator it, long numel, long seed, long offset, double p, DType t,
                                  MemorySegment o) {
        long threshold = Philox.wordBelow(p);
        long stride = it.innerStride(0);
        boolean floats = t == DType.FLOAT32 && stride == 1;
        forEachBlock(it, numel, 8, block -> {
            long[] words = new long[block];
            long[][] scratch = Philox.wordScratch(block);
            float[] floatValues = floats ? new float[block] : null;
            double[] values = floats ? null : new double[block];
            return (element, m, at) -> {
                Philox.words(seed, offset, element, m, words, scratch);
                if (floats) {
                    bernoulliFloats(floatValues, m, words, threshold);
                    MemorySegment.copy(floatValues, 0, o, ValueLayout.JAVA_FLOAT_UNALIGNED, at * Float.BYTES, m);
                } else {
                    for (int j = 0; j < m; j++) values[j] = words[j] < threshold ? 1 : 0;
                    Elements.writeDoubles(o, t, at, stride, values, m);
                }
            };
        });
    }

    /** 1f where {@code words[j] < threshold}, else 0f, decided on vector lanes. */
    private static void bernoulliFloats(float[] values, int m, long[] words, long threshold) {
        int j = 0;
        if (FLOATS.length() == LONGS.length()) {
            for (int bound = LONGS.loopBound(m); j < bound; j += LONGS.length()) {
                LongVector word = LongVector.fromArray(LONGS, words, j);
                FloatVector.zero(FLOATS).blend(1f, word.compare(VectorOperators.LT, threshold).cast(FLOATS)).intoArray(values, j);
            }
        }
        for (; j < m; j++) values[j] = words[j] < threshold ? 1f : 0f;
    }

    private static void uniform(double[] values, int m, long[] w0, long[] w1, boolean narrow, double a, double b) {
        for (int j = 0; j < m; j++) {
            double u = narrow ? Philox.unitFloat((int) w0[j]) : Philox.unitDouble((int) w0[j], (int) w1[j]);
            double v = a + u * (b - a);
            values[j] = v < b || a == b ? v : Math.nextDown(b);
        }
    }

    private static void normal(double[] values, int m, long[] w0, long[] w1, long[] w2, long[] w3, double mean, double std) {
        for (int j = 0; j < m; j++) {
            // 1 - u lies in (0, 1], so the log is finite
            double u1 = 1 - Philox.unitDouble((int) w0[j], (int) w1[j]);
            double u2 = Philox.unitDouble((int) w2[j], (int) w3[j]);
            values[j] = mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(TWO_PI * u2);
        }
    }
}
