package dev.ember.tensor;

import dev.ember.autograd.Edge;
import dev.ember.autograd.GradMode;
import dev.ember.autograd.Node;
import dev.ember.devices.DType;
import dev.ember.devices.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The backward node of one application of a {@link Function} or {@link MultiOutputFunction}:
 * it runs the forward with grad off, gives the outputs their history, and in backward calls
 * the user's backward and fits each gradient to its input (summing a broadcast gradient back,
 * converting its dtype).
 */
final class FunctionNode extends Node<Tensor> {
    /** The user's forward, run with grad off. */
    interface Forward { Tensor[] apply(FunctionContext ctx, Tensor[] inputs); }

    /** The user's backward: one gradient per input from one per output (none null). */
    interface Backward { Tensor[] apply(FunctionContext ctx, Tensor[] gradOutputs); }

    private final Backward backward;
    private final FunctionContext ctx;
    private final long[][] inputShapes;
    private final DType[] inputTypes;
    private final long[][] outputShapes;
    private final DType[] outputTypes;
    private final Device[] outputDevices;

    private FunctionNode(String name, Backward backward, FunctionContext ctx, List<Edge<Tensor>> edges, Tensor[] inputs,
                         Tensor[] outputs) {
        super(name, edges, outputs.length);
        this.backward = backward;
        this.ctx = ctx;
        this.inputShapes = new long[inputs.length][];
        this.inputTypes = new DType[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            inputShapes[i] = inputs[i] == null ? null : inputs[i].shape();
            inputTypes[i] = inputs[i] == null ? null : inputs[i].dtype();
        }
        this.outputShapes = new long[outputs.length][];
        this.outputTypes = new DType[outputs.length];
        this.outputDevices = new Device[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            outputShapes[i] = outputs[i].shape();
            outputTypes[i] = outputs[i].dtype();
            outputDevices[i] = outputs[i].device();
        }
    }

    /**
     * Runs {@code forward} on {@code inputs} and, when some input requires grad and grad mode is
     * on, makes its floating-point outputs the outputs of one new node whose backward is
     * {@code backward}; returns the outputs.
     */
    static Tensor[] apply(String name, Tensor[] inputs, Forward forward, Backward backward) {
        Tensor[] arguments = inputs.clone();
        FunctionContext ctx = new FunctionContext(name);
        boolean[] needs = new boolean[arguments.length];
        boolean any = false;
        for (int i = 0; i < arguments.length; i++) {
            needs[i] = arguments[i] != null && arguments[i].requiresGrad();
            any |= needs[i];
        }
        ctx.setNeedsInputGrad(needs);
        Tensor[] results;
        try (var mode = GradMode.noGrad()) {
            results = forward.apply(ctx, arguments);
        }
        if (results == null) throw new IllegalStateException(name + ": forward returned null");
        results = results.clone();
        for (int i = 0; i < results.length; i++) {
            if (results[i] == null) {
                throw new IllegalStateException(name + ": forward returned null" + (results.length > 1 ? " for output " + i : ""));
            }
        }
        if (!any || !GradMode.isEnabled()) return results;
        for (int i = 0; i < results.length; i++) {
            // An output that is an input, or has history of its own (another output, say), must keep it.
            Tensor result = results[i];
            if (!result.isFloatingPoint()) continue;
            boolean isInput = false;
            for (Tensor input : arguments) isInput |= input == result;
            if (isInput || result.gradFn != null || result.requiresGrad()) results[i] = result.detach();
        }
        List<Edge<Tensor>> edges = new ArrayList<>(arguments.length);
        for (int i = 0; i < arguments.length; i++) edges.add(needs[i] ? arguments[i].gradientEdge() : null);
        FunctionNode node = new FunctionNode(name, backward, ctx, edges, arguments, results);
        for (int i = 0; i < results.length; i++) {
            if (!results[i].isFloatingPoint()) continue;
            results[i].gradFn = node;
            results[i].outputIndex = i;
        }
        return results;
    }

    @Override
    protected List<Tensor> apply(List<Tensor> gradOutputs) {
        Tensor[] given = new Tensor[gradOutputs.size()];
        for (int i = 0; i < given.length; i++) {
            Tensor g = gradOutputs.get(i);
            // PyTorch's default (materialize_grads): an output no gradient reached gets zeros.
            given[i] = g != null ? g : Factories.full(outputTypes[i], 0, outputShapes[i], outputDevices[i]);
        }
        Tensor[] gradients = backward.apply(ctx, given);
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
