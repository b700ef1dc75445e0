package dev.ember.tensor;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;

/**
 * Sorting and top-k along one dim, with PyTorch's semantics: the sort is stable (equal
 * elements keep their order, ascending or descending) and NaN sorts as the largest value.
 * Sorted values are differentiable: when the input requires grad they are gathered from it
 * with the sort's indices, so the gradient is scattered back to where each value came from.
 *
 * <pre>{@code
 * Sorting.Result r = Tensor.of(new float[] {3, 1, 2}).topk(2, 0, true);
 * r.values();   // [3, 2]     r.indices();   // [0, 2]
 * }</pre>
 */
public final class Sorting {
    private Sorting() {}

    /**
     * Sorted values and the int64 indices they came from along the sorted dim.
     *
     * <pre>{@code
     * Sorting.Result r = x.sortWithIndices(-1, false);
     * Tensor same = x.gather(-1, r.indices());   // equals r.values()
     * }</pre>
     */
    public record Result(Tensor values, Tensor indices) {}

    static Result sort(Tensor t, int dim, boolean descending) {
        int d = Dimensions.wrap(dim, t.dim());
        Result sorted = sortUnrecorded(t, d, descending);
        if (GradMode.isEnabled() && t.requiresGrad()) return new Result(t.gather(d, sorted.indices()), sorted.indices());
        return sorted;
    }

    static Result topk(Tensor t, long k, int dim, boolean largest) {
        t.storage.buffer.checkOpen();
        int d = Dimensions.wrap(dim, t.dim());
        long size = t.dim() == 0 ? 1 : t.layout().size(d);
        if (k < 0 || k > size) {
            throw new IllegalArgumentException("topk(): selected index k out of range (k = " + k + ", but dimension " + d
                    + " has size " + size + ")");
        }
        if (t.dim() == 0) {
            if (k == 1) return sort(t, d, largest);
            return new Result(Factories.empty(t.dtype(), t.device(), 0), Factories.empty(DType.INT64, t.device(), 0));
        }
        Result sorted = sortUnrecorded(t, d, largest);
        Tensor indices = sorted.indices().narrow(d, 0, k).contiguous();
        Tensor values = GradMode.isEnabled() && t.requiresGrad() ? t.gather(d, indices)
                : sorted.values().narrow(d, 0, k).contiguous();
        return new Result(values, indices);
    }

    private static Result sortUnrecorded(Tensor t, int dim, boolean descending) {
        t.storage.buffer.checkOpen();
        Tensor values = Factories.empty(t.dtype(), t.device(), t.shape());
        Tensor indices = Factories.empty(DType.INT64, t.device(), t.shape());
        t.storage.backend.sort(t.strided(), dim, descending, values.strided(), indices.strided());
        return new Result(values, indices);
    }
}
