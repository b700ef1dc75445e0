package dev.ember.tensor;

import dev.ember.devices.DType;
import dev.ember.devices.ScanOp;

/**
 * Cumulative sums and products along one dim. Integer and bool inputs give int64, as in
 * PyTorch; floating inputs keep their dtype and are differentiable.
 *
 * <pre>{@code
 * Tensor.of(new long[] {1, 2, 3}).cumsum(0);       // [1, 3, 6] int64
 * Tensor.of(new float[] {1, 2, 3}).cumprod(-1);    // [1., 2., 6.]
 * }</pre>
 */
final class Scans {
    private Scans() {}

    static Tensor cumsum(Tensor t, int dim) { return scan(ScanOp.CUMSUM, Op.CUMSUM, t, dim); }

    static Tensor cumprod(Tensor t, int dim) { return scan(ScanOp.CUMPROD, Op.CUMPROD, t, dim); }

    private static Tensor scan(ScanOp op, Op recorded, Tensor t, int dim) {
        t.storage.buffer.checkOpen();
        int d = Dimensions.wrap(dim, t.dim());
        // A 0-dim input scans as one element; going through a 1-element view keeps the derivative
        // rows free of the 0-dim case.
        if (t.dim() == 0) return scan(op, recorded, t.reshape(1), 0).reshape();
        DType outType = t.dtype().isFloatingPoint() ? t.dtype() : DType.INT64;
        Tensor out = Factories.empty(outType, t.device(), t.shape());
        t.storage.backend.scan(op, t.strided(), d, out.strided());
        OpNode node = OpNode.record(recorded, out, t);
        if (node != null) {
            node.dims(d);
            if (recorded == Op.CUMPROD) node.save(t, out);
        }
        return out;
    }

    /**
     * The gradient of {@code result = x.cumprod(dim)}: {@code grad[k] = sum_{j >= k} g[j] *
     * prod_{i <= j, i != k} x[i]}. Without zeros in {@code x} that is {@code revcumsum(g * result) / x}.
     * With zeros, that division is 0/0 at each zero, so the products leaving out element k are
     * formed explicitly as an {@code [n, n]} table per row (O(n^2) memory along {@code dim}).
     * Written with Tensor ops, so it is differentiable itself.
     */
    static Tensor cumprodBackward(Tensor x, Tensor result, Tensor g, int dim) {
        boolean hasZero = false;
        for (double value : x.detach().toDoubleArray()) {
            if (value == 0) {
                hasZero = true;
                break;
            }
        }
        if (!hasZero) return reverseCumsum(g.mul(result), dim).div(x);
        long n = x.size(dim);
        Tensor xLast = x.transpose(dim, -1);
        Tensor gLast = g.transpose(dim, -1);
        long[] lastShape = xLast.shape();
        long[] pairShape = new long[lastShape.length + 1];
        System.arraycopy(lastShape, 0, pairShape, 0, lastShape.length - 1);
        pairShape[lastShape.length - 1] = n;
        pairShape[lastShape.length] = n;
        boolean[] diagonal = new boolean[Math.toIntExact(n * n)];
        boolean[] upper = new boolean[diagonal.length];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                diagonal[(int) (k * n + j)] = j == k;
                upper[(int) (k * n + j)] = j >= k;
            }
        }
        Tensor diagonalMask = Factories.of(diagonal, new long[] {n, n}).to(x.device());
        Tensor upperMask = Factories.of(upper, new long[] {n, n}).to(x.device());
        // others[..., k, j] = product of x[0..j] with x[k] replaced by 1
        Tensor others = Tensor.where(diagonalMask, 1.0, xLast.unsqueeze(-2).expand(pairShape)).cumprod(-1);
        Tensor terms = Tensor.where(upperMask, others.mul(gLast.unsqueeze(-2)), 0.0);
        return terms.sum(-1).transpose(dim, -1);
    }

    /** {@code out[k] = sum_{j >= k} a[j]} along {@code dim}. */
    private static Tensor reverseCumsum(Tensor a, int dim) {
        return a.flip(dim).cumsum(dim).flip(dim);
    }
}
