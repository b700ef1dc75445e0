package dev.ember.tensor;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.Strided;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * View and shape ops. Views ({@code view}, {@code transpose}, {@code slice}, ...) make a new
 * {@link Layout} over the same storage and never copy; {@code reshape} copies only when the
 * strides leave no other way, as in PyTorch. Every view records a node whose derivative row
 * undoes the view on the gradient. The joining and tiling ops that must copy
 * ({@code cat}, {@code flip}, {@code pad}, ...) live in {@link ShapeCopies}.
 */
final class ShapeOps {
    private ShapeOps() {}

    // ---------------------------------------------------------------- views of the whole tensor

    static Tensor view(Tensor t, long[] shape) {
        long[] size = inferSize(shape, t.numel());
        Layout layout = t.layout.view(size);
        if (layout == null) {
            throw new IllegalArgumentException("view size is not compatible with input tensor's size and stride (at least one "
                    + "dimension spans across two contiguous subspaces). Use .reshape(...) instead. (input shape "
                    + Dimensions.shapeText(t.shape()) + ", strides " + Dimensions.shapeText(t.stride()) + ", requested "
                    + Dimensions.shapeText(shape) + ")");
        }
        return recordView(t, makeView(t, layout));
    }

    static Tensor reshape(Tensor t, long[] shape) {
        long[] size = inferSize(shape, t.numel());
        Layout layout = t.layout.view(size);
        if (layout != null) return recordView(t, makeView(t, layout));
        return reshapeCopy(t, size);
    }

    /** A fresh contiguous tensor holding {@code t}'s elements with shape {@code size}; not a view. */
    static Tensor reshapeCopy(Tensor t, long[] size) {
        t.storage.buffer.checkOpen();
        Tensor out = Factories.empty(t.dtype, t.device(), size);
        t.storage.backend.copy(t.strided(), new Strided(out.storage.buffer, Layout.contiguous(t.shape()), t.dtype));
        OpNode.record(Op.VIEW, out, t);
        return out;
    }

