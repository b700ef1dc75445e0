package dev.ember.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A differentiable double for the engine's own tests, micrograd-style. Every derivative is
 * written with Scalar ops, so a backward run with {@code createGraph} records a graph of its
 * own and higher-order gradients come for free.
 *
 * <pre>{@code
 * Scalar x = Scalar.parameter(2);
 * x.pow(3).backward();   // x.grad().value() == 12
 * }</pre>
 */
final class Scalar implements Leaf<Scalar> {

    static final ScalarAlgebra ALGEBRA = new ScalarAlgebra();

    private final double value;
    private final boolean leafRequiresGrad;
    private final Node<Scalar> gradFn;
    private final int outputIndex;
    private AccumulateGradient<Scalar> accumulator;
    private Scalar grad;

    private Scalar(double value, boolean leafRequiresGrad, Node<Scalar> gradFn, int outputIndex) {
        this.value = value;
        this.leafRequiresGrad = leafRequiresGrad;
        this.gradFn = gradFn;
        this.outputIndex = outputIndex;
    }

    /** A value that never needs a gradient. */
    static Scalar constant(double value) { return new Scalar(value, false, null, 0); }

    /** A leaf that requires grad: backward accumulates into its {@link #grad()}. */
    static Scalar parameter(double value) { return new Scalar(value, true, null, 0); }

    /** Output {@code outputIndex} of a hand-written node, for tests that build nodes directly. */
    static Scalar output(double value, Node<Scalar> gradFn, int outputIndex) {
        return new Scalar(value, false, gradFn, outputIndex);
    }

    double value() { return value; }

    boolean requiresGrad() { return leafRequiresGrad || gradFn != null; }

    Node<Scalar> gradFn() { return gradFn; }

    Scalar detach() { return constant(value); }

    /** Where a gradient for this value enters the backward graph, or null when it needs none. */
    Edge<Scalar> gradientEdge() {
        if (gradFn != null) return new Edge<>(gradFn, outputIndex);
        if (leafRequiresGrad) return new Edge<>(accumulator(), 0);
        return null;
    }

    /** The one node that accumulates into this leaf, shared by every graph that uses it. */
    AccumulateGradient<Scalar> accumulator() {
        if (!leafRequiresGrad) throw new IllegalStateException("only a leaf that requires grad has an accumulator");
        if (accumulator == null) accumulator = new AccumulateGradient<>(this, ALGEBRA);
        return accumulator;
    }

    @Override
    public Scalar grad() { return grad; }

    @Override
    public void setGrad(Scalar grad) { this.grad = grad; }

    /** A hook on the gradient arriving at this value, like {@code Tensor.register_hook}. */
    RemovableHandle registerHook(UnaryOperator<Scalar> hook) {
        Edge<Scalar> edge = gradientEdge();
        if (edge == null) throw new IllegalStateException("cannot hook a value that does not require grad");
        return edge.node().registerPreHook(edge.outputIndex(), hook);
    }

    void backward() { backward(false, false); }

    void backward(boolean retainGraph, boolean createGraph) {
        Engine.backward(ALGEBRA, List.of(gradientEdge()), List.of(constant(1)), retainGraph, createGraph);
    }

    /** {@code torch.autograd.grad(output, inputs)}: null for an input no gradient reached. */
    static List<Scalar> grad(Scalar output, List<Scalar> inputs, boolean retainGraph, boolean createGraph) {
        List<Edge<Scalar>> edges = new ArrayList<>();
        for (Scalar input : inputs) edges.add(input.gradientEdge());
        return Engine.grad(ALGEBRA, List.of(output.gradientEdge()), List.of(constant(1)), edges, retainGraph, createGraph);
    }

    Scalar add(Scalar other) {
        return record("AddBackward", value + other.value, (g, in, out) -> new Scalar[] {g, g}, this, other);
    }

    Scalar sub(Scalar other) {
        return record("SubBackward", value - other.value, (g, in, out) -> new Scalar[] {g, g.neg()}, this, other);
    }

    Scalar mul(Scalar other) {
        return record("MulBackward", value * other.value,
                (g, in, out) -> new Scalar[] {g.mul(in[1]), g.mul(in[0])}, this, other);
    }

    Scalar div(Scalar other) {
        return record("DivBackward", value / other.value,
                (g, in, out) -> new Scalar[] {g.div(in[1]), g.mul(in[0]).div(in[1].mul(in[1])).neg()}, this, other);
    }

    Scalar pow(double exponent) {
        return record("PowBackward", Math.pow(value, exponent),
                (g, in, out) -> new Scalar[] {g.mul(in[0].pow(exponent - 1).mul(exponent))}, this);
    }

    Scalar tanh() {
        return record("TanhBackward", Math.tanh(value),
                (g, in, out) -> new Scalar[] {g.mul(constant(1).sub(out.mul(out)))}, this);
    }

    Scalar exp() {
        return record("ExpBackward", Math.exp(value), (g, in, out) -> new Scalar[] {g.mul(out)}, this);
    }

    Scalar log() {
        return record("LogBackward", Math.log(value), (g, in, out) -> new Scalar[] {g.div(in[0])}, this);
    }

    Scalar neg() {
        return record("NegBackward", -value, (g, in, out) -> new Scalar[] {g.neg()}, this);
    }

    Scalar relu() {
        return record("ReluBackward", Math.max(value, 0),
                (g, in, out) -> new Scalar[] {g.mul(constant(in[0].value > 0 ? 1 : 0))}, this);
    }

    Scalar add(double other) { return add(constant(other)); }

    Scalar sub(double other) { return sub(constant(other)); }

    Scalar mul(double other) { return mul(constant(other)); }

    Scalar div(double other) { return div(constant(other)); }

    @Override
    public String toString() { return "Scalar(" + value + (gradFn != null ? ", " + gradFn : "") + ")"; }

    private static Scalar record(String name, double value, Derivative derivative, Scalar... inputs) {
        boolean anyRequiresGrad = false;
        for (Scalar input : inputs) anyRequiresGrad |= input.requiresGrad();
        if (!GradMode.isEnabled() || !anyRequiresGrad) return constant(value);
        OpNode node = new OpNode(name, inputs, derivative);
        Scalar result = new Scalar(value, false, node, 0);
        node.result = result;
        return result;
    }

    /** Input gradients from the output gradient, the saved inputs and the saved result. */
    @FunctionalInterface
    interface Derivative {
        Scalar[] apply(Scalar gradOutput, Scalar[] inputs, Scalar result);
    }

    /** The backward node of one op; counts its runs so tests can check each node runs once. */
    static final class OpNode extends Node<Scalar> {
        private final Derivative derivative;
        private Scalar[] inputs;
        private Scalar result;
        private int applyCount;

        OpNode(String name, Scalar[] inputs, Derivative derivative) {
            super(name, edgesOf(inputs), 1);
            this.inputs = inputs;
            this.derivative = derivative;
        }

        int applyCount() { return applyCount; }

        @Override
        protected List<Scalar> apply(List<Scalar> gradOutputs) {
            applyCount++;
            return Arrays.asList(derivative.apply(gradOutputs.get(0), inputs, result));
        }

        @Override
        protected void releaseSavedValues() {
            inputs = null;
            result = null;
        }

        private static List<Edge<Scalar>> edgesOf(Scalar[] inputs) {
            List<Edge<Scalar>> edges = new ArrayList<>(inputs.length);
            for (Scalar input : inputs) edges.add(input.gradientEdge());
            return edges;
        }
    }
}
