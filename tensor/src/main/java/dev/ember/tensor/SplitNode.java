package dev.ember.tensor;

import dev.ember.autograd.GradMode;
import dev.ember.autograd.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * The one backward node of all the views {@code unbind}, {@code split} and {@code chunk} cut from
 * a tensor along one dim, like PyTorch's {@code UnbindBackward} and {@code SplitBackward}: the
 * pieces' gradients are stacked (unbind) or concatenated (split) once, with zeros for pieces that
 * got none. A node per piece (a select or slice each) would instead build a whole-size gradient
 * for every piece and sum them, quadratic in the number of pieces: an RNN unbinding its
 * projected input over 50 time steps spent most of its backward there.
 *
 * <pre>{@code
 * List<Tensor> steps = x.unbind(0);   // every step's gradFn is the same UnbindBackward, output i
 * }</pre>
 */
final class SplitNode extends Node<Tensor> {
    private final int dim;
    private final boolean stacked;
    private final long[][] pieceShapes;

    private SplitNode(Tensor input, int dim, boolean stacked, List<Tensor> pieces) {
        super(stacked ? "UnbindBackward" : "SplitBackward", List.of(input.gradientEdge()), pieces.size());
        this.dim = dim;
        this.stacked = stacked;
        this.pieceShapes = new long[pieces.size()][];
        for (int i = 0; i < pieces.size(); i++) pieceShapes[i] = pieces.get(i).shape();
    }

    /**
     * Makes {@code pieces} (views of {@code input} made without recording) outputs of one node
     * when grad mode is on and {@code input} requires grad; returns them.
     */
    static List<Tensor> record(Tensor input, int dim, boolean stacked, List<Tensor> pieces) {
        if (!GradMode.isEnabled() || !input.requiresGrad() || pieces.isEmpty()) return pieces;
        SplitNode node = new SplitNode(input, dim, stacked, pieces);
        for (int i = 0; i < pieces.size(); i++) {
            pieces.get(i).gradFn = node;
            pieces.get(i).outputIndex = i;
        }
        return pieces;
    }

    @Override
    protected List<Tensor> apply(List<Tensor> gradOutputs) {
        Tensor like = null;
        for (Tensor g : gradOutputs) if (g != null) like = g;
        List<Tensor> gradients = new ArrayList<>(gradOutputs.size());
        for (int i = 0; i < gradOutputs.size(); i++) {
            Tensor g = gradOutputs.get(i);
            gradients.add(g != null ? g : Factories.full(like.dtype(), 0, pieceShapes[i], like.device()));
        }
        return List.of(stacked ? ShapeOps.stack(gradients, dim) : ShapeOps.cat(gradients, dim));
    }
}
