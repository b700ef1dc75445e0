package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.ScanOp;
import dev.ember.devices.Strided;

import java.lang.foreign.MemorySegment;

/**
 * Inclusive prefix sums and products along one dim. Floating inputs accumulate in double,
 * integral and bool inputs in long (exact), and the result is written in the output dtype.
 *
 * <pre>{@code
 * ScanKernels.apply(ScanOp.CUMSUM, x, 1, out);
 * }</pre>
 */
final class ScanKernels {

    private ScanKernels() {}

    static void apply(ScanOp op, Strided input, int dim, Strided output) {
        long numel = output.numel();
        if (numel == 0) return;
        Layout in = input.layout();
        Layout out = output.layout();
        if (in.dim() == 0) {
            CopyKernels.copy(input, output);
            return;
        }
        long length = in.size(dim);
        long inStride = in.stride(dim);
        long outStride = out.stride(dim);
        Layout inOuter = in.select(dim, 0);
        Layout outOuter = out.select(dim, 0);
        StridedIterator it = new StridedIterator(inOuter.shape(), inOuter, outOuter);
        MemorySegment a = ((CpuBuffer) input.buffer()).segment();
        MemorySegment o = ((CpuBuffer) output.buffer()).segment();
        DType t = input.dtype();
        DType ot = output.dtype();
        boolean floating = Elements.floating(t);
        boolean sum = op == ScanOp.CUMSUM;
        Parallel.forRange(it.numel, length, (start, end) -> {
            StridedIterator.Cursor c = it.cursor(start);
            for (long e = start; e < end; e++) {
                long ai = c.offset(0);
                long oi = c.offset(1);
                if (floating) {
                    double acc = sum ? 0 : 1;
                    for (long j = 0; j < length; j++) {
                        double x = Elements.getDouble(a, t, ai + j * inStride);
                        acc = sum ? acc + x : acc * x;
                        Elements.setDouble(o, ot, oi + j * outStride, acc);
                    }
                } else {
                    long acc = sum ? 0 : 1;
                    for (long j = 0; j < length; j++) {
                        long x = Elements.getLong(a, t, ai + j * inStride);
                        acc = sum ? acc + x : acc * x;
                        Elements.setLong(o, ot, oi + j * outStride, acc);
                    }
                }
                c.advance(1);
            }
        });
    }
}
