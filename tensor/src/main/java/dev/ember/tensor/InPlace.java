package dev.ember.tensor;

import dev.ember.autograd.GradMode;
import dev.ember.devices.BinaryOp;
import dev.ember.devices.DType;
import dev.ember.devices.UnaryOp;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * In-place ops ({@code add_}, {@code mul_}, ...): the op runs out of place, its result is
 * written into the target's memory, the shared version counter moves on (so a backward
 * that saved the old values fails clearly), and the target takes over the result's history.
 */
final class InPlace {
    private InPlace() {}

    static Tensor apply(Tensor target, UnaryOperator<Tensor> op) {
        checkAllowed(target);
        boolean recording = GradMode.isEnabled();
        Tensor result;
        if (recording && target.requiresGrad()) {
            // The backward of op may need the values about to be overwritten: give it a snapshot.
            result = op.apply(target.snapshotWithHistory());
        } else {
            result = op.apply(target);
            if (recording && result.gradFn != null) result = op.apply(target.snapshotWithHistory());
        }
        return write(target, result);
    }

    /**
     * {@code target = target op other}: straight into the target's memory when nothing is
     * recorded and the result keeps the target's dtype and shape, so the common no-grad update
     * makes no temporary; otherwise through {@code general}, the out-of-place op.
     */
    static Tensor binary(Tensor target, BinaryOp op, Tensor other, UnaryOperator<Tensor> general) {
        if (!writesDirectly(target, other) || !target.device().equals(other.device())
                || TypePromotion.resultType(target, other) != target.dtype()
                || (op == BinaryOp.DIV && !target.dtype().isFloatingPoint())
                || !Arrays.equals(Broadcasting.broadcastShapes(target.shape(), other.shape()), target.shape())
                // an operand sharing the target's memory could be overwritten before it is read
                || other.storage == target.storage) {
            return apply(target, general);
        }
        checkAllowed(target);
        Tensor operand = other.to(target.dtype());
        target.storage.backend.binary(op, target.strided(), Elementwise.broadcast(operand, target.shape()), target.strided());
        target.storage.bumpVersion();
        return target;
    }

    /** {@code target = op(target)}, in the target's memory under the same conditions as {@link #binary}. */
    static Tensor unary(Tensor target, UnaryOp op, UnaryOperator<Tensor> general) {
        boolean keepsDtype = target.dtype().isFloatingPoint()
                || (!target.dtype().isBool() && (op == UnaryOp.NEG || op == UnaryOp.ABS || op == UnaryOp.RELU));
        if (!writesDirectly(target, null) || !keepsDtype) {
            return apply(target, general);
        }
        checkAllowed(target);
        target.storage.backend.unary(op, target.strided(), target.strided());
        target.storage.bumpVersion();
        return target;
    }

    /** True when the op would record nothing, so its result may go straight into the target. */
    private static boolean writesDirectly(Tensor target, Tensor other) {
        return !(GradMode.isEnabled() && (target.requiresGrad() || (other != null && other.requiresGrad())));
    }

    static Tensor copy(Tensor target, Tensor source) {
        checkAllowed(target);
        Tensor result = source;
        if (GradMode.isEnabled() && source.requiresGrad()) {
            result = source.expand(target.shape()).to(target.dtype()).clone();
        }
        return write(target, result);
    }

    static Tensor fill(Tensor target, double value) {
        checkAllowed(target);
        target.storage.backend.fill(target.strided(), value);
        target.storage.bumpVersion();
        if (target.gradFn != null) target.detach_();
        return target;
    }

    private static Tensor write(Tensor target, Tensor result) {
        checkCastable(result.dtype(), target.dtype());
        if (result.gradFn != null && target.isView()) {
            throw new IllegalStateException("an in-place operation on a view ([" + target.dtype() + " "
                    + Dimensions.shapeText(target.shape()) + "]) that records autograd history is not supported; "
                    + "clone() the view first or use an out-of-place op");
        }
        Conversions.copyInto(target, result);
        target.storage.bumpVersion();
        if (result.gradFn != null) target.adoptHistory(result);
        return target;
    }

    static void checkAllowed(Tensor target) {
        target.storage.buffer.checkOpen();
        long[] shape = target.layout.shape();
        long[] strides = target.layout.strides();
        for (int d = 0; d < shape.length; d++) {
            if (strides[d] == 0 && shape[d] > 1) {
                throw new IllegalArgumentException("unsupported operation: more than one element of the written-to tensor "
                        + "(an expanded " + Dimensions.shapeText(shape) + " view) refers to a single memory location. "
                        + "Please clone() the tensor before performing the operation.");
            }
        }
        if (GradMode.isEnabled() && target.isLeaf() && target.requiresGrad()) {
            throw new IllegalStateException("a leaf Variable that requires grad is being used in an in-place operation. "
                    + "Wrap the update in GradMode.noGrad() (as optimizers do) or clone() the tensor first.");
        }
        if (GradMode.isEnabled() && target.isView() && target.base.isLeaf() && target.base.requiresGrad()) {
            throw new IllegalStateException("a view of a leaf Variable that requires grad is being used in an in-place operation.");
        }
    }

    /** PyTorch refuses in-place results that would lose their category (float into int, int into bool). */
    private static void checkCastable(DType from, DType to) {
        if (from.kind().ordinal() > to.kind().ordinal()) {
            throw new IllegalArgumentException("result type " + from + " can't be cast to the desired output type " + to);
        }
    }
}
