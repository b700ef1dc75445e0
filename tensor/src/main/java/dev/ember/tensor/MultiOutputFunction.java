package dev.ember.tensor;

/**
 * A user-defined differentiable operation with several outputs, like a
 * {@code torch.autograd.Function} whose forward returns a tuple: all outputs share one node,
 * and backward receives one gradient per output (zeros for an output no gradient reached, as
 * PyTorch materialises them) and returns one per input.
 *
 * <pre>{@code
 * class SumAndProduct extends MultiOutputFunction {
 *     protected Tensor[] forward(FunctionContext ctx, Tensor... inputs) {
 *         ctx.saveForBackward(inputs[0], inputs[1]);
 *         return new Tensor[] {inputs[0].add(inputs[1]), inputs[0].mul(inputs[1])};
 *     }
 *     protected Tensor[] backward(FunctionContext ctx, Tensor... gradOutputs) {
 *         Tensor[] saved = ctx.savedTensors();
 *         Tensor sum = gradOutputs[0];
 *         return new Tensor[] {sum.add(gradOutputs[1].mul(saved[1])), sum.add(gradOutputs[1].mul(saved[0]))};
 *     }
 * }
 * Tensor[] both = new SumAndProduct().apply(x, y);   // both[i].gradFn().name() is "SumAndProductBackward"
 * }</pre>
 *
 * <p>As with {@link Function}, a backward written with tensor ops is differentiable again, and
 * a gradient that broadcasts to its input's shape is summed back to that shape. Outputs that
 * are not floating point get no gradient.
 */
public abstract class MultiOutputFunction {

    /** Computes the outputs from {@code inputs}; runs with grad mode off. */
    protected abstract Tensor[] forward(FunctionContext ctx, Tensor... inputs);

    /** One gradient per forward input (null for an input that gets none), from one per output. */
    protected abstract Tensor[] backward(FunctionContext ctx, Tensor... gradOutputs);

    /** The name of the backward node, PyTorch style: the class name followed by {@code Backward}. */
    public String name() {
        String simple = getClass().getSimpleName();
        return (simple.isEmpty() ? "Function" : simple) + "Backward";
    }

    /** Runs {@link #forward} and, when some input requires grad and grad mode is on, records one node for all outputs. */
    public final Tensor[] apply(Tensor... inputs) {
        return FunctionNode.apply(name(), inputs, this::forward, this::backward);
    }
}
