package dev.ember.tensor;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.ReduceOp;

/** Reductions over dims: sums, products, extremes, and the statistics built on them. */
final class Reductions {
    private Reductions() {}

    static Tensor sum(Tensor t, int[] dims, boolean keepdim, DType dtype) {
        DType outType = dtype != null ? dtype : (t.dtype().isFloatingPoint() ? t.dtype() : DType.INT64);
        Tensor input = dtype != null && dtype.isFloatingPoint() ? t.to(dtype) : t;
        int[] wrapped = wrap(t, dims);
        Tensor out = reduce(ReduceOp.SUM, input, wrapped, keepdim, outType);
        if (outType.isFloatingPoint()) {
            OpNode node = OpNode.record(Op.SUM, out, input);
            if (node != null) node.dims(wrapped).flag(keepdim);
        }
        return out;
    }

    static Tensor mean(Tensor t, int[] dims, boolean keepdim) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("mean(): could not infer output dtype. Input dtype must be either a floating "
                    + "point or complex dtype. Got: " + t.dtype());
        }
        int[] wrapped = wrap(t, dims);
        long count = 1;
        for (int d : wrapped) count *= t.layout().size(d);
        return sum(t, wrapped, keepdim, null).div((double) count);
    }

    static Tensor prod(Tensor t, int[] dims, boolean keepdim) {
        DType outType = t.dtype().isFloatingPoint() ? t.dtype() : DType.INT64;
        int[] wrapped = wrap(t, dims);
        Tensor out = reduce(ReduceOp.PROD, t, wrapped, keepdim, outType);
        if (outType.isFloatingPoint()) {
            OpNode node = OpNode.record(Op.PROD, out, t);
            if (node != null) node.save(t).dims(wrapped).flag(keepdim);
        }
        return out;
    }

    /**
     * {@code max(dim)}/{@code min(dim)}: the gradient goes to the one element {@code argmax}
     * picked, as in PyTorch.
     */
    static Tensor extremeAlong(Tensor t, boolean max, int dim, boolean keepdim) {
        if (t.dim() == 0 || !t.requiresGrad()) return extreme(t, max, new int[] {dim}, keepdim);
        checkNonEmpty(t, max ? "max" : "min");
        int wrapped = Dimensions.wrap(dim, t.dim());
        Tensor values = t.gather(wrapped, argExtreme(t, max, wrapped, true));
        return keepdim ? values : values.squeeze(wrapped);
    }

    /** {@code max()}, {@code amax}: the gradient is shared evenly among tied extremes, as in PyTorch. */
    static Tensor extreme(Tensor t, boolean max, int[] dims, boolean keepdim) {
        checkNonEmpty(t, max ? "max" : "min");
        int[] wrapped = wrap(t, dims);
        Tensor out = reduce(max ? ReduceOp.MAX : ReduceOp.MIN, t, wrapped, keepdim, t.dtype());
        if (t.dtype().isFloatingPoint()) {
            OpNode node = OpNode.record(max ? Op.AMAX : Op.AMIN, out, t);
            if (node != null) node.save(t, out).dims(wrapped).flag(keepdim);
        }
        return out;
    }

    static Tensor argExtreme(Tensor t, boolean max, Integer dim, boolean keepdim) {
        checkNonEmpty(t, max ? "argmax" : "argmin");
        ReduceOp op = max ? ReduceOp.ARGMAX : ReduceOp.ARGMIN;
        if (dim == null) return reduce(op, t.reshape(-1), new int[] {0}, false, DType.INT64);
        return reduce(op, t, wrap(t, new int[] {dim}), keepdim, DType.INT64);
    }

    static Tensor var(Tensor t, int[] dims, boolean keepdim, int correction) {
        int[] wrapped = wrap(t, dims);
        long count = 1;
        for (int d : wrapped) count *= t.layout().size(d);
        Tensor centered = t.sub(t.mean(wrapped, true));
        return centered.square().sum(wrapped, keepdim).div((double) Math.max(count - correction, 0));
    }

    static Tensor logsumexp(Tensor t, int dim, boolean keepdim) {
        Tensor input = t.dtype().isFloatingPoint() ? t : t.to(DType.FLOAT32);
        int wrapped = Dimensions.wrap(dim, input.dim());
        Tensor shift = input.detach().amax(new int[] {wrapped}, true);
        // An all -inf (or +inf) row would make the shift produce NaN; shift such rows by 0.
        shift = Tensor.where(shift.isfinite(), shift, 0.0);
        Tensor out = input.sub(shift).exp().sum(wrapped, true).log().add(shift);
        return keepdim ? out : out.squeeze(wrapped);
    }

    static Tensor norm(Tensor t, double p) {
        checkFloating(t, "norm");
        if (p == 1) return t.abs().sum();
        if (p == Double.POSITIVE_INFINITY) return t.abs().max();
        if (p == Double.NEGATIVE_INFINITY) return t.abs().min();
        if (p == 0) return t.abs().sign().sum();
        Tensor powerSum = p == 2 ? t.square().sum() : t.abs().pow(p).sum();
        // At the zero vector the root's derivative is infinite; PyTorch defines the gradient as 0.
        // Root a stand-in of 1 there so no infinity meets the zero gradient of the unused branch.
        Tensor isZero = powerSum.eq(0);
        Tensor safe = Tensor.where(isZero, 1.0, powerSum);
        Tensor root = p == 2 ? safe.sqrt() : safe.pow(1 / p);
        return Tensor.where(isZero, 0.0, root);
    }

    /** Runs a reduction kernel into a keepdim-shaped output, then drops the reduced dims unless kept. */
    private static Tensor reduce(ReduceOp op, Tensor t, int[] dims, boolean keepdim, DType outType) {
        t.storage.buffer.checkOpen();
        long[] keptShape = t.shape();
        for (int d : dims) keptShape[d] = 1;
        Tensor out = Factories.empty(outType, t.device(), keptShape);
        if (dims.length > 0) {
            t.storage.backend.reduce(op, t.strided(), dims, out.strided());
        } else if (op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN) {
            out.storage.backend.fill(out.strided(), 0);
        } else {
            t.storage.backend.copy(t.strided(), out.strided());
        }
        if (keepdim || dims.length == 0) return out;
        long[] squeezed = new long[keptShape.length - dims.length];
        int next = 0;
        int skip = 0;
        for (int d = 0; d < keptShape.length; d++) {
            if (skip < dims.length && dims[skip] == d) {
                skip++;
                continue;
            }
            squeezed[next++] = keptShape[d];
        }
        return new Tensor(out.storage, Layout.contiguous(squeezed), outType);
    }

    private static int[] wrap(Tensor t, int[] dims) {
        if (t.dim() == 0) {
            for (int d : dims) Dimensions.wrap(d, 0);
            return new int[0];
        }
        return Dimensions.wrapAll(dims, t.dim());
    }

    private static void checkNonEmpty(Tensor t, String op) {
        if (t.numel() == 0) {
            throw new IllegalArgumentException(op + "(): Expected reduction dim to be specified for input.numel() == 0. "
                    + "Specify the reduction dim with the 'dim' argument (input shape " + Dimensions.shapeText(t.shape()) + ")");
        }
    }

    private static void checkFloating(Tensor t, String op) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + "(): expected a floating point input, got " + t.dtype());
        }
    }
}
