package dev.ember.tensor;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * Index ops with PyTorch's semantics: {@code indexSelect}, {@code gather}, the out-of-place
 * scatters and {@code indexAdd}, {@code maskedSelect}, {@code nonzero}, and advanced indexing
 * ({@code a[i, j]}, {@code a[mask]}, {@code a[i, j] = v}).
 *
 * <p>Every index value is read and checked here, before any kernel runs, so a bad index is an
 * exception naming the index, the dim and its size. Advanced indexing is built on
 * {@code indexSelect}, {@code indexAdd} and {@code scatter} over a view whose indexed dims are
 * merged into one, so its gradient comes from those ops' rows in {@link Derivatives}.
 *
 * <p>Index tensors may be int64 or int32 everywhere (int32 is cast), also for {@code gather}
 * and the scatters, where PyTorch insists on int64.
 *
 * <pre>{@code
 * Tensor a = Tensor.arange(6).reshape(2, 3);
 * a.index(null, Tensor.of(new long[] {2, 0}));   // [[2, 0], [5, 3]]
 * }</pre>
 */
final class Indexing {
    private Indexing() {}

    static Tensor indexSelect(Tensor t, int dim, Tensor index) {
        t.storage.buffer.checkOpen();
        int d = Dimensions.wrap(dim, t.dim());
        Tensor index64 = integerIndex("index_select", t, index);
        checkVector("index_select", index64);
        long size = t.dim() == 0 ? 1 : t.layout().size(d);
        if (t.dim() == 0 && index64.numel() != 1) {
            throw new IllegalArgumentException("index_select(): Index to scalar can have only 1 value, got "
                    + index64.numel() + " value(s)");
        }
        for (long value : index64.toLongArray()) {
            if (value < 0 || value >= size) {
                throw new IndexOutOfBoundsException("index_select(): index out of range in self: index " + value
                        + " is out of bounds for dimension " + d + " with size " + size);
            }
        }
        long[] shape = t.shape();
        if (t.dim() > 0) shape[d] = index64.numel();
        Tensor out = Factories.empty(t.dtype(), t.device(), shape);
        t.storage.backend.indexSelect(t.strided(), d, index64.strided(), out.strided());
        OpNode node = OpNode.record(Op.INDEX_SELECT, out, t);
        if (node != null) node.save(index64).dims(d);
        return out;
    }

    static Tensor gather(Tensor t, int dim, Tensor index) {
        t.storage.buffer.checkOpen();
        int d = Dimensions.wrap(dim, t.dim());
        Tensor index64 = integerIndex("gather", t, index);
        if (index64.dim() != t.dim()) {
            throw new IllegalArgumentException("gather(): Index tensor must have the same number of dimensions as input "
                    + "tensor (index " + Dimensions.shapeText(index64.shape()) + ", input "
                    + Dimensions.shapeText(t.shape()) + ")");
        }
        long[] indexShape = index64.shape();
        long[] inputShape = t.shape();
        for (int k = 0; k < indexShape.length; k++) {
            if (k != d && indexShape[k] > inputShape[k]) {
                throw new IllegalArgumentException("gather(): Size does not match at dimension " + k + " expected index "
                        + Dimensions.shapeText(indexShape) + " to be smaller than self " + Dimensions.shapeText(inputShape)
                        + " apart from dimension " + d);
            }
        }
        checkRange("gather", index64, d, t.dim() == 0 ? 1 : inputShape[d]);
        Tensor out = Factories.empty(t.dtype(), t.device(), indexShape);
        t.storage.backend.gather(t.strided(), d, index64.strided(), out.strided());
        OpNode node = OpNode.record(Op.GATHER, out, t);
        if (node != null) node.save(index64).dims(d);
        return out;
    }

    static Tensor scatterAdd(Tensor t, int dim, Tensor index, Tensor source) {
        return scatterInto("scatter_add", Op.SCATTER_ADD, t, dim, index, source);
    }

    static Tensor scatter(Tensor t, int dim, Tensor index, Tensor source) {
        return scatterInto("scatter", Op.SCATTER, t, dim, index, source);
    }

    static Tensor scatter(Tensor t, int dim, Tensor index, double value) {
        t.storage.buffer.checkOpen();
        Tensor source = Factories.full(t.dtype(), value, index.shape(), t.device());
        return scatterInto("scatter", Op.SCATTER, t, dim, index, source);
    }

