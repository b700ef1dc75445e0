package dev.ember.tensor;

import dev.ember.autograd.GradMode;
import dev.ember.devices.Backend;
import dev.ember.devices.Strided;

/**
 * One LSTM step's pointwise part by the backend's fused kernels ({@link Backend#lstmCell}), for
 * a layer that builds its own autograd node around them; nothing here is recorded. Gates are in
 * PyTorch's order {@code i, f, g, o}, {@code [N, 4H]}; states are {@code [N, H]}. Every tensor
 * passed must be contiguous (views of a step of a larger contiguous buffer are), and the
 * outputs are written in place.
 *
 * <pre>{@code
 * FusedLstm.cell(inputGates, h.matmul(weightHh.t()), c, gates, cellOut, hiddenOut);
 * FusedLstm.cellBackward(gates, c, cellOut, gradHidden, null, gradCell, gradGates);   // gradCell becomes dc_prev
 * }</pre>
 *
 * <p>Set {@code -Dember.fusedLstm=false} to make {@link #isAvailable} false everywhere, so callers
 * take their composed path (for comparisons).
 */
public final class FusedLstm {
    private static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("ember.fusedLstm", "true"));

    private FusedLstm() {}

    /** True when {@code input}'s backend has the fused kernels for its dtype. */
    public static boolean isAvailable(Tensor input) {
        return ENABLED && input.storage.backend.hasLstmCell(input.dtype);
    }

    /**
     * Activates {@code inputGates + hiddenGates} into {@code gates} and writes the step's
     * {@code cell = f * cellPrevious + i * g} and {@code hidden = o * tanh(cell)}.
     */
    public static void cell(Tensor inputGates, Tensor hiddenGates, Tensor cellPrevious, Tensor gates, Tensor cell,
                            Tensor hidden) {
        checkAvailable(inputGates);
        try (var mode = GradMode.noGrad()) {
            inputGates.storage.backend.lstmCell(inputGates.strided(), hiddenGates.strided(), cellPrevious.strided(),
                    gates.strided(), cell.strided(), hidden.strided());
        }
    }

    /**
     * From the activated {@code gates}, {@code cellPrevious} and {@code cell} of {@link #cell},
     * the gradient reaching {@code hidden} ({@code gradHidden} plus {@code gradHiddenExtra}, which
     * may be null) and the one reaching {@code cell} (in {@code gradCell}): writes the gradient
     * of the pre-activation gates to {@code gradGates} and replaces {@code gradCell} with the
     * gradient of {@code cellPrevious}.
     */
    public static void cellBackward(Tensor gates, Tensor cellPrevious, Tensor cell, Tensor gradHidden, Tensor gradHiddenExtra,
                                    Tensor gradCell, Tensor gradGates) {
        checkAvailable(gates);
        try (var mode = GradMode.noGrad()) {
            gates.storage.backend.lstmCellBackward(gates.strided(), cellPrevious.strided(), cell.strided(),
                    gradHidden.strided(), gradHiddenExtra == null ? null : gradHiddenExtra.strided(), gradCell.strided(),
                    gradGates.strided());
        }
    }

    /**
     * Writes the product of the matrices {@code left [m, k]} and {@code right [k, n]} (any strides)
     * into the contiguous {@code output [m, n]}: a step's {@code h W_hh^T} or {@code dGates W_hh},
     * into one buffer reused by every step instead of a fresh one per step.
     */
    public static void product(Tensor left, Tensor right, Tensor output) {
        boolean matrices = left.dim() == 2 && right.dim() == 2 && output.dim() == 2;
        if (!matrices || right.size(0) != left.size(1) || output.size(0) != left.size(0) || output.size(1) != right.size(1)
                || !output.isContiguous() || left.dtype != right.dtype || left.dtype != output.dtype) {
            throw new IllegalArgumentException("product: cannot multiply " + Dimensions.shapeText(left.shape()) + " by "
                    + Dimensions.shapeText(right.shape()) + " into a " + (output.isContiguous() ? "" : "non-contiguous ")
                    + Dimensions.shapeText(output.shape()) + " (" + left.dtype + ", " + right.dtype + ", " + output.dtype + ")");
        }
        Elementwise.checkSameDevice(left, right);
        Elementwise.checkSameDevice(left, output);
        // a contiguous output is always viewed, never copied, so the product lands in it
        left.storage.backend.matmul(batchOfOne(left), batchOfOne(right), batchOfOne(output));
    }

    private static Strided batchOfOne(Tensor matrix) {
        return LinearAlgebra.asBatch(matrix, new long[0], matrix.size(0), matrix.size(1), 1);
    }

    private static void checkAvailable(Tensor input) {
        if (!isAvailable(input)) {
            throw new IllegalArgumentException("the fused LSTM cell is not available for " + input.dtype + " tensors on "
                    + input.device() + (ENABLED ? "" : " (-Dember.fusedLstm=false)") + "; check isAvailable first");
        }
    }
}
