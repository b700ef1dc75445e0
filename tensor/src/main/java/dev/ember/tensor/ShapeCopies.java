package dev.ember.tensor;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.Strided;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Shape ops that produce new memory: {@code cat}, {@code stack}, {@code flip}, {@code roll},
 * {@code repeat}, {@code tril}/{@code triu} and {@code pad}. Each is either one kernel copy with
 * its own derivative row (cat, flip, roll) or a composition of differentiable view and copy ops,
 * so it needs no row of its own.
 */
final class ShapeCopies {
    private ShapeCopies() {}

    static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("torch.cat(): expected a non-empty list of Tensors");
        Tensor[] all = tensors.toArray(new Tensor[0]);
        for (int i = 0; i < all.length; i++) {
            if (all[i] == null) throw new IllegalArgumentException("torch.cat(): tensor at position " + i + " is null");
            if (all[i].dim() == 0) {
                throw new IllegalArgumentException("zero-dimensional tensor (at position " + i + ") cannot be concatenated");
            }
        }
        DType dtype = TypePromotion.resultType(all);
        // PyTorch still skips 1-D empty tensors of any rank mismatch, a legacy of torch.cat's old behaviour.
        List<Tensor> kept = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            if (all[i].dim() == 1 && all[i].size(0) == 0) continue;
            kept.add(all[i]);
            positions.add(i);
        }
        if (kept.isEmpty()) return Factories.empty(dtype, all[0].device(), 0);
        Tensor first = kept.get(0);
        int rank = first.dim();
        int d = Dimensions.wrap(dim, rank);
        long[] outShape = first.shape();
        long total = 0;
        for (int k = 0; k < kept.size(); k++) {
            Tensor t = kept.get(k);
            Elementwise.checkSameDevice(first, t);
            t.storage.buffer.checkOpen();
            if (t.dim() != rank) {
                throw new IllegalArgumentException("Tensors must have same number of dimensions: got " + rank + " and " + t.dim()
                        + " (shapes " + Dimensions.shapeText(first.shape()) + " and " + Dimensions.shapeText(t.shape())
                        + " at positions " + positions.get(0) + " and " + positions.get(k) + ")");
            }
            for (int e = 0; e < rank; e++) {
                if (e != d && t.layout.size(e) != outShape[e]) {
                    throw new IllegalArgumentException("Sizes of tensors must match except in dimension " + d + ". Expected size "
                            + outShape[e] + " but got size " + t.layout.size(e) + " for tensor number " + positions.get(k)
                            + " in the list (shapes " + Dimensions.shapeText(first.shape()) + " and "
                            + Dimensions.shapeText(t.shape()) + ").");
                }
            }
            total += t.layout.size(d);
        }
        outShape[d] = total;
        Tensor out = Factories.empty(dtype, first.device(), outShape);
        long start = 0;
        for (Tensor t : kept) {
            long length = t.layout.size(d);
            Layout region = out.layout.narrow(d, start, length);
            t.storage.backend.copy(t.strided(), new Strided(out.storage.buffer, region, dtype));
            start += length;
        }
        OpNode node = OpNode.record(Op.CAT, out, kept.toArray(new Tensor[0]));
        if (node != null) node.dims(d);
        return out;
    }

    static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("stack expects a non-empty TensorList");
        long[] shape = tensors.get(0).shape();
        for (int i = 1; i < tensors.size(); i++) {
            long[] other = tensors.get(i).shape();
            if (!Arrays.equals(shape, other)) {
                throw new IllegalArgumentException("stack expects each tensor to be equal size, but got "
                        + Dimensions.shapeText(shape) + " at entry 0 and " + Dimensions.shapeText(other) + " at entry " + i);
            }
        }
        int d = Dimensions.wrap(dim, shape.length + 1);
        List<Tensor> unsqueezed = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) unsqueezed.add(ShapeOps.unsqueeze(t, d));
        return cat(unsqueezed, d);
    }

    /** A copy read through a layout that walks the flipped dims backwards (negative strides). */
    static Tensor flip(Tensor t, int[] dims) {
        int[] wrapped = dims.length == 0 ? new int[0] : Dimensions.wrapAll(dims, t.dim());
        t.storage.buffer.checkOpen();
        long[] shape = t.shape();
        long[] strides = t.stride();
        long offset = t.layout.offset();
        for (int d : wrapped) {
            if (t.dim() == 0 || shape[d] == 0) continue;
            offset += strides[d] * (shape[d] - 1);
            strides[d] = -strides[d];
        }
        Tensor out = Factories.empty(t.dtype, t.device(), shape);
        Strided reversed = new Strided(t.storage.buffer, new Layout(shape, strides, offset), t.dtype);
        t.storage.backend.copy(reversed, out.strided());
        OpNode node = OpNode.record(Op.FLIP, out, t);
        if (node != null) node.dims(wrapped);
        return out;
    }

    static Tensor roll(Tensor t, long[] shifts, int[] dims) {
        if (dims.length == 0) {
            if (shifts.length != 1) {
                throw new IllegalArgumentException("shifts and dimensions must align. shifts: " + shifts.length + ", dims:0");
            }
            return roll(ShapeOps.flatten(t, 0, -1), shifts, new int[] {0}).view(t.shape());
        }
        if (shifts.length != dims.length) {
            throw new IllegalArgumentException("shifts and dimensions must align. shifts: " + shifts.length + ", dims:"
                    + dims.length);
        }
        int[] wrapped = new int[dims.length];
        for (int i = 0; i < dims.length; i++) wrapped[i] = Dimensions.wrap(dims[i], t.dim());
        Tensor out = t;
        try (var guard = GradMode.noGrad()) {
            for (int i = 0; i < wrapped.length && t.dim() > 0; i++) {
                long size = out.size(wrapped[i]);
                if (size == 0) continue;
                long shift = Math.floorMod(shifts[i], size);
                if (shift == 0) continue;
                out = cat(List.of(out.narrow(wrapped[i], size - shift, shift), out.narrow(wrapped[i], 0, size - shift)),
                        wrapped[i]);
            }
            if (out == t) out = Conversions.castContiguous(t, t.dtype);
        }
        OpNode node = OpNode.record(Op.ROLL, out, t);
        if (node != null) node.sizes(shifts.clone()).dims(wrapped);
        return out;
    }

    /** Tiling as a broadcast: view {@code [1, s0, 1, s1, ...]}, expand to {@code [r0, s0, r1, s1, ...]}, then copy. */
    static Tensor repeat(Tensor t, long[] repeats) {
        int rank = t.dim();
        if (repeats.length < rank) {
            throw new IllegalArgumentException("Number of dimensions of repeat dims can not be smaller than number of dimensions "
                    + "of tensor (repeats " + Dimensions.shapeText(repeats) + ", tensor shape " + Dimensions.shapeText(t.shape()) + ")");
        }
        for (long r : repeats) {
            if (r < 0) {
                throw new IllegalArgumentException("Trying to create tensor with negative dimension " + r + ": repeats "
                        + Dimensions.shapeText(repeats));
            }
        }
        int n = repeats.length;
        long[] shape = t.shape();
        long[] padded = new long[n];
        Arrays.fill(padded, 1);
        System.arraycopy(shape, 0, padded, n - rank, rank);
        long[] interleaved = new long[2 * n];
        long[] tiled = new long[2 * n];
        long[] outShape = new long[n];
        for (int d = 0; d < n; d++) {
            interleaved[2 * d] = 1;
            interleaved[2 * d + 1] = padded[d];
            tiled[2 * d] = repeats[d];
            tiled[2 * d + 1] = padded[d];
            outShape[d] = Math.multiplyExact(repeats[d], padded[d]);
        }
        Tensor broadcast = ShapeOps.expand(ShapeOps.reshape(t, interleaved), tiled);
        return ShapeOps.reshapeCopy(broadcast, outShape);
    }

    /** tril/triu: keeps elements whose column minus row is at most (tril) or at least (triu) {@code diagonal}. */
    static Tensor triangle(Tensor t, long diagonal, boolean lower) {
        if (t.dim() < 2) {
            throw new IllegalArgumentException((lower ? "tril" : "triu") + ": input tensor must have at least 2 dimensions, "
                    + "got shape " + Dimensions.shapeText(t.shape()));
        }
        long rows = t.size(-2);
        long cols = t.size(-1);
        Tensor mask;
        try (var guard = GradMode.noGrad()) {
            Tensor offsets = Factories.arange(0, cols, 1).sub(Factories.arange(0, rows, 1).unsqueeze(1));
            Tensor bound = Factories.wrap(diagonal, offsets);
            mask = (lower ? offsets.le(bound) : offsets.ge(bound)).to(t.device());
        }
        Tensor zero = Factories.full(t.dtype, 0, new long[0], t.device());
        return Elementwise.where(mask, t, zero);
    }

    /**
     * Pads the last dims, {@code padding} holding (before, after) pairs from the last dim on.
     * Each padded dim becomes one cat of the border blocks and the (possibly cropped) input, so
     * the result is differentiable without a derivative row of its own.
     */
    static Tensor pad(Tensor t, long[] padding, String mode, double value) {
        if (padding.length % 2 != 0) {
            throw new IllegalArgumentException("Padding length must be divisible by 2, got padding length " + padding.length);
        }
        if (padding.length / 2 > t.dim()) {
            throw new IllegalArgumentException("Padding length should be less than or equal to two times the input dimension "
                    + "but got padding length " + padding.length + " and input of dimension " + t.dim() + " (shape "
                    + Dimensions.shapeText(t.shape()) + ")");
        }
        String kind = mode == null ? "constant" : mode.toLowerCase(Locale.ROOT);
        if (!List.of("constant", "reflect", "replicate", "circular").contains(kind)) {
            throw new IllegalArgumentException("Unrecognised padding mode " + mode
                    + " (expected constant, reflect, replicate or circular)");
        }
        long[] inputShape = t.shape();
        Tensor out = t;
        for (int k = 0; k < padding.length / 2; k++) {
            int d = t.dim() - 1 - k;
            long before = padding[2 * k];
            long after = padding[2 * k + 1];
            if (before == 0 && after == 0) continue;
            out = switch (kind) {
                case "constant" -> padConstant(out, d, before, after, value);
                default -> padFromInput(out, d, before, after, kind, inputShape);
            };
        }
        return out == t ? t.clone() : out;
    }

    private static Tensor padConstant(Tensor x, int d, long before, long after, double value) {
        long size = x.size(d);
        long cropStart = Math.max(-before, 0);
        long cropEnd = size - Math.max(-after, 0);
        if (size + before + after < 0 || cropStart > cropEnd) {
            throw new IllegalArgumentException("The input size " + size + ", plus negative padding " + before + " and " + after
                    + " resulted in a negative output size, which is invalid. Check dimension " + d + " of your input (shape "
                    + Dimensions.shapeText(x.shape()) + ").");
        }
        Tensor core = cropStart > 0 || cropEnd < size ? x.narrow(d, cropStart, cropEnd - cropStart) : x;
        List<Tensor> parts = new ArrayList<>(3);
        if (before > 0) parts.add(block(core, d, before, value));
        parts.add(core);
        if (after > 0) parts.add(block(core, d, after, value));
        return parts.size() == 1 ? core : cat(parts, d);
    }

    private static Tensor block(Tensor like, int d, long length, double value) {
        long[] shape = like.shape();
        shape[d] = length;
        return Factories.full(like.dtype, value, shape, like.device());
    }

    /** reflect, replicate and circular: the border blocks are views of the input itself. */
    private static Tensor padFromInput(Tensor x, int d, long before, long after, String mode, long[] inputShape) {
        long size = x.size(d);
        if (before < 0 || after < 0) {
            throw new IllegalArgumentException(mode + " padding must be non-negative, but got padding (" + before + ", " + after
                    + ") at dimension " + d + " of input " + Dimensions.shapeText(inputShape));
        }
        Tensor left;
        Tensor right;
        switch (mode) {
            case "reflect" -> {
                if (before >= size || after >= size) {
                    throw new IllegalArgumentException("Argument #4: Padding size should be less than the corresponding input "
                            + "dimension, but got: padding (" + before + ", " + after + ") at dimension " + d + " of input "
                            + Dimensions.shapeText(inputShape));
                }
                left = flip(x.narrow(d, 1, before), new int[] {d});
                right = flip(x.narrow(d, size - 1 - after, after), new int[] {d});
            }
            case "replicate" -> {
                if (size == 0) {
                    throw new IllegalArgumentException("replicate padding needs a non-empty dimension, but dimension " + d
                            + " of input " + Dimensions.shapeText(inputShape) + " is empty");
                }
                left = x.narrow(d, 0, 1).expand(sizeAlong(x, d, before));
                right = x.narrow(d, size - 1, 1).expand(sizeAlong(x, d, after));
            }
            default -> {
                if (before > size || after > size) {
                    throw new IllegalArgumentException("Padding value causes wrapping around more than once: padding (" + before
                            + ", " + after + ") at dimension " + d + " of input " + Dimensions.shapeText(inputShape));
                }
                left = x.narrow(d, size - before, before);
                right = x.narrow(d, 0, after);
            }
        }
        List<Tensor> parts = new ArrayList<>(3);
        if (before > 0) parts.add(left);
        parts.add(x);
        if (after > 0) parts.add(right);
        return cat(parts, d);
    }

    private static long[] sizeAlong(Tensor x, int d, long length) {
        long[] shape = x.shape();
        shape[d] = length;
        return shape;
    }
}
