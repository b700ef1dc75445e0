package dev.ember.tensor;

import dev.ember.autograd.Edge;
import dev.ember.autograd.GradMode;
import dev.ember.autograd.Node;
import dev.ember.devices.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A user-defined differentiable operation, like {@code torch.autograd.Function}: the subclass
 * writes the forward computation (run with grad disabled) and its backward; {@link #apply}
 * records one node in the graph whose backward is the subclass's.
 *
 * <pre>{@code
 * class Exp extends Function {
 *     protected Tensor forward(FunctionContext ctx, Tensor... inputs) {
 *         Tensor result = inputs[0].exp();
 *         ctx.saveForBackward(result);
 *         return result;
 *     }
 *     protected Tensor[] backward(FunctionContext ctx, Tensor gradOutput) {
 *         return new Tensor[] {gradOutput.mul(ctx.savedTensors()[0])};
 *     }
 * }
 * Tensor y = new Exp().apply(x);   // y.gradFn().name() is "ExpBackward"
 * }</pre>
 *
 * <p>Backward written with tensor ops is differentiable again, so higher-order gradients
 * work through a custom function when its backward only uses differentiable ops. A gradient
 * whose shape broadcasts to its input's shape is summed back to that shape.
 */
public abstract class Function {

    /** Computes the output from {@code inputs}; runs with grad mode off. */
    protected abstract Tensor forward(FunctionContext ctx, Tensor... inputs);

    /**
     * One gradient per forward input (null for an input that gets none), from the gradient of
     * the output.
     */
    protected abstract Tensor[] backward(FunctionContext ctx, Tensor gradOutput);

    /** The name of the backward node, PyTorch style: the class name followed by {@code Backward}. */
    public String name() {
        String simple = getClass().getSimpleName();
        return (simple.isEmpty() ? "Function" : simple) + "Backward";
    }

    /** Runs {@link #forward} and, when some input requires grad and grad mode is on, records the backward. */
    public final Tensor apply(Tensor... inputs) {
        Tensor[] arguments = inputs.clone();
        String nodeName = name();
        FunctionContext ctx = new FunctionContext(nodeName);
        boolean[] needs = new boolean[arguments.length];
        boolean any = false;
        for (int i = 0; i < arguments.length; i++) {
            needs[i] = arguments[i] != null && arguments[i].requiresGrad();
            any |= needs[i];
        }
        ctx.setNeedsInputGrad(needs);
        boolean record = any && GradMode.isEnabled();
        Tensor result;
        try (var mode = GradMode.noGrad()) {
            result = forward(ctx, arguments);
        }
        if (result == null) throw new IllegalStateException(nodeName + ": forward returned null");
        if (!record || !result.isFloatingPoint()) return result;
        // A forward that returns an input (or any tensor with history) must not have that tensor's history replaced.
        for (Tensor input : arguments) {
            if (input == result) {
                result = result.detach();
                break;
            }
        }
        if (result.gradFn != null || result.requiresGrad()) result = result.detach();

        List<Edge<Tensor>> edges = new ArrayList<>(arguments.length);
        long[][] shapes = new long[arguments.length][];
        for (int i = 0; i < arguments.length; i++) {
            edges.add(needs[i] ? arguments[i].gradientEdge() : null);
            shapes[i] = arguments[i] == null ? null : arguments[i].shape();
        }
        DType[] types = new DType[arguments.length];
        for (int i = 0; i < arguments.length; i++) types[i] = arguments[i] == null ? null : arguments[i].dtype();
        result.gradFn = new CustomNode(this, ctx, nodeName, edges, shapes, types);
        result.outputIndex = 0;
        return result;
    }

    /** The backward node of one application: calls the user's backward and fits each gradient to its input. */
    private static final class CustomNode extends Node<Tensor> {
        private final Function function;
        private final FunctionContext ctx;
        private final long[][] inputShapes;
        private final DType[] inputTypes;

        CustomNode(Function function, FunctionContext ctx, String name, List<Edge<Tensor>> edges, long[][] inputShapes,
                   DType[] inputTypes) {
            super(name, edges, 1);
            this.function = function;
            this.ctx = ctx;
            this.inputShapes = inputShapes;
            this.inputTypes = inputTypes;
        }

        @Override
        protected List<Tensor> apply(List<Tensor> gradOutputs) {
            Tensor[] gradients = function.backward(ctx, gradOutputs.get(0));
            int expected = inputShapes.length;
            if (gradients == null || gradients.length != expected) {
                throw new IllegalStateException("function " + name() + " returned an incorrect number of gradients "
                        + "(expected " + expected + ", got " + (gradients == null ? "null" : gradients.length) + ")");
            }
            List<Tensor> result = new ArrayList<>(expected);
            List<Edge<Tensor>> edges = nextEdges();
            for (int i = 0; i < expected; i++) {
                Tensor g = gradients[i];
                if (g == null || edges.get(i) == null) {
                    result.add(null);
                    continue;
                }
                if (!Arrays.equals(g.shape(), inputShapes[i])) g = fitShape(g, i);
                if (g.dtype() != inputTypes[i]) g = g.to(inputTypes[i]);
                result.add(g);
            }
            return result;
        }

        private Tensor fitShape(Tensor g, int i) {
            long[] target = inputShapes[i];
            boolean broadcastable = g.dim() >= target.length;
            for (int d = 0; broadcastable && d < target.length; d++) {
                long size = g.shape()[g.dim() - target.length + d];
                broadcastable = target[d] == size || target[d] == 1;
            }
            if (!broadcastable) {
                throw new IllegalStateException("function " + name() + " returned an invalid gradient at index " + i
                        + " - got " + Dimensions.shapeText(g.shape()) + " but expected shape compatible with "
                        + Dimensions.shapeText(target));
            }
            return Broadcasting.sumToShape(g, target);
        }

        @Override
        protected void releaseSavedValues() { ctx.release(); }
    }
}
