package dev.ember.tensor;

import dev.ember.autograd.GradientAlgebra;

/** The engine's view of tensors as gradient values. */
final class TensorAlgebra implements GradientAlgebra<Tensor> {
    static final TensorAlgebra INSTANCE = new TensorAlgebra();

    private TensorAlgebra() {}

    @Override
    public Tensor add(Tensor left, Tensor right) { return left.add(right); }

    @Override
    public Tensor detachedCopy(Tensor value) { return value.detach().clone(); }

    @Override
    public boolean isFinite(Tensor value) {
        return !value.dtype().isFloatingPoint() || value.isfinite().all().item() != 0;
    }
}
