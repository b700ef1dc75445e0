package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.RandomOp;
import dev.ember.devices.Strided;

import java.lang.foreign.MemorySegment;

/**
 * Random fills from {@link Philox}: UNIFORM in [a, b) (float32 and narrower types from 24
 * bits, others from 53 bits), NORMAL(mean a, std b) by Box-Muller, BERNOULLI(p = a) as
 * 0/1. Element i (row-major over the output's shape) always gets counter offset + i.
 *
 * <pre>{@code
 * RandomKernels.fill(RandomOp.NORMAL, out, seed, offset, 0.0, 1.0);
 * }</pre>
 */
final class RandomKernels {

    private static final double TWO_PI = 2 * Math.PI;

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
        Parallel.forRange(numel, 16, (start, end) -> {
            StridedIterator.Cursor c = it.cursor(start);
            double[] values = new double[(int) Math.max(1, Math.min(CopyKernels.BLOCK, end - start))];
            int block = values.length;
            int[] words = new int[4];
            long element = start;
            for (long remaining = end - start; remaining > 0; ) {
                long n = c.run(remaining);
                long oo = c.offset(0);
                for (long done = 0; done < n; ) {
                    int m = (int) Math.min(block, n - done);
                    for (int j = 0; j < m; j++) {
                        Philox.block(seed, offset + element + j, 0, words);
                        values[j] = switch (op) {
                            case UNIFORM -> {
                                double u = narrow ? Philox.unitFloat(words[0]) : Philox.unitDouble(words[0], words[1]);
                                double v = a + u * (b - a);
                                yield v < b || a == b ? v : Math.nextDown(b);
                            }
                            case NORMAL -> {
                                // 1 - u lies in (0, 1], so the log is finite
                                double u1 = 1 - Philox.unitDouble(words[0], words[1]);
                                double u2 = Philox.unitDouble(words[2], words[3]);
                                yield a + b * Math.sqrt(-2 * Math.log(u1)) * Math.cos(TWO_PI * u2);
                            }
                            case BERNOULLI -> Philox.unitDouble(words[0], words[1]) < a ? 1 : 0;
                        };
                    }
                    Elements.writeDoubles(o, t, oo + done * stride, stride, values, m);
                    element += m;
                    done += m;
                }
                c.advance(n);
                remaining -= n;
            }
        });
    }
}
