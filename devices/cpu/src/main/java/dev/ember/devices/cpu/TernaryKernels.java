package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Strided;
import dev.ember.devices.TernaryOp;

import java.lang.foreign.MemorySegment;

/**
 * Elementwise ops of three operands: WHERE ({@code a ? b : c} with a BOOL condition), LERP
 * ({@code a + c * (b - a)}) and CLAMP ({@code min(max(a, b), c)}, NaN propagating).
 *
 * <pre>{@code
 * TernaryKernels.apply(TernaryOp.WHERE, mask, ifTrue, ifFalse, output);
 * }</pre>
 */
final class TernaryKernels {

    private TernaryKernels() {}

    static void apply(TernaryOp op, Strided first, Strided second, Strided third, Strided output) {
        long numel = output.numel();
        if (numel == 0) return;
        MemorySegment a = ((CpuBuffer) first.buffer()).segment();
        MemorySegment b = ((CpuBuffer) second.buffer()).segment();
        MemorySegment c = ((CpuBuffer) third.buffer()).segment();
        MemorySegment o = ((CpuBuffer) output.buffer()).segment();
        DType at = first.dtype();
        DType t = second.dtype();
        DType ot = output.dtype();
        StridedIterator it = new StridedIterator(output.shape(), first.layout(), second.layout(), third.layout(), output.layout());
        long as = it.innerStride(0);
        long bs = it.innerStride(1);
        long cs = it.innerStride(2);
        long os = it.innerStride(3);
        boolean exact = !Elements.floating(t);
        Parallel.forRange(numel, 1, (start, end) -> {
            StridedIterator.Cursor cur = it.cursor(start);
            Scratch s = new Scratch(end - start);
            int block = s.block();
            for (long remaining = end - start; remaining > 0; ) {
                long n = cur.run(remaining);
                long ao = cur.offset(0), bo = cur.offset(1), co = cur.offset(2), oo = cur.offset(3);
                for (long done = 0; done < n; ) {
                    int m = (int) Math.min(block, n - done);
                    if (exact) {
                        Elements.readLongs(a, at, ao + done * as, as, s.lx, m);
                        Elements.readLongs(b, t, bo + done * bs, bs, s.ly, m);
                        Elements.readLongs(c, t, co + done * cs, cs, s.lz, m);
                        longOp(op, s.lx, s.ly, s.lz, s.lr, m);
                        Elements.writeLongs(o, ot, oo + done * os, os, s.lr, m);
                    } else {
                        Elements.readDoubles(a, at, ao + done * as, as, s.x, m);
                        Elements.readDoubles(b, t, bo + done * bs, bs, s.y, m);
                        Elements.readDoubles(c, t, co + done * cs, cs, s.z, m);
                        doubleOp(op, s.x, s.y, s.z, s.r, m);
                        Elements.writeDoubles(o, ot, oo + done * os, os, s.r, m);
                    }
                    done += m;
                }
                cur.advance(n);
                remaining -= n;
            }
        });
    }

    private static void longOp(TernaryOp op, long[] x, long[] y, long[] z, long[] r, int n) {
        switch (op) {
            case WHERE -> { for (int j = 0; j < n; j++) r[j] = x[j] != 0 ? y[j] : z[j]; }
            case LERP -> { for (int j = 0; j < n; j++) r[j] = x[j] + z[j] * (y[j] - x[j]); }
            case CLAMP -> { for (int j = 0; j < n; j++) r[j] = Math.min(Math.max(x[j], y[j]), z[j]); }
        }
    }

    private static void doubleOp(TernaryOp op, double[] x, double[] y, double[] z, double[] r, int n) {
        switch (op) {
            case WHERE -> { for (int j = 0; j < n; j++) r[j] = x[j] != 0 ? y[j] : z[j]; }
            case LERP -> { for (int j = 0; j < n; j++) r[j] = x[j] + z[j] * (y[j] - x[j]); }
            case CLAMP -> { for (int j = 0; j < n; j++) r[j] = Math.min(Math.max(x[j], y[j]), z[j]); }
        }
    }
}
