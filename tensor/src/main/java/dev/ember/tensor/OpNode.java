package dev.ember.tensor;

import dev.ember.autograd.Edge;
import dev.ember.autograd.GradMode;
import dev.ember.autograd.Node;
import dev.ember.devices.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The backward node of one recorded op: which {@link Op}, the tensors it saved (with their
 * versions, so in-place changes are caught) and its non-tensor arguments. The derivative
 * itself lives in {@link Derivatives}; this class only reduces each input's gradient back to
 * the input's shape and dtype.
 */
final class OpNode extends Node<Tensor> {
    final Op op;
    final long[][] inputShapes;
    final DType[] inputTypes;
    private Tensor[] saved;
    private int[] savedVersions;

    /** Non-tensor arguments of the forward call, read by the op's derivative row. */
    int[] dims = new int[0];
    long[] sizes = new long[0];
    double[] scalars = new double[0];
    boolean flag;

    private OpNode(Op op, List<Edge<Tensor>> edges, Tensor[] inputs) {
        super(op.backwardName(), edges, 1);
        this.op = op;
        this.inputShapes = new long[inputs.length][];
        this.inputTypes = new DType[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            inputShapes[i] = inputs[i].shape();
            inputTypes[i] = inputs[i].dtype();
        }
    }

    /**
     * Records {@code op} as the history of {@code result} when grad mode is on and some input
     * requires grad; returns the node so the caller can save what the derivative needs, or
     * null when nothing was recorded.
     */
    static OpNode record(Op op, Tensor result, Tensor... inputs) {
        if (!GradMode.isEnabled()) return null;
        boolean any = false;
        for (Tensor input : inputs) any |= input != null && input.requiresGrad();
        if (!any) return null;
        List<Edge<Tensor>> edges = new ArrayList<>(inputs.length);
        for (Tensor input : inputs) edges.add(input == null ? null : input.gradientEdge());
        OpNode node = new OpNode(op, edges, inputs);
        result.gradFn = node;
        result.outputIndex = 0;
        return node;
    }

    /** Saves tensors for backward (inputs or the result), remembering their versions. */
    OpNode save(Tensor... tensors) {
        saved = tensors;
        savedVersions = new int[tensors.length];
        for (int i = 0; i < tensors.length; i++) if (tensors[i] != null) savedVersions[i] = tensors[i].version();
        return this;
    }

    OpNode dims(int... values) { dims = values; return this; }

    OpNode sizes(long... values) { sizes = values; return this; }

    OpNode scalars(double... values) { scalars = values; return this; }

    OpNode flag(boolean value) { flag = value; return this; }

    /** A saved tensor, checked to be unmodified since it was saved. */
    Tensor saved(int index) {
        if (saved == null) {
            throw new IllegalStateException("Trying to backward through the graph a second time (or directly access saved "
                    + "tensors after they have already been freed) at " + name() + "; pass retainGraph=true");
        }
        Tensor tensor = saved[index];
        if (tensor.version() != savedVersions[index]) {
            throw new IllegalStateException("one of the variables needed for gradient computation has been modified by an "
                    + "inplace operation: [" + tensor.dtype() + " " + Dimensions.shapeText(tensor.shape()) + "], which is output "
                    + index + " of " + name() + ", is at version " + tensor.version() + "; expected version "
                    + savedVersions[index] + " instead.");
        }
        return tensor;
    }

    @Override
    protected List<Tensor> apply(List<Tensor> gradOutputs) {
        Tensor gradient = gradOutputs.get(0);
        Tensor[] gradInputs = Derivatives.backward(this, gradient);
        List<Tensor> result = new ArrayList<>(gradInputs.length);
        List<Edge<Tensor>> edges = nextEdges();
        for (int i = 0; i < gradInputs.length; i++) {
            Tensor g = gradInputs[i];
            if (g == null || edges.get(i) == null) {
                result.add(null);
                continue;
            }
            if (!Arrays.equals(g.shape(), inputShapes[i])) g = Broadcasting.sumToShape(g, inputShapes[i]);
            if (g.dtype() != inputTypes[i] && inputTypes[i].isFloatingPoint()) g = g.to(inputTypes[i]);
            result.add(g);
        }
        return result;
    }

    @Override
    protected void releaseSavedValues() {
        saved = null;
    }
}
