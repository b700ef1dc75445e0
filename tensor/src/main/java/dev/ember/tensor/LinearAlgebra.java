package dev.ember.tensor;

import dev.ember.devices.Layout;
import dev.ember.devices.Strided;
import java.util.Arrays;

/** Matrix products with PyTorch's shape rules, on the backend's batched GEMM. */
final class LinearAlgebra {
    private LinearAlgebra() {}

    static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("both arguments to matmul need to be at least 1D, but they are "
                    + a.dim() + "D and " + b.dim() + "D");
        }
        checkSameDType(a, b, "matmul");
        if (a.dim() == 1 && b.dim() == 1) return dot(a, b);
        if (b.dim() == 1) return batchedProduct(a, b.unsqueeze(1)).squeeze(-1);
        if (a.dim() == 1) return batchedProduct(a.unsqueeze(0), b).squeeze(-2);
        return batchedProduct(a, b);
    }

    static Tensor mm(Tensor a, Tensor b) {
        if (a.dim() != 2) throw new IllegalArgumentException("mm: self must be a matrix, got shape " + Dimensions.shapeText(a.shape()));
        if (b.dim() != 2) throw new IllegalArgumentException("mm: mat2 must be a matrix, got shape " + Dimensions.shapeText(b.shape()));
        checkSameDType(a, b, "mm");
        return batchedProduct(a, b);
    }

    static Tensor bmm(Tensor a, Tensor b) {
        if (a.dim() != 3 || b.dim() != 3) {
            throw new IllegalArgumentException("bmm: batch1 and batch2 must be 3D tensors, got shapes "
                    + Dimensions.shapeText(a.shape()) + " and " + Dimensions.shapeText(b.shape()));
        }
        if (a.size(0) != b.size(0)) {
            throw new IllegalArgumentException("bmm: batch sizes differ: " + Dimensions.shapeText(a.shape()) + " and "
                    + Dimensions.shapeText(b.shape()));
        }
        checkSameDType(a, b, "bmm");
        return batchedProduct(a, b);
    }

    static Tensor mv(Tensor a, Tensor v) {
        if (a.dim() != 2 || v.dim() != 1) {
            throw new IllegalArgumentException("mv: expected a matrix and a vector, got shapes " + Dimensions.shapeText(a.shape())
                    + " and " + Dimensions.shapeText(v.shape()));
        }
        return matmul(a, v);
    }

    static Tensor dot(Tensor a, Tensor b) {
        if (a.dim() != 1 || b.dim() != 1) {
            throw new IllegalArgumentException("1D tensors expected, but got " + a.dim() + "D and " + b.dim() + "D tensors");
        }
        if (a.size(0) != b.size(0)) {
            throw new IllegalArgumentException("inconsistent tensor size, expected tensor [" + a.size(0) + "] and src ["
                    + b.size(0) + "] to have the same number of elements, but got " + a.size(0) + " and " + b.size(0)
                    + " elements respectively");
        }
        checkSameDType(a, b, "dot");
        return batchedProduct(a.unsqueeze(0), b.unsqueeze(1)).reshape();
    }

    static Tensor outer(Tensor a, Tensor b) {
        if (a.dim() != 1 || b.dim() != 1) {
            throw new IllegalArgumentException("outer: expected 1D tensors, got " + a.dim() + "D and " + b.dim() + "D");
        }
        return a.unsqueeze(1).mul(b.unsqueeze(0));
    }

    /** {@code [..., m, k] x [..., k, n]} with broadcast batch dims, on the backend's 3-D GEMM. */
    private static Tensor batchedProduct(Tensor a, Tensor b) {
        Elementwise.checkSameDevice(a, b);
        long[] aShape = a.shape();
        long[] bShape = b.shape();
        long m = aShape[aShape.length - 2];
        long k = aShape[aShape.length - 1];
        long n = bShape[bShape.length - 1];
        if (bShape[bShape.length - 2] != k) {
            throw new IllegalArgumentException("mat1 and mat2 shapes cannot be multiplied (" + matrixText(aShape) + " and "
                    + matrixText(bShape) + ")");
        }
        long[] batch = Broadcasting.broadcastShapes(Arrays.copyOf(aShape, aShape.length - 2), Arrays.copyOf(bShape, bShape.length - 2));
        long batchCount = Dimensions.numel(batch);
        Strided left = asBatch(a, batch, m, k, batchCount);
        Strided right = asBatch(b, batch, k, n, batchCount);
        long[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = Factories.empty(a.dtype(), a.device(), outShape);
        Strided out3 = new Strided(out.storage.buffer, Layout.contiguous(batchCount, m, n), out.dtype());
        a.storage.backend.matmul(left, right, out3);
        if (a.dtype().isFloatingPoint()) {
            OpNode node = OpNode.record(Op.MATMUL, out, a, b);
            if (node != null) node.save(a, b);
        }
        return out;
    }

    /** The operand seen as {@code [batch, rows, cols]}: a view when strides allow, else a contiguous copy. */
    static Strided asBatch(Tensor t, long[] batch, long rows, long cols, long batchCount) {
        if (batch.length == 0 && t.dim() == 2) {
            // a plain matrix is always a view: skip the expand and view layouts (a third of a small product's Java time)
            Layout matrix = t.layout();
            long[] strides = {rows * cols, matrix.stride(0), matrix.stride(1)};
            return new Strided(t.storage.buffer, new Layout(new long[] {1, rows, cols}, strides, matrix.offset()), t.dtype());
        }
        long[] full = Arrays.copyOf(batch, batch.length + 2);
        full[batch.length] = rows;
        full[batch.length + 1] = cols;
        Layout expanded = t.layout().expand(full);
        Layout three = expanded.view(new long[] {batchCount, rows, cols});
        if (three != null) return new Strided(t.storage.buffer, three, t.dtype());
        Tensor copy = Factories.empty(t.dtype(), t.device(), full);
        t.storage.backend.copy(new Strided(t.storage.buffer, expanded, t.dtype()), copy.strided());
        return new Strided(copy.storage.buffer, Layout.contiguous(batchCount, rows, cols), t.dtype());
    }

    private static String matrixText(long[] shape) {
        return shape[shape.length - 2] + "x" + shape[shape.length - 1];
    }

    private static void checkSameDType(Tensor a, Tensor b, String op) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": expected both operands to have the same dtype, but got "
                    + a.dtype() + " != " + b.dtype());
        }
    }
}
