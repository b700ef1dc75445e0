package dev.ember.autograd;

/** The engine's view of {@link Scalar}: sums recorded as Scalar ops, copies as constants. */
final class ScalarAlgebra implements GradientAlgebra<Scalar> {

    @Override
    public Scalar add(Scalar left, Scalar right) { return left.add(right); }

    @Override
    public Scalar detachedCopy(Scalar value) { return Scalar.constant(value.value()); }

    @Override
    public boolean isFinite(Scalar value) { return Double.isFinite(value.value()); }
}
