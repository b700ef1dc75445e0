package dev.ember.tensor;

import dev.ember.autograd.GradientAlgebra;
import dev.ember.autograd.Node;

/** The engine's view of tensors as gradient values. */
final class TensorAlgebra implements GradientAlgebra<Tensor> {
    static final TensorAlgebra INSTANCE = new TensorAlgebra();

    private TensorAlgebra() {}

    @Override
    public Tensor add(Tensor left, Tensor right) { return left.add(right); }

    /** In place when the sum keeps {@code owned}'s shape, dtype and device (the engine runs this without grad mode). */
    @Override
    public Tensor addInto(Tensor owned, Tensor addend) {
        boolean sameKind = owned.dtype() == addend.dtype() && owned.device().equals(addend.device())
                && java.util.Arrays.equals(owned.shape(), addend.shape());
        return sameKind ? owned.add_(addend) : owned.add(addend);
    }

    @Override
    public Tensor detachedCopy(Tensor value) { return value.detach().clone(); }

    @Override
    public long allocationMark() { return Storage.created(); }

    /**
     * A built-in derivative's result that covers the whole of a storage made during this
     * backward pass, each element once (a transposed view of it still does). Custom functions'
     * gradients are never kept: their code may hold on to what it returns.
     */
    @Override
    public boolean isOwnedGradient(Node<Tensor> producer, Tensor value, long mark) {
        if (producer != null && !(producer instanceof OpNode)) return false;
        return value.storage.serial > mark && value.gradFn() == null && value.layout.offset() == 0
                && value.storage.buffer.byteSize() == value.numel() * value.dtype().byteSize() && isDensePermutation(value.layout);
    }

    /** True when some order of the dims makes the layout row-major: every element of its span exactly once. */
    private static boolean isDensePermutation(dev.ember.devices.Layout layout) {
        if (layout.isContiguous()) return true;
        long[] shape = layout.shape();
        Integer[] order = new Integer[shape.length];
        for (int d = 0; d < order.length; d++) order[d] = d;
        java.util.Arrays.sort(order, java.util.Comparator.comparingLong(d -> layout.stride(d)));
        long expected = 1;
        for (int d : order) {
            if (shape[d] == 1) continue;
            if (layout.stride(d) != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /**
     * Closes the gradient when a built-in derivative consumed it: their formulas keep nothing
     * they are given. A custom function's backward is the user's code and might, so its
     * gradients are left to the collector.
     */
    @Override
    public void release(Node<Tensor> consumer, Tensor value) {
        if (consumer instanceof OpNode) value.close();
    }

    @Override
    public boolean isLeafLayout(Tensor value) { return value.layout.isContiguous(); }

    @Override
    public boolean sharesMemory(Tensor left, Tensor right) { return left.storage == right.storage; }

    @Override
    public boolean isFinite(Tensor value) {
        return !value.dtype().isFloatingPoint() || value.isfinite().all().item() != 0;
    }
}
