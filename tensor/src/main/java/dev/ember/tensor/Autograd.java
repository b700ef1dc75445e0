package dev.ember.tensor;

import dev.ember.autograd.Edge;
import dev.ember.autograd.Engine;
import dev.ember.autograd.GradMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The functional autograd API, like {@code torch.autograd} and {@code torch.autograd.functional}:
 * gradients of outputs with respect to chosen inputs without touching {@code .grad}, and
 * Jacobians, Hessians, vector-Jacobian and Jacobian-vector products of Java functions.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {1, 2}).requiresGrad_(true);
 * Tensor y = x.pow(3).sum();
 * List<Tensor> dx = Autograd.grad(List.of(y), List.of(x), true);   // 3x^2, itself differentiable
 * Tensor h = Autograd.hessian(v -> v.pow(3).sum(), x);              // diag(6x)
 * }</pre>
 */
public final class Autograd {
    private Autograd() {}

    /** Gradients of {@code outputs} (scalars) with respect to {@code inputs}; retains the graph when creating one. */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, boolean createGraph) {
        return grad(outputs, inputs, null, createGraph, createGraph, false);
    }

    /**
     * The general form: {@code gradOutputs} weights each output (null means ones for scalars);
     * with {@code allowUnused} an input the outputs do not depend on gets null instead of an error.
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs,
                                    boolean retainGraph, boolean createGraph, boolean allowUnused) {
        List<Edge<Tensor>> roots = new ArrayList<>();
        List<Tensor> rootGradients = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            Tensor output = outputs.get(i);
            Edge<Tensor> edge = output.gradientEdge();
            if (edge == null) {
                throw new IllegalStateException("element " + i + " of tensors does not require grad and does not have a grad_fn");
            }
            Tensor given = gradOutputs == null ? null : gradOutputs.get(i);
            if (given == null && output.numel() != 1) {
                throw new IllegalStateException("grad can be implicitly created only for scalar outputs, but output " + i
                        + " has shape " + Dimensions.shapeText(output.shape()));
            }
            roots.add(edge);
            rootGradients.add(checkRootGradient(output, given == null ? Tensor.onesLike(output) : given));
        }
        List<Edge<Tensor>> captures = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Edge<Tensor> edge = inputs.get(i).gradientEdge();
            if (edge == null) throw new IllegalStateException("input " + i + " of grad does not require grad");
            captures.add(edge);
        }
        List<Tensor> result = Engine.grad(TensorAlgebra.INSTANCE, roots, rootGradients, captures, retainGraph, createGraph);
        for (int i = 0; i < result.size(); i++) {
            if (result.get(i) == null && !allowUnused) {
                throw new IllegalStateException("One of the differentiated Tensors (input " + i + ") appears to not have "
                        + "been used in the graph. Set allowUnused=true if this is the desired behavior.");
            }
        }
        return result;
    }

    static Tensor checkRootGradient(Tensor output, Tensor gradient) {
        if (!Arrays.equals(output.shape(), gradient.shape())) {
            throw new IllegalArgumentException("Mismatch in shape: grad_output has a shape of "
                    + Dimensions.shapeText(gradient.shape()) + " and output has a shape of " + Dimensions.shapeText(output.shape()));
        }
        return gradient.dtype() == output.dtype() ? gradient : gradient.to(output.dtype());
    }

    // ---------------------------------------------------------------- torch.autograd.functional

    /**
     * The Jacobian of {@code f} at {@code input}, of shape {@code f(input).shape + input.shape}:
     * entry {@code [i..., j...]} is {@code d f(input)[i...] / d input[j...]}. Computed one output
     * element at a time by reverse mode. Outputs that do not depend on the input give zeros.
     *
     * <pre>{@code
     * Tensor a = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
     * Tensor j = Autograd.jacobian(x -> a.mv(x), Tensor.of(new double[] {5, 6}));   // equals a
     * }</pre>
     */
    public static Tensor jacobian(java.util.function.Function<Tensor, Tensor> f, Tensor input) {
        return jacobian(f, input, false);
    }

    /** With {@code createGraph} the Jacobian is itself differentiable with respect to {@code input}. */
    public static Tensor jacobian(java.util.function.Function<Tensor, Tensor> f, Tensor input, boolean createGraph) {
        Tensor x = differentiableInput(input, createGraph);
        Tensor output;
        try (var mode = GradMode.enableGrad()) {
            output = checkOutput(f.apply(x), "jacobian");
            Tensor jacobian = jacobianOf(output, x, createGraph);
            return createGraph ? jacobian : jacobian.detach();
        }
    }

    /**
     * The Hessian of a scalar function, of shape {@code input.shape + input.shape}: the
     * Jacobian of its gradient, which is computed with {@code createGraph}.
     *
     * <pre>{@code
     * Tensor a = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
     * Tensor h = Autograd.hessian(x -> x.dot(a.mv(x)), Tensor.of(new double[] {1, 1}));   // a + a^T
     * }</pre>
     */
    public static Tensor hessian(java.util.function.Function<Tensor, Tensor> scalarFunction, Tensor input) {
        return hessian(scalarFunction, input, false);
    }

    public static Tensor hessian(java.util.function.Function<Tensor, Tensor> scalarFunction, Tensor input,
                                 boolean createGraph) {
        return jacobian(x -> {
            Tensor y = checkOutput(scalarFunction.apply(x), "hessian");
            if (y.numel() != 1) {
                throw new IllegalArgumentException("hessian: the function must return a single-element tensor, but it "
                        + "returned shape " + Dimensions.shapeText(y.shape()));
            }
            if (!y.requiresGrad()) return Tensor.zerosLike(x);
            Tensor gradient = grad(List.of(y), List.of(x), null, true, true, true).get(0);
            return gradient == null ? Tensor.zerosLike(x) : gradient;
        }, input, createGraph);
    }

    /**
     * The vector-Jacobian product {@code v^T J} of {@code f} at {@code input}, as
     * {@code List.of(f(input), vjp)}; {@code v} has the output's shape (null for a scalar
     * output, meaning 1).
     *
     * <pre>{@code
     * List<Tensor> r = Autograd.vjp(x -> x.mul(x), Tensor.of(new double[] {1, 2}), Tensor.of(new double[] {1, 1}));
     * // r.get(1) is [2, 4]
     * }</pre>
     */
    public static List<Tensor> vjp(java.util.function.Function<Tensor, Tensor> f, Tensor input, Tensor v) {
        return vjp(f, input, v, false);
    }

    public static List<Tensor> vjp(java.util.function.Function<Tensor, Tensor> f, Tensor input, Tensor v,
                                   boolean createGraph) {
        Tensor x = differentiableInput(input, createGraph);
        try (var mode = GradMode.enableGrad()) {
            Tensor output = checkOutput(f.apply(x), "vjp");
            Tensor weights = checkVector(v, output, "vjp", "output");
            Tensor product = null;
            if (output.requiresGrad()) {
                product = grad(List.of(output), List.of(x), List.of(weights), createGraph, createGraph, true).get(0);
            }
            if (product == null) product = Tensor.zerosLike(x);
            return createGraph ? List.of(output, product) : List.of(output.detach(), product.detach());
        }
    }

    /**
     * The Jacobian-vector product {@code J v} of {@code f} at {@code input}, as
     * {@code List.of(f(input), jvp)}; {@code v} has the input's shape. Computed with two reverse
     * passes: {@code g(u) = J^T u} is linear in {@code u}, so its vector-Jacobian product with
     * {@code v} is {@code J v}.
     *
     * <pre>{@code
     * List<Tensor> r = Autograd.jvp(x -> x.mul(x), Tensor.of(new double[] {1, 2}), Tensor.of(new double[] {1, 1}));
     * // r.get(1) is [2, 4]
     * }</pre>
     */
    public static List<Tensor> jvp(java.util.function.Function<Tensor, Tensor> f, Tensor input, Tensor v) {
        return jvp(f, input, v, false);
    }

    public static List<Tensor> jvp(java.util.function.Function<Tensor, Tensor> f, Tensor input, Tensor v,
                                   boolean createGraph) {
        Tensor x = differentiableInput(input, createGraph);
        Tensor tangent = checkVector(v, x, "jvp", "input");
        try (var mode = GradMode.enableGrad()) {
            Tensor output = checkOutput(f.apply(x), "jvp");
            Tensor product = null;
            if (output.requiresGrad()) {
                Tensor dummy = Tensor.zerosLike(output).requiresGrad_(true);
                Tensor transposed = grad(List.of(output), List.of(x), List.of(dummy), true, true, true).get(0);
                if (transposed != null && transposed.requiresGrad()) {
                    product = grad(List.of(transposed), List.of(dummy), List.of(tangent), createGraph, createGraph, true)
                            .get(0);
                }
            }
            if (product == null) product = Tensor.zerosLike(output);
            return createGraph ? List.of(output, product) : List.of(output.detach(), product.detach());
        }
    }

    /**
     * A tensor to differentiate with respect to: with {@code createGraph} an input that already
     * requires grad keeps its history (through a view) so results stay differentiable;
     * otherwise a fresh leaf sharing the input's memory.
     */
    private static Tensor differentiableInput(Tensor input, boolean createGraph) {
        if (!input.isFloatingPoint()) {
            throw new IllegalArgumentException("only floating point inputs can be differentiated, got " + input.dtype());
        }
        if (createGraph && input.requiresGrad()) {
            try (var mode = GradMode.enableGrad()) {
                return input.viewAs(input);
            }
        }
        try (var mode = GradMode.enableGrad()) {
            return input.detach().requiresGrad_(true);
        }
    }

    private static Tensor checkOutput(Tensor output, String function) {
        if (output == null) throw new IllegalArgumentException(function + ": the function returned null");
        if (!output.isFloatingPoint()) {
            throw new IllegalArgumentException(function + ": the function must return a floating point tensor, got "
                    + output.dtype());
        }
        return output;
    }

    private static Tensor checkVector(Tensor v, Tensor like, String function, String what) {
        if (v == null) {
            if (like.numel() != 1) {
                throw new IllegalArgumentException(function + ": v can only be omitted when the " + what
                        + " has a single element, but it has shape " + Dimensions.shapeText(like.shape()));
            }
            return Tensor.onesLike(like);
        }
        if (!Arrays.equals(v.shape(), like.shape())) {
            throw new IllegalArgumentException(function + ": v has shape " + Dimensions.shapeText(v.shape())
                    + " but the " + what + " has shape " + Dimensions.shapeText(like.shape()));
        }
        return v.dtype() == like.dtype() ? v : v.to(like.dtype());
    }

    /** Rows {@code d output[i] / d x} for every output element, stacked and shaped output.shape + x.shape. */
    private static Tensor jacobianOf(Tensor output, Tensor x, boolean createGraph) {
        long[] outShape = output.shape();
        long[] inShape = x.shape();
        long[] resultShape = new long[outShape.length + inShape.length];
        System.arraycopy(outShape, 0, resultShape, 0, outShape.length);
        System.arraycopy(inShape, 0, resultShape, outShape.length, inShape.length);
        int rows = Math.toIntExact(output.numel());
        if (!output.requiresGrad() || rows == 0 || x.numel() == 0) {
            return Tensor.zeros(x.dtype(), resultShape).to(x.device());
        }
        List<Tensor> gradients = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            Tensor row = grad(List.of(output), List.of(x), List.of(oneHot(output, i)), true, createGraph, true).get(0);
            gradients.add((row == null ? Tensor.zerosLike(x) : row).reshape(-1));
        }
        return Tensor.stack(gradients, 0).reshape(resultShape);
    }

    /** A tensor shaped like {@code like} that is 1 at flat position {@code index} and 0 elsewhere. */
    static Tensor oneHot(Tensor like, long index) {
        double[] values = new double[Math.toIntExact(like.numel())];
        values[Math.toIntExact(index)] = 1;
        try (var mode = GradMode.noGrad()) {
            return Tensor.of(values, values.length).reshape(like.shape()).to(like.dtype()).to(like.device());
        }
    }
}