    /** Replaces one -1 in {@code shape} by the size that makes the element count {@code numel}. */
    static long[] inferSize(long[] shape, long numel) {
        long[] size = shape.clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < size.length; i++) {
            if (size[i] == -1) {
                if (inferred >= 0) throw new IllegalArgumentException("only one dimension can be inferred (shape "
                        + Dimensions.shapeText(shape) + ")");
                inferred = i;
            } else if (size[i] < 0) {
                throw new IllegalArgumentException("invalid shape dimension " + size[i] + " in shape " + Dimensions.shapeText(shape));
            } else {
                try {
                    known = Math.multiplyExact(known, size[i]);
                } catch (ArithmeticException overflow) {
                    throw invalidShape(shape, numel);
                }
            }
        }
        if (inferred >= 0) {
            if (known == 0) {
                if (numel == 0) {
                    throw new IllegalArgumentException("cannot reshape tensor of 0 elements into shape " + Dimensions.shapeText(shape)
                            + " because the unspecified dimension size -1 can be any value and is ambiguous");
                }
                throw invalidShape(shape, numel);
            }
            if (numel % known != 0) throw invalidShape(shape, numel);
            size[inferred] = numel / known;
        } else if (known != numel) {
            throw invalidShape(shape, numel);
        }
        return size;
    }

    private static IllegalArgumentException invalidShape(long[] shape, long numel) {
        return new IllegalArgumentException("shape '" + Dimensions.shapeText(shape) + "' is invalid for input of size " + numel);
    }

    static Tensor transpose(Tensor t, int dim0, int dim1) {
        int rank = t.dim();
        int first = Dimensions.wrap(dim0, rank);
        int second = Dimensions.wrap(dim1, rank);
        Tensor out = makeView(t, rank == 0 ? t.layout : t.layout.transpose(first, second));
        OpNode node = OpNode.record(Op.TRANSPOSE, out, t);
        if (node != null) node.dims(first, second);
        return out;
    }

    static Tensor t(Tensor t) {
        if (t.dim() > 2) {
            throw new IllegalArgumentException("t() expects a tensor with <= 2 dimensions, but self is " + t.dim() + "D (shape "
                    + Dimensions.shapeText(t.shape()) + ")");
        }
        return transpose(t, 0, t.dim() < 2 ? 0 : 1);
    }

    static Tensor permute(Tensor t, int[] dims) {
        int rank = t.dim();
        if (dims.length != rank) {
            throw new IllegalArgumentException("permute(): number of dimensions in the tensor input does not match the length of "
                    + "the desired ordering of dimensions i.e. input.dim() = " + rank + " is not equal to len(dims) = "
                    + dims.length + " (shape " + Dimensions.shapeText(t.shape()) + ", dims " + Arrays.toString(dims) + ")");
        }
        int[] wrapped = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            wrapped[i] = Dimensions.wrap(dims[i], rank);
            if (seen[wrapped[i]]) {
                throw new IllegalArgumentException("permute(): duplicate dims are not allowed (dims " + Arrays.toString(dims) + ")");
            }
            seen[wrapped[i]] = true;
        }
        Tensor out = makeView(t, t.layout.permute(wrapped));
        OpNode node = OpNode.record(Op.PERMUTE, out, t);
        if (node != null) node.dims(wrapped);
        return out;
    }

    static Tensor expand(Tensor t, long[] shape) {
        long[] from = t.shape();
        if (shape.length < from.length) throw tooFewSizes(t.dtype, from, shape);
        long[] target = shape.clone();
        int lead = shape.length - from.length;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] != -1) continue;
            if (d < lead) {
                throw new IllegalArgumentException("The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
                        + "dimension " + d + " (target sizes " + Dimensions.shapeText(shape) + ", tensor sizes "
                        + Dimensions.shapeText(from) + ")");
            }
            target[d] = from[d - lead];
        }
        checkSizes(from, target, shape);
        Tensor out = makeView(t, t.layout.expand(target));
        OpNode.record(Op.EXPAND, out, t);
        return out;
    }

    /** Checks that a tensor of shape {@code from} broadcasts to {@code to} (no -1 allowed here). */
    static void checkExpandable(long[] from, long[] to) {
        if (to.length < from.length) throw tooFewSizes(null, from, to);
        checkSizes(from, to, to);
    }

    private static void checkSizes(long[] from, long[] target, long[] given) {
        int lead = target.length - from.length;
        for (int d = 0; d < target.length; d++) {
            if (target[d] < 0) {
                throw new IllegalArgumentException("The expanded size of the tensor (" + target[d] + ") isn't allowed: sizes must "
                        + "be non-negative.  Target sizes: " + Dimensions.shapeText(given) + ".  Tensor sizes: "
                        + Dimensions.shapeText(from));
            }
            if (d < lead) continue;
            long existing = from[d - lead];
            if (existing != target[d] && existing != 1) {
                throw new IllegalArgumentException("The expanded size of the tensor (" + target[d] + ") must match the existing "
                        + "size (" + existing + ") at non-singleton dimension " + d + ".  Target sizes: "
                        + Dimensions.shapeText(given) + ".  Tensor sizes: " + Dimensions.shapeText(from));
            }
        }
    }

    private static IllegalArgumentException tooFewSizes(DType dtype, long[] from, long[] to) {
        return new IllegalArgumentException("expand(" + (dtype == null ? "" : dtype + "{") + Dimensions.shapeText(from)
                + (dtype == null ? "" : "}") + ", size=" + Dimensions.shapeText(to) + "): the number of sizes provided ("
                + to.length + ") must be greater or equal to the number of dimensions in the tensor (" + from.length + ")");
    }

    // ---------------------------------------------------------------- views of a part

    static Tensor slice(Tensor t, int dim, long start, long end, long step, boolean narrow) {
        String name = narrow ? "narrow()" : "slice()";
        if (t.dim() == 0) throw new IllegalArgumentException(name + " cannot be applied to a 0-dim tensor.");
        int d = Dimensions.wrap(dim, t.dim());
        long size = t.layout.size(d);
        if (step <= 0) throw new IllegalArgumentException("slice step must be positive, got " + step);
        long from;
        long to;
        if (narrow) {
            long length = end - start;
            if (length < 0) throw new IllegalArgumentException("narrow(): length must be non-negative, got " + length);
            if (start < -size || start > size) {
                throw new IndexOutOfBoundsException("start out of range (expected to be in range of [" + -size + ", " + size
                        + "], but got " + start + ")");
            }
            from = start < 0 ? start + size : start;
            if (from > size - length) {
                throw new IndexOutOfBoundsException("start (" + from + ") + length (" + length + ") exceeds dimension size ("
                        + size + ").");
            }
            to = from + length;
        } else {
            from = clampIndex(start, size);
            to = Math.max(from, clampIndex(end, size));
        }
        Tensor out = makeView(t, t.layout.slice(d, from, to, step));
        OpNode node = OpNode.record(Op.SLICE, out, t);
        if (node != null) node.dims(d).sizes(from, to, step);
        return out;
    }

    /** Python's rule for slice bounds: negative counts from the end, then clamp into [0, size]. */
    private static long clampIndex(long index, long size) {
        long wrapped = index < 0 ? index + size : index;
        return Math.min(Math.max(wrapped, 0), size);
    }

    static Tensor select(Tensor t, int dim, long index) {
        if (t.dim() == 0) throw new IllegalArgumentException("select() cannot be applied to a 0-dim tensor.");
        int d = Dimensions.wrap(dim, t.dim());
        long size = t.layout.size(d);
        if (index < -size || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " is out of bounds for dimension " + d + " with size " + size);
        }
        long wrapped = index < 0 ? index + size : index;
        Tensor out = makeView(t, t.layout.select(d, wrapped));
        OpNode node = OpNode.record(Op.SELECT, out, t);
        if (node != null) node.dims(d).sizes(wrapped);
        return out;
    }

    static Tensor squeeze(Tensor t, Integer dim) {
        int rank = t.dim();
        if (dim != null) {
            int d = Dimensions.wrap(dim, rank);
            if (rank == 0 || t.layout.size(d) != 1) return recordView(t, makeView(t, t.layout));
            return recordView(t, makeView(t, t.layout.squeeze(d)));
        }
        long[] shape = t.shape();
        long[] strides = t.stride();
        int kept = 0;
        for (long size : shape) if (size != 1) kept++;
        long[] newShape = new long[kept];
        long[] newStrides = new long[kept];
        for (int d = 0, i = 0; d < rank; d++) {
            if (shape[d] == 1) continue;
            newShape[i] = shape[d];
            newStrides[i++] = strides[d];
        }
        return recordView(t, makeView(t, new Layout(newShape, newStrides, t.layout.offset())));
    }

    static Tensor unsqueeze(Tensor t, int dim) {
        int d = Dimensions.wrap(dim, t.dim() + 1);
        return recordView(t, makeView(t, t.layout.unsqueeze(d)));
    }

    static Tensor flatten(Tensor t, int startDim, int endDim) {
        int rank = t.dim();
        int start = Dimensions.wrap(startDim, rank);
        int end = Dimensions.wrap(endDim, rank);
        if (start > end) {
            throw new IllegalArgumentException("flatten() has invalid args: start_dim cannot come after end_dim (start_dim "
                    + startDim + ", end_dim " + endDim + ", shape " + Dimensions.shapeText(t.shape()) + ")");
        }
        if (rank == 0) return reshape(t, new long[] {1});
        if (start == end) return t;
        long[] shape = t.shape();
        long[] flat = new long[rank - (end - start)];
        long merged = 1;
        for (int d = start; d <= end; d++) merged *= shape[d];
        System.arraycopy(shape, 0, flat, 0, start);
        flat[start] = merged;
        System.arraycopy(shape, end + 1, flat, start + 1, rank - end - 1);
        return reshape(t, flat);
    }

    static Tensor unflatten(Tensor t, int dim, long[] sizes) {
        if (t.dim() == 0) throw new IllegalArgumentException("unflatten() cannot be applied to a 0-dim tensor.");
        if (sizes.length == 0) throw new IllegalArgumentException("unflatten: sizes must be non-empty");
        int d = Dimensions.wrap(dim, t.dim());
        long size = t.layout.size(d);
        long[] inferred;
        try {
            inferred = inferSize(sizes, size);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unflatten: Provided sizes " + Dimensions.shapeText(sizes) + " don't multiply up "
                    + "to the size of dim " + dim + " (" + size + ") in the input tensor of shape "
                    + Dimensions.shapeText(t.shape()) + (e.getMessage().startsWith("only one") ? "; only one size can be -1" : ""));
        }
        long[] shape = t.shape();
        long[] out = new long[shape.length - 1 + inferred.length];
        System.arraycopy(shape, 0, out, 0, d);
        System.arraycopy(inferred, 0, out, d, inferred.length);
        System.arraycopy(shape, d + 1, out, d + inferred.length, shape.length - d - 1);
        return reshape(t, out);
    }

    // ---------------------------------------------------------------- lists of views

    static List<Tensor> chunk(Tensor t, int chunks, int dim) {
        if (t.dim() == 0) throw new IllegalArgumentException("chunk expects at least a 1-dimensional tensor");
        if (chunks <= 0) throw new IllegalArgumentException("chunk expects `chunks` to be greater than 0, got: " + chunks);
        int d = Dimensions.wrap(dim, t.dim());
        long size = t.layout.size(d);
        long splitSize = (size + chunks - 1) / chunks;
        if (size == 0) {
            long[] sizes = new long[chunks];
            return split(t, sizes, d);
        }
        return split(t, splitSize, d);
    }

    static List<Tensor> split(Tensor t, long splitSize, int dim) {
        if (t.dim() == 0) throw new IllegalArgumentException("split expects at least a 1-dimensional tensor");
        if (splitSize < 0) {
            throw new IllegalArgumentException("split expects split_size be non-negative, but got split_size=" + splitSize);
        }
        int d = Dimensions.wrap(dim, t.dim());
        long size = t.layout.size(d);
        if (splitSize == 0 && size != 0) {
            throw new IllegalArgumentException("split_size can only be 0 if dimension size is 0, but got dimension size of " + size);
        }
        long count = splitSize == 0 ? 1 : Math.max((size + splitSize - 1) / splitSize, 1);
        List<Tensor> pieces = new ArrayList<>();
        try (var guard = GradMode.noGrad()) {
            for (long i = 0; i < count; i++) {
                long start = i * splitSize;
                pieces.add(slice(t, d, start, start + Math.min(splitSize, size - start), 1, true));
            }
        }
        return SplitNode.record(t, d, false, pieces);
    }

    static List<Tensor> split(Tensor t, long[] sizes, int dim) {
        if (t.dim() == 0) throw new IllegalArgumentException("split expects at least a 1-dimensional tensor");
        int d = Dimensions.wrap(dim, t.dim());
        long size = t.layout.size(d);
        long total = 0;
        for (long s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split_with_sizes expects split_sizes have only non-negative entries, but got "
                        + "split_sizes=" + Dimensions.shapeText(sizes));
            }
            total += s;
        }
        if (total != size) {
            throw new IllegalArgumentException("split_with_sizes expects split_sizes to sum exactly to " + size + " (input tensor's "
                    + "size at dimension " + d + "), but got split_sizes=" + Dimensions.shapeText(sizes));
        }
        List<Tensor> pieces = new ArrayList<>(sizes.length);
        long start = 0;
        try (var guard = GradMode.noGrad()) {
            for (long s : sizes) {
                pieces.add(slice(t, d, start, start + s, 1, true));
                start += s;
            }
        }
        return SplitNode.record(t, d, false, pieces);
    }

    static List<Tensor> unbind(Tensor t, int dim) {
        if (t.dim() == 0) throw new IllegalArgumentException("unbind() cannot be applied to a 0-dim tensor.");
        int d = Dimensions.wrap(dim, t.dim());
        long size = t.layout.size(d);
        List<Tensor> pieces = new ArrayList<>();
        try (var guard = GradMode.noGrad()) {
            for (long i = 0; i < size; i++) pieces.add(select(t, d, i));
        }
        return SplitNode.record(t, d, true, pieces);
    }

    // ---------------------------------------------------------------- copies (see ShapeCopies)

    static Tensor cat(List<Tensor> tensors, int dim) { return ShapeCopies.cat(tensors, dim); }

    static Tensor stack(List<Tensor> tensors, int dim) { return ShapeCopies.stack(tensors, dim); }

    static Tensor flip(Tensor t, int[] dims) { return ShapeCopies.flip(t, dims); }

    static Tensor roll(Tensor t, long[] shifts, int[] dims) { return ShapeCopies.roll(t, shifts, dims); }

    static Tensor repeat(Tensor t, long[] repeats) { return ShapeCopies.repeat(t, repeats); }

    static Tensor triangle(Tensor t, long diagonal, boolean lower) { return ShapeCopies.triangle(t, diagonal, lower); }

    static Tensor pad(Tensor t, long[] padding, String mode, double value) { return ShapeCopies.pad(t, padding, mode, value); }

    // ---------------------------------------------------------------- backward of slice and select

    /** Zeros of {@code shape} with {@code g} written into the slice; the derivative of {@link #slice}. */
    static Tensor sliceBackward(Tensor g, long[] shape, int dim, long start, long end, long step) {
        Tensor out = Factories.full(g.dtype(), 0, shape, g.device());
        writeInto(g, out, out.layout.slice(dim, start, end, step));
        OpNode node = OpNode.record(Op.SLICE_BACKWARD, out, g);
        if (node != null) node.dims(dim).sizes(start, end, step);
        return out;
    }

    /** Zeros of {@code shape} with {@code g} written at {@code index} along {@code dim}; the derivative of {@link #select}. */
    static Tensor selectBackward(Tensor g, long[] shape, int dim, long index) {
        Tensor out = Factories.full(g.dtype(), 0, shape, g.device());
        writeInto(g, out, out.layout.select(dim, index));
        OpNode node = OpNode.record(Op.SELECT_BACKWARD, out, g);
        if (node != null) node.dims(dim).sizes(index);
        return out;
    }

    private static void writeInto(Tensor source, Tensor target, Layout region) {
        if (!Arrays.equals(source.shape(), region.shape())) {
            throw new IllegalArgumentException("gradient of shape " + Dimensions.shapeText(source.shape())
                    + " does not fit the region of shape " + Dimensions.shapeText(region.shape()));
        }
        try (var guard = GradMode.noGrad()) {
            target.storage.backend.copy(source.strided(), new Strided(target.storage.buffer, region, target.dtype));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A tensor over {@code t}'s storage with {@code layout}, remembering the root it shares memory with. */
    static Tensor makeView(Tensor t, Layout layout) {
        t.storage.buffer.checkOpen();
        Tensor view = new Tensor(t.storage, layout, t.dtype);
        view.base = t.base != null ? t.base : t;
        return view;
    }

    private static Tensor recordView(Tensor input, Tensor out) {
        OpNode.record(Op.VIEW, out, input);
        return out;
    }
}