    /** Clones {@code t} and scatters into the clone, recording (self, index, source) as inputs. */
    private static Tensor scatterInto(String name, Op op, Tensor t, int dim, Tensor index, Tensor source) {
        t.storage.buffer.checkOpen();
        source.storage.buffer.checkOpen();
        int d = Dimensions.wrap(dim, t.dim());
        Tensor index64 = integerIndex(name, t, index);
        Elementwise.checkSameDevice(t, source);
        if (source.dtype() != t.dtype()) {
            throw new IllegalArgumentException(name + "(): Expected self.dtype to be equal to src.dtype (got "
                    + t.dtype() + " and " + source.dtype() + ")");
        }
        long[] indexShape = index64.shape();
        long[] selfShape = t.shape();
        long[] sourceShape = source.shape();
        if (indexShape.length != selfShape.length || sourceShape.length != selfShape.length) {
            throw new IllegalArgumentException(name + "(): Index tensor must have the same number of dimensions as self "
                    + "tensor and src tensor (index " + Dimensions.shapeText(indexShape) + ", self "
                    + Dimensions.shapeText(selfShape) + ", src " + Dimensions.shapeText(sourceShape) + ")");
        }
        for (int k = 0; k < indexShape.length; k++) {
            if ((k != d && indexShape[k] > selfShape[k]) || indexShape[k] > sourceShape[k]) {
                throw new IllegalArgumentException(name + "(): Expected index " + Dimensions.shapeText(indexShape)
                        + " to be smaller than self " + Dimensions.shapeText(selfShape) + " apart from dimension " + d
                        + " and to be smaller size than src " + Dimensions.shapeText(sourceShape));
            }
        }
        checkRange(name, index64, d, t.dim() == 0 ? 1 : selfShape[d]);
        Tensor used = source;
        // The kernel reads only the index-shaped corner of a larger source; narrowing it makes the
        // recorded input match the gradient row's shape (the rest of the source gets zeros).
        if (!Arrays.equals(sourceShape, indexShape) && source.requiresGrad()) {
            for (int k = 0; k < indexShape.length; k++) {
                if (sourceShape[k] != indexShape[k]) used = used.narrow(k, 0, indexShape[k]);
            }
        }
        Tensor out = Conversions.castContiguous(t, t.dtype());
        t.storage.backend.scatter(out.strided(), d, index64.strided(), used.strided(), op == Op.SCATTER_ADD);
        OpNode node = OpNode.record(op, out, t, index64, used);
        if (node != null) node.save(index64).dims(d);
        return out;
    }

    static Tensor indexAdd(Tensor t, int dim, Tensor index, Tensor source) {
        int d = Dimensions.wrap(dim, t.dim());
        Tensor index64 = checkIndexAdd(t, d, index, source);
        Tensor out = Conversions.castContiguous(t, t.dtype());
        t.storage.backend.indexAdd(out.strided(), d, index64.strided(), source.strided());
        OpNode node = OpNode.record(Op.INDEX_ADD, out, t, index64, source);
        if (node != null) node.save(index64).dims(d);
        return out;
    }

    /**
     * {@code t.index_add_(dim, index, source)}: into t's own memory when nothing is recorded and
     * the source does not share it (one pass, no copy of t); otherwise the recorded out-of-place
     * op written back, as every in-place op does.
     */
    static Tensor indexAdd_(Tensor t, int dim, Tensor index, Tensor source) {
        int d = Dimensions.wrap(dim, t.dim());
        Tensor index64 = checkIndexAdd(t, d, index, source);
        boolean recorded = GradMode.isEnabled() && (t.requiresGrad() || source.requiresGrad());
        if (recorded || source.storage == t.storage) return InPlace.apply(t, self -> indexAdd(self, d, index64, source));
        InPlace.checkAllowed(t);
        t.storage.backend.indexAdd(t.strided(), d, index64.strided(), source.strided());
        t.storage.bumpVersion();
        return t;
    }

