package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.Strided;

import java.lang.foreign.MemorySegment;

/**
 * Stable sort along one dim, writing the sorted values and their INT64 source indices.
 * NaN sorts as the largest value (last ascending, first descending), as in PyTorch; equal
 * elements keep their order in both directions.
 *
 * <pre>{@code
 * SortKernel.sort(x, 1, false, values, indices);
 * }</pre>
 */
final class SortKernel {

    private SortKernel() {}

    static void sort(Strided input, int dim, boolean descending, Strided values, Strided indices) {
        if (input.numel() == 0) return;
        Layout in = input.layout();
        int rank = in.dim();
        long length = rank == 0 ? 1 : in.size(dim);
        if (length > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("sort: dimension of size " + length + " is too long");
        long inStride = rank == 0 ? 1 : in.stride(dim);
        long vStride = rank == 0 ? 1 : values.layout().stride(dim);
        long iStride = rank == 0 ? 1 : indices.layout().stride(dim);
        Layout inOuter = rank == 0 ? in : in.select(dim, 0);
        StridedIterator it = new StridedIterator(inOuter.shape(), inOuter,
                rank == 0 ? values.layout() : values.layout().select(dim, 0),
                rank == 0 ? indices.layout() : indices.layout().select(dim, 0));
        MemorySegment a = ((CpuBuffer) input.buffer()).segment();
        MemorySegment v = ((CpuBuffer) values.buffer()).segment();
        MemorySegment ix = ((CpuBuffer) indices.buffer()).segment();
        DType t = input.dtype();
        int n = (int) length;
        boolean floating = Elements.floating(t);
        Parallel.forRange(it.numel, length * 8, (start, end) -> {
            StridedIterator.Cursor c = it.cursor(start);
            double[] keys = floating ? new double[n] : null;
            long[] longKeys = floating ? null : new long[n];
            int[] order = new int[n];
            int[] temp = new int[n];
            for (long e = start; e < end; e++) {
                if (floating) Elements.readDoubles(a, t, c.offset(0), inStride, keys, n);
                else Elements.readLongs(a, t, c.offset(0), inStride, longKeys, n);
                for (int j = 0; j < n; j++) order[j] = j;
                mergeSort(order, temp, 0, n, keys, longKeys, descending);
                long vo = c.offset(1);
                long io = c.offset(2);
                for (int j = 0; j < n; j++) {
                    long src = c.offset(0) + order[j] * inStride;
                    Elements.setRaw(v, t.byteSize(), vo + j * vStride, Elements.getRaw(a, t.byteSize(), src));
                    ix.setAtIndex(Elements.I64, io + j * iStride, order[j]);
                }
                c.advance(1);
            }
        });
    }

    /** True when element i must come before element j (strictly), NaN being the largest. */
    private static boolean before(int i, int j, double[] keys, long[] longKeys, boolean descending) {
        if (keys != null) {
            double x = keys[i];
            double y = keys[j];
            boolean xNaN = Double.isNaN(x);
            boolean yNaN = Double.isNaN(y);
            if (descending) return (xNaN && !yNaN) || x > y;
            return (yNaN && !xNaN) || x < y;
        }
        return descending ? longKeys[i] > longKeys[j] : longKeys[i] < longKeys[j];
    }

    private static void mergeSort(int[] order, int[] temp, int from, int to, double[] keys, long[] longKeys, boolean descending) {
        if (to - from <= 16) {
            for (int i = from + 1; i < to; i++) {
                int item = order[i];
                int j = i - 1;
                while (j >= from && before(item, order[j], keys, longKeys, descending)) {
                    order[j + 1] = order[j];
                    j--;
                }
                order[j + 1] = item;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(order, temp, from, mid, keys, longKeys, descending);
        mergeSort(order, temp, mid, to, keys, longKeys, descending);
        if (!before(order[mid], order[mid - 1], keys, longKeys, descending)) return;
        System.arraycopy(order, from, temp, from, to - from);
        int i = from;
        int j = mid;
        for (int k = from; k < to; k++) {
            // take from the right half only when strictly before: that keeps the sort stable
            if (j < to && (i >= mid || before(temp[j], temp[i], keys, longKeys, descending))) order[k] = temp[j++];
            else order[k] = temp[i++];
        }
    }
}
