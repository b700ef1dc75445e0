package dev.ember.tensor;

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
        return FunctionNode.apply(name(), inputs, (ctx, arguments) -> new Tensor[] {forward(ctx, arguments)},
                (ctx, gradOutputs) -> backward(ctx, gradOutputs[0]))[0];
    }
}