    /** Checks {@code index_add}'s operands; returns the index as int64. */
    private static Tensor checkIndexAdd(Tensor t, int d, Tensor index, Tensor source) {
        t.storage.buffer.checkOpen();
        source.storage.buffer.checkOpen();
        Tensor index64 = integerIndex("index_add", t, index);
        checkVector("index_add", index64);
        Elementwise.checkSameDevice(t, source);
        if (source.dtype() != t.dtype()) {
            throw new IllegalArgumentException("index_add(): self (" + t.dtype() + ") and source (" + source.dtype()
                    + ") must have the same scalar type");
        }
        long count = index64.numel();
        long[] expected = t.shape();
        if (t.dim() > 0) expected[d] = count;
        if (t.dim() > 0 && source.dim() == t.dim() && source.size(d) != count) {
            throw new IllegalArgumentException("index_add(): Number of indices (" + count
                    + ") should be equal to source.size(dim) (" + source.size(d) + ")");
        }
        if (!Arrays.equals(expected, source.shape()) || (t.dim() == 0 && count != 1)) {
            throw new IllegalArgumentException("index_add(): source tensor shape must match self tensor shape, excluding "
                    + "the specified dimension. Got self.shape = " + Dimensions.shapeText(t.shape()) + " source.shape = "
                    + Dimensions.shapeText(source.shape()) + " with " + count + " indices along dim " + d);
        }
        checkRange("index_add", index64, d, t.dim() == 0 ? 1 : t.layout().size(d));
        return index64;
    }

    /**
     * The elements of {@code t} (broadcast with {@code mask}) where the mask is true, in
     * row-major order, as a 1-D tensor. Built on {@code indexSelect} of the flattened input.
     */
    static Tensor maskedSelect(Tensor t, Tensor mask) {
        t.storage.buffer.checkOpen();
        mask.storage.buffer.checkOpen();
        if (mask.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("masked_select: expected BoolTensor for mask, but got " + mask.dtype());
        }
        Elementwise.checkSameDevice(t, mask);
        long[] shape = Broadcasting.broadcastShapes(t.shape(), mask.shape());
        boolean[] selected = broadcastView(mask, shape).toBooleanArray();
        int count = 0;
        for (boolean s : selected) if (s) count++;
        long[] positions = new long[count];
        int next = 0;
        for (int i = 0; i < selected.length; i++) if (selected[i]) positions[next++] = i;
        Tensor source = Arrays.equals(t.shape(), shape) ? t : t.expand(shape);
        return source.reshape(-1).indexSelect(0, Factories.of(positions, new long[] {count}).to(t.device()));
    }

    /** The int64 multi-indices of the nonzero elements (NaN counts as nonzero), shape {@code [count, dim]}. */
    static Tensor nonzero(Tensor t) {
        t.storage.buffer.checkOpen();
        boolean[] flags = nonzeroFlags(t);
        long[] shape = t.shape();
        int rank = shape.length;
        int count = 0;
        for (boolean f : flags) if (f) count++;
        long[] coordinates = new long[Math.multiplyExact(count, rank)];
        long[] counter = new long[rank];
        int next = 0;
        for (boolean flag : flags) {
            if (flag) {
                System.arraycopy(counter, 0, coordinates, next, rank);
                next += rank;
            }
            for (int k = rank - 1; k >= 0; k--) {
                if (++counter[k] < shape[k]) break;
                counter[k] = 0;
            }
        }
        return Factories.of(coordinates, new long[] {count, rank}).to(t.device());
    }

    private static boolean[] nonzeroFlags(Tensor t) {
        if (t.dtype().isBool()) return t.toBooleanArray();
        boolean[] flags = new boolean[Math.toIntExact(t.numel())];
        if (t.dtype().isFloatingPoint()) {
            double[] values = t.toDoubleArray();
            for (int i = 0; i < values.length; i++) flags[i] = values[i] != 0;  // NaN != 0 holds
        } else {
            long[] values = t.toLongArray();
            for (int i = 0; i < values.length; i++) flags[i] = values[i] != 0;
        }
        return flags;
    }

    // ---------------------------------------------------------------- advanced indexing

    /** {@code t[indices]}: see {@link Tensor#index(Tensor...)}. */
    static Tensor index(Tensor t, Tensor[] indices) {
        AdvancedIndex plan = AdvancedIndex.of("index", t, indices);
        if (plan == null) return t;
        Tensor source = plan.arrange(t);
        Tensor merged = plan.merge(source);
        Tensor selected = merged.indexSelect(plan.position, plan.linearTensor(t));
        return selected.reshape(plan.resultShape(source));
    }

