package dev.ember.devices;

import java.util.Arrays;

/**
 * How a tensor's elements sit in its buffer: a shape, a stride per dimension (in elements)
 * and an offset (in elements). Every view op is a new Layout over the same buffer;
 * a broadcast dimension has stride 0.
 *
 * <pre>{@code
 * Layout l = Layout.contiguous(2, 3);     // strides [3, 1]
 * Layout t = l.transpose(0, 1);           // shape [3, 2], strides [1, 3], no copy
 * }</pre>
 */
public final class Layout {
    private final long[] shape;
    private final long[] strides;
    private final long offset;
    private final long numel;
    private final boolean contiguous;

    public Layout(long[] shape, long[] strides, long offset) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " and strides "
                    + Arrays.toString(strides) + " have different ranks");
        }
        this.shape = shape.clone();
        this.strides = strides.clone();
        this.offset = offset;
        long n = 1;
        for (long size : shape) {
            if (size < 0) throw new IllegalArgumentException("negative size in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, size);
        }
        this.numel = n;
        this.contiguous = computeContiguous();
    }

    /** A row-major layout with offset 0. */
    public static Layout contiguous(long... shape) {
        return new Layout(shape, contiguousStrides(shape), 0);
    }

    public static long[] contiguousStrides(long[] shape) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= Math.max(shape[d], 1);
        }
        return strides;
    }

    public long[] shape() { return shape.clone(); }

    public long[] strides() { return strides.clone(); }

    public long size(int dim) { return shape[dim]; }

    public long stride(int dim) { return strides[dim]; }

    public long offset() { return offset; }

    public int dim() { return shape.length; }

    public long numel() { return numel; }

    /** True when elements are row-major with no gaps (size-1 dims may have any stride; empty layouts always are). */
    public boolean isContiguous() { return contiguous; }

    /**
     * True when every stride is 0: one element seen at every index, as {@code expand} makes of a
     * scalar (the gradient of {@code sum()} or {@code mean()} arrives so).
     */
    public boolean isBroadcastScalar() {
        for (long stride : strides) if (stride != 0) return false;
        return true;
    }

    private boolean computeContiguous() {
        if (numel == 0) return true;
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 1) continue;
            if (strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /** The smallest and largest element index this layout touches, for bounds checks. */
    public long minIndex() {
        if (numel == 0 || contiguous) return offset;
        long index = offset;
        for (int d = 0; d < shape.length; d++) if (strides[d] < 0) index += strides[d] * (shape[d] - 1);
        return index;
    }

    public long maxIndex() {
        if (numel == 0) return offset;
        if (contiguous) return offset + numel - 1;
        long index = offset;
        for (int d = 0; d < shape.length; d++) if (strides[d] > 0) index += strides[d] * (shape[d] - 1);
        return index;
    }

    public Layout withOffset(long newOffset) { return new Layout(shape, strides, newOffset); }

    public Layout transpose(int dim0, int dim1) {
        long[] s = shape.clone();
        long[] st = strides.clone();
        s[dim0] = shape[dim1];
        s[dim1] = shape[dim0];
        st[dim0] = strides[dim1];
        st[dim1] = strides[dim0];
        return new Layout(s, st, offset);
    }

    public Layout permute(int[] dims) {
        long[] s = new long[dims.length];
        long[] st = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            s[i] = shape[dims[i]];
            st[i] = strides[dims[i]];
        }
        return new Layout(s, st, offset);
    }

    public Layout narrow(int dim, long start, long length) {
        return slice(dim, start, start + length, 1);
    }

    /** Elements start, start+step, ... below end along dim. */
    public Layout slice(int dim, long start, long end, long step) {
        long[] s = shape.clone();
        long[] st = strides.clone();
        s[dim] = end <= start ? 0 : (end - start + step - 1) / step;
        st[dim] = strides[dim] * step;
        return new Layout(s, st, offset + start * strides[dim]);
    }

    public Layout select(int dim, long index) {
        return new Layout(remove(shape, dim), remove(strides, dim), offset + index * strides[dim]);
    }

    public Layout unsqueeze(int dim) {
        long stride = dim < shape.length ? strides[dim] * shape[dim] : 1;
        return new Layout(insert(shape, dim, 1), insert(strides, dim, stride), offset);
    }

    public Layout squeeze(int dim) {
        return new Layout(remove(shape, dim), remove(strides, dim), offset);
    }

    /**
     * This layout broadcast to {@code target}: missing leading dims and size-1 dims get
     * stride 0. The caller has checked that the shapes are compatible.
     */
    public Layout expand(long[] target) {
        long[] st = new long[target.length];
        int lead = target.length - shape.length;
        for (int d = 0; d < target.length; d++) {
            int src = d - lead;
            if (src < 0) st[d] = 0;
            else if (shape[src] == target[d]) st[d] = strides[src];
            else st[d] = 0;
        }
        return new Layout(target, st, offset);
    }

    /**
     * The same elements seen with a new shape without copying, or null when the strides
     * do not allow it (then the caller must copy, as reshape does). Follows the rule that
     * each group of merged dims must be contiguous among itself.
     */
    public Layout view(long[] newShape) {
        long newNumel = 1;
        for (long n : newShape) newNumel *= n;
        if (newNumel != numel) return null;
        if (numel == 0 || isContiguous()) return new Layout(newShape, contiguousStrides(newShape), offset);
        long[] newStrides = new long[newShape.length];
        int viewD = newShape.length - 1;
        long chunkBase = strides[strides.length - 1];
        long tensorNumel = 1;
        long viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            boolean chunkEnds = d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase);
            if (chunkEnds) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStrides[viewD] = viewNumel * chunkBase;
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkBase = strides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        if (viewD != -1) return null;
        return new Layout(newShape, newStrides, offset);
    }

    static long[] remove(long[] array, int index) {
        long[] out = new long[array.length - 1];
        System.arraycopy(array, 0, out, 0, index);
        System.arraycopy(array, index + 1, out, index, array.length - index - 1);
        return out;
    }

    static long[] insert(long[] array, int index, long value) {
        long[] out = new long[array.length + 1];
        System.arraycopy(array, 0, out, 0, index);
        out[index] = value;
        System.arraycopy(array, index, out, index + 1, array.length - index);
        return out;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Layout l && offset == l.offset
                && Arrays.equals(shape, l.shape) && Arrays.equals(strides, l.strides);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + Arrays.hashCode(strides) + Long.hashCode(offset);
    }

    @Override
    public String toString() {
        return "Layout(shape=" + Arrays.toString(shape) + ", strides=" + Arrays.toString(strides)
                + ", offset=" + offset + ")";
    }
}
