package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.Strided;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Strided copy with a dtype cast between any two of the ten dtypes, and fill. Same-dtype
 * copies move raw bits (a single bulk copy when both sides are contiguous); casts go
 * through a block of doubles (floating source) or longs (integral or bool source).
 *
 * <pre>{@code
 * CopyKernels.copy(floatView, int64Contiguous);   // truncates toward zero
 * CopyKernels.fill(out, 0.5);
 * }</pre>
 */
final class CopyKernels {

    static final int BLOCK = 256;

    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;

    private CopyKernels() {}

    /** A row-major copy of {@code s} in a new native buffer, which the caller closes. */
    static Strided contiguousCopy(Strided s) {
        CpuBuffer buffer = CpuBuffer.allocateNative(s.numel() * s.dtype().byteSize(), false);
        Strided copy = new Strided(buffer, Layout.contiguous(s.layout().shape()), s.dtype());
        copy(s, copy);
        return copy;
    }

    static void copy(Strided source, Strided destination) {
        long numel = destination.numel();
        if (numel == 0) return;
        MemorySegment src = ((CpuBuffer) source.buffer()).segment();
        MemorySegment dst = ((CpuBuffer) destination.buffer()).segment();
        DType st = source.dtype();
        DType dt = destination.dtype();
        if (st == dt && source.layout().isContiguous() && destination.layout().isContiguous()) {
            int size = st.byteSize();
            MemorySegment.copy(src, source.layout().offset() * size, dst, destination.layout().offset() * size, numel * size);
            return;
        }
        StridedIterator it = new StridedIterator(destination.shape(), source.layout(), destination.layout());
        long as = it.innerStride(0);
        long bs = it.innerStride(1);
        Parallel.forRange(numel, 1, (start, end) -> {
            StridedIterator.Cursor c = it.cursor(start);
            double[] dbl = null;
            long[] lng = null;
            int block = (int) Math.min(BLOCK, end - start);
            for (long remaining = end - start; remaining > 0; ) {
                long n = c.run(remaining);
                long a = c.offset(0);
                long b = c.offset(1);
                if (st == dt) {
                    copyRaw(src, a, as, dst, b, bs, n, st.byteSize());
                } else {
                    for (long done = 0; done < n; ) {
                        int m = (int) Math.min(block, n - done);
                        if (Elements.floating(st)) {
                            if (dbl == null) dbl = new double[block];
                            Elements.readDoubles(src, st, a + done * as, as, dbl, m);
                            Elements.writeDoubles(dst, dt, b + done * bs, bs, dbl, m);
                        } else {
                            if (lng == null) lng = new long[block];
                            Elements.readLongs(src, st, a + done * as, as, lng, m);
                            Elements.writeLongs(dst, dt, b + done * bs, bs, lng, m);
                        }
                        done += m;
                    }
                }
                c.advance(n);
                remaining -= n;
            }
        });
    }

    private static void copyRaw(MemorySegment src, long a, long as, MemorySegment dst, long b, long bs, long n, int size) {
        if (as == 1 && bs == 1) {
            MemorySegment.copy(src, a * size, dst, b * size, n * size);
            return;
        }
        if (as == 0) {
            // a broadcast source (an expanded tensor, e.g. the gradient of sum()): one value per run
            long bits = switch (size) {
                case 8 -> src.getAtIndex(Elements.I64, a);
                case 4 -> src.getAtIndex(Elements.I32, a);
                case 2 -> src.getAtIndex(Elements.I16, a);
                default -> src.getAtIndex(Elements.I8, a);
            };
            fillRun(dst, b, bs, n, size, bits);
            return;
        }
        switch (size) {
            case 8 -> { for (long j = 0; j < n; j++) dst.setAtIndex(Elements.I64, b + j * bs, src.getAtIndex(Elements.I64, a + j * as)); }
            case 4 -> { for (long j = 0; j < n; j++) dst.setAtIndex(Elements.I32, b + j * bs, src.getAtIndex(Elements.I32, a + j * as)); }
            case 2 -> { for (long j = 0; j < n; j++) dst.setAtIndex(Elements.I16, b + j * bs, src.getAtIndex(Elements.I16, a + j * as)); }
            default -> { for (long j = 0; j < n; j++) dst.setAtIndex(Elements.I8, b + j * bs, src.getAtIndex(Elements.I8, a + j * as)); }
        }
    }

    static void fill(Strided destination, double value) {
        long numel = destination.numel();
        if (numel == 0) return;
        MemorySegment dst = ((CpuBuffer) destination.buffer()).segment();
        DType t = destination.dtype();
        long bits = Elements.rawBits(t, value);
        int size = t.byteSize();
        StridedIterator it = new StridedIterator(destination.shape(), destination.layout());
        long stride = it.innerStride(0);
        Parallel.forRange(numel, 1, (start, end) -> {
            StridedIterator.Cursor c = it.cursor(start);
            for (long remaining = end - start; remaining > 0; ) {
                long n = c.run(remaining);
                fillRun(dst, c.offset(0), stride, n, size, bits);
                c.advance(n);
                remaining -= n;
            }
        });
    }

    /** Writes the {@code size}-byte value {@code bits} to {@code n} elements from index {@code o}, {@code stride} apart. */
    private static void fillRun(MemorySegment dst, long o, long stride, long n, int size, long bits) {
        if (stride == 1 && size == 1) {
            dst.asSlice(o, n).fill((byte) bits);
        } else if (stride == 1 && size == 4) {
            fillInts(dst, o, n, (int) bits);
        } else if (stride == 1 && size == 8) {
            fillLongs(dst, o, n, bits);
        } else {
            switch (size) {
                case 8 -> { for (long j = 0; j < n; j++) dst.setAtIndex(Elements.I64, o + j * stride, bits); }
                case 4 -> { for (long j = 0; j < n; j++) dst.setAtIndex(Elements.I32, o + j * stride, (int) bits); }
                case 2 -> { for (long j = 0; j < n; j++) dst.setAtIndex(Elements.I16, o + j * stride, (short) bits); }
                default -> { for (long j = 0; j < n; j++) dst.setAtIndex(Elements.I8, o + j * stride, (byte) bits); }
            }
        }
    }

    private static void fillInts(MemorySegment dst, long o, long n, int value) {
        IntVector vector = IntVector.broadcast(INTS, value);
        long j = 0;
        for (long bound = n - INTS.length(); j <= bound; j += INTS.length()) {
            vector.intoMemorySegment(dst, (o + j) * 4, ByteOrder.nativeOrder());
        }
        for (; j < n; j++) dst.setAtIndex(Elements.I32, o + j, value);
    }

    private static void fillLongs(MemorySegment dst, long o, long n, long value) {
        LongVector vector = LongVector.broadcast(LONGS, value);
        long j = 0;
        for (long bound = n - LONGS.length(); j <= bound; j += LONGS.length()) {
            vector.intoMemorySegment(dst, (o + j) * 8, ByteOrder.nativeOrder());
        }
        for (; j < n; j++) dst.setAtIndex(Elements.I64, o + j, value);
    }
}