    /**
     * {@code t[indices] = values} (or {@code +=} with {@code accumulate}) out of place. Without
     * accumulate, a position named twice takes the value of its last occurrence, and the others
     * get no gradient; the written positions of {@code t} get none either.
     */
    static Tensor indexPut(Tensor t, Tensor[] indices, Tensor values, boolean accumulate) {
        t.storage.buffer.checkOpen();
        values.storage.buffer.checkOpen();
        Elementwise.checkSameDevice(t, values);
        if (values.dtype() != t.dtype()) {
            throw new IllegalArgumentException("Index put requires the source and destination dtypes match, got "
                    + t.dtype() + " for the destination and " + values.dtype() + " for the source.");
        }
        AdvancedIndex plan = AdvancedIndex.of("index_put", t, indices);
        if (plan == null) {
            checkValuesFit(values, t.shape());
            return accumulate ? t.add(values) : broadcastTo(values, t.shape()).clone();
        }
        Tensor source = plan.arrange(t);
        Tensor merged = plan.merge(source);
        long[] resultShape = plan.resultShape(source);
        checkValuesFit(values, resultShape);
        Tensor flatValues = broadcastTo(values, resultShape).reshape(plan.mergedResultShape(source));
        Tensor updated;
        if (accumulate) {
            updated = merged.indexAdd(plan.position, plan.linearTensor(t), flatValues);
        } else {
            long[] linear = plan.linear;
            List<Integer> kept = lastOccurrences(linear);
            long[] targets = new long[kept.size()];
            long[] keptPositions = new long[kept.size()];
            for (int i = 0; i < targets.length; i++) {
                keptPositions[i] = kept.get(i);
                targets[i] = linear[kept.get(i)];
            }
            Tensor keptValues = targets.length == linear.length ? flatValues
                    : flatValues.indexSelect(plan.position, Factories.of(keptPositions, new long[] {targets.length}).to(t.device()));
            long[] lineShape = new long[keptValues.dim()];
            Arrays.fill(lineShape, 1);
            lineShape[plan.position] = targets.length;
            Tensor scatterIndex = Factories.of(targets, new long[] {targets.length}).to(t.device()).reshape(lineShape)
                    .expand(keptValues.shape());
            updated = merged.scatter(plan.position, scatterIndex, keptValues);
        }
        Tensor restored = updated.reshape(source.shape());
        return plan.permutation == null ? restored
                : restored.permute(Derivatives.inversePermutation(plan.permutation)).contiguous();
    }

    /** The positions in {@code linear} whose value does not occur again later, in order. */
    private static List<Integer> lastOccurrences(long[] linear) {
        HashSet<Long> seen = new HashSet<>();
        boolean[] keep = new boolean[linear.length];
        for (int i = linear.length - 1; i >= 0; i--) keep[i] = seen.add(linear[i]);
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < linear.length; i++) if (keep[i]) kept.add(i);
        return kept;
    }

    private static void checkValuesFit(Tensor values, long[] shape) {
        boolean fits;
        try {
            fits = Arrays.equals(Broadcasting.broadcastShapes(values.shape(), shape), shape);
        } catch (IllegalArgumentException e) {
            fits = false;
        }
        if (!fits) {
            throw new IllegalArgumentException("shape mismatch: value tensor of shape " + Dimensions.shapeText(values.shape())
                    + " cannot be broadcast to indexing result of shape " + Dimensions.shapeText(shape));
        }
    }

    private static Tensor broadcastTo(Tensor t, long[] shape) {
        return Arrays.equals(t.shape(), shape) ? t : t.expand(shape);
    }

    /**
     * The index tensors of one advanced-indexing call, resolved on the host: bool masks become
     * their nonzero coordinates, negative values wrap, and the indexed dims (made leading when
     * they are not adjacent, as PyTorch does) are addressed by one linear index into their merge.
     */
    private record AdvancedIndex(int[] permutation, int position, int count, long[] indexedSizes, long[] broadcastShape,
                                 long[] linear) {

        static AdvancedIndex of(String op, Tensor t, Tensor[] indices) {
            t.storage.buffer.checkOpen();
            int rank = t.dim();
            long[] shape = t.shape();
            List<Integer> dims = new ArrayList<>();
            List<long[]> values = new ArrayList<>();
            List<long[]> shapes = new ArrayList<>();
            int cursor = 0;
            for (Tensor index : indices) {
                if (index == null) {
                    cursor++;
                    continue;
                }
                index.storage.buffer.checkOpen();
                Elementwise.checkSameDevice(t, index);
                if (index.dtype() == DType.BOOL) {
                    int maskRank = index.dim();
                    if (maskRank == 0) {
                        throw new IllegalArgumentException(op + ": a 0-dim bool index is not supported; "
                                + "use a mask with the shape of the dims it selects");
                    }
                    if (cursor + maskRank > rank) throw tooMany(rank, cursor + maskRank);
                    long[] maskShape = index.shape();
                    for (int k = 0; k < maskRank; k++) {
                        if (maskShape[k] != shape[cursor + k]) {
                            throw new IndexOutOfBoundsException("The shape of the mask " + Dimensions.shapeText(maskShape)
                                    + " at index " + k + " does not match the shape of the indexed tensor "
                                    + Dimensions.shapeText(shape) + " at index " + (cursor + k));
                        }
                    }
                    long[] coordinates = nonzero(index).toLongArray();
                    int found = coordinates.length / maskRank;
                    for (int k = 0; k < maskRank; k++) {
                        long[] column = new long[found];
                        for (int i = 0; i < found; i++) column[i] = coordinates[i * maskRank + k];
                        dims.add(cursor + k);
                        values.add(column);
                        shapes.add(new long[] {found});
                    }
                    cursor += maskRank;
                } else if (index.dtype() == DType.INT64 || index.dtype() == DType.INT32) {
                    if (cursor >= rank) throw tooMany(rank, cursor + 1);
                    dims.add(cursor);
                    values.add(index.toLongArray());
                    shapes.add(index.shape());
                    cursor++;
                } else {
                    throw new IllegalArgumentException("tensors used as indices must be long, int or bool tensors, got "
                            + index.dtype());
                }
            }
            if (cursor > rank) throw tooMany(rank, cursor);
            if (dims.isEmpty()) return null;
            int count = dims.size();
            long[] indexedSizes = new long[count];
            for (int i = 0; i < count; i++) {
                int d = dims.get(i);
                long size = shape[d];
                indexedSizes[i] = size;
                long[] v = values.get(i);
                for (int j = 0; j < v.length; j++) {
                    if (v[j] < -size || v[j] >= size) {
                        throw new IndexOutOfBoundsException("index " + v[j] + " is out of bounds for dimension " + d
                                + " with size " + size);
                    }
                    if (v[j] < 0) v[j] += size;
                }
            }
            long[] broadcastShape;
            try {
                broadcastShape = Broadcasting.broadcastShapes(shapes.toArray(new long[0][]));
            } catch (IllegalArgumentException e) {
                StringBuilder text = new StringBuilder();
                for (long[] s : shapes) text.append(text.isEmpty() ? "" : ", ").append(Dimensions.shapeText(s));
                throw new IllegalArgumentException("shape mismatch: indexing tensors could not be broadcast together "
                        + "with shapes " + text);
            }
            boolean adjacent = dims.get(count - 1) - dims.get(0) == count - 1;
            int[] permutation = null;
            int position = dims.get(0);
            if (!adjacent) {
                permutation = new int[rank];
                int next = 0;
                for (int d : dims) permutation[next++] = d;
                for (int d = 0; d < rank; d++) if (!dims.contains(d)) permutation[next++] = d;
                position = 0;
            }
            long[] linear = linearIndex(values, shapes, indexedSizes, broadcastShape);
            return new AdvancedIndex(permutation, position, count, indexedSizes, broadcastShape, linear);
        }

        private static IndexOutOfBoundsException tooMany(int rank, int got) {
            return new IndexOutOfBoundsException("too many indices for tensor of dimension " + rank + " (got " + got + ")");
        }

        /** Row-major offsets into the merged indexed dims, one per element of the broadcast index shape. */
        private static long[] linearIndex(List<long[]> values, List<long[]> shapes, long[] indexedSizes,
                                          long[] broadcastShape) {
            long total = Dimensions.numel(broadcastShape);
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("advanced indexing: " + total + " indices do not fit in one call");
            }
            int count = indexedSizes.length;
            int rank = broadcastShape.length;
            long[] rowStrides = new long[count];
            long stride = 1;
            for (int i = count - 1; i >= 0; i--) {
                rowStrides[i] = stride;
                stride *= indexedSizes[i];
            }
            // Each index tensor's strides over the broadcast shape: 0 along dims it is broadcast in.
            long[][] strides = new long[count][rank];
            for (int i = 0; i < count; i++) {
                long[] s = shapes.get(i);
                long[] own = Layout.contiguousStrides(s);
                int lead = rank - s.length;
                for (int k = 0; k < s.length; k++) strides[i][lead + k] = s[k] == 1 ? 0 : own[k];
            }
            long[] linear = new long[(int) total];
            long[] counter = new long[rank];
            long[] offsets = new long[count];
            for (int e = 0; e < linear.length; e++) {
                long sum = 0;
                for (int i = 0; i < count; i++) sum += values.get(i)[(int) offsets[i]] * rowStrides[i];
                linear[e] = sum;
                for (int k = rank - 1; k >= 0; k--) {
                    counter[k]++;
                    for (int i = 0; i < count; i++) offsets[i] += strides[i][k];
                    if (counter[k] < broadcastShape[k]) break;
                    for (int i = 0; i < count; i++) offsets[i] -= strides[i][k] * counter[k];
                    counter[k] = 0;
                }
            }
            return linear;
        }

        /** {@code t} with the indexed dims moved to the front when they are not adjacent. */
        Tensor arrange(Tensor t) {
            return permutation == null ? t : t.permute(permutation);
        }

        /** The arranged tensor with its indexed dims merged into one dim at {@link #position}. */
        Tensor merge(Tensor arranged) {
            if (count == 1) return arranged;
            return arranged.reshape(replaceIndexed(arranged.shape(), new long[] {Dimensions.numel(indexedSizes)}));
        }

        long[] resultShape(Tensor arranged) {
            return replaceIndexed(arranged.shape(), broadcastShape);
        }

        long[] mergedResultShape(Tensor arranged) {
            return replaceIndexed(arranged.shape(), new long[] {linear.length});
        }

        Tensor linearTensor(Tensor like) {
            return Factories.of(linear, new long[] {linear.length}).to(like.device());
        }

        private long[] replaceIndexed(long[] shape, long[] middle) {
            long[] out = new long[shape.length - count + middle.length];
            System.arraycopy(shape, 0, out, 0, position);
            System.arraycopy(middle, 0, out, position, middle.length);
            System.arraycopy(shape, position + count, out, position + middle.length, shape.length - position - count);
            return out;
        }
    }

    // ---------------------------------------------------------------- checks

    /** An int64 copy of an int64/int32 index on {@code t}'s device; other dtypes are an error. */
    private static Tensor integerIndex(String op, Tensor t, Tensor index) {
        index.storage.buffer.checkOpen();
        Elementwise.checkSameDevice(t, index);
        if (index.dtype() != DType.INT64 && index.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + "(): Expected dtype int32 or int64 for index, but got " + index.dtype());
        }
        return index.to(DType.INT64);
    }

    private static void checkVector(String op, Tensor index) {
        if (index.dim() > 1) {
            throw new IllegalArgumentException(op + "(): Index is supposed to be a vector, but got index of shape "
                    + Dimensions.shapeText(index.shape()));
        }
    }

    private static void checkRange(String op, Tensor index64, int dim, long size) {
        for (long value : index64.toLongArray()) {
            if (value < 0 || value >= size) {
                throw new IndexOutOfBoundsException(op + "(): index " + value + " is out of bounds for dimension " + dim
                        + " with size " + size);
            }
        }
    }

    /** An unrecorded broadcast view, for tensors that never carry gradients (masks). */
    private static Tensor broadcastView(Tensor t, long[] shape) {
        if (Arrays.equals(t.shape(), shape)) return t;
        return new Tensor(t.storage, t.layout().expand(shape), t.dtype());
    }
}
