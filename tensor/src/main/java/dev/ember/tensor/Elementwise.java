package dev.ember.tensor;

import dev.ember.devices.BinaryOp;
import dev.ember.devices.DType;
import dev.ember.devices.Strided;
import dev.ember.devices.TernaryOp;
import dev.ember.devices.UnaryOp;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Elementwise ops: type promotion, broadcasting, one backend call, and the autograd record.
 */
final class Elementwise {
    private Elementwise() {}

    /** Unary ops whose integer inputs become float32, as in PyTorch (exp of an int tensor is float). */
    private static final Set<UnaryOp> FLOATING_UNARY = EnumSet.of(
            UnaryOp.EXP, UnaryOp.EXP2, UnaryOp.LOG, UnaryOp.LOG2, UnaryOp.LOG10, UnaryOp.SQRT, UnaryOp.RSQRT,
            UnaryOp.SIN, UnaryOp.COS, UnaryOp.TAN, UnaryOp.ASIN, UnaryOp.ACOS, UnaryOp.ATAN, UnaryOp.SINH,
            UnaryOp.COSH, UnaryOp.TANH, UnaryOp.ASINH, UnaryOp.ACOSH, UnaryOp.ATANH, UnaryOp.SIGMOID,
            UnaryOp.RECIPROCAL, UnaryOp.LOG1P, UnaryOp.EXPM1, UnaryOp.ERF, UnaryOp.ERFC, UnaryOp.GELU, UnaryOp.GELU_TANH,
            UnaryOp.SILU);

    /** Unary ops whose derivative row reads the result rather than the input. */
    private static final Set<UnaryOp> SAVES_RESULT = EnumSet.of(
            UnaryOp.EXP, UnaryOp.EXP2, UnaryOp.SQRT, UnaryOp.RSQRT, UnaryOp.TAN, UnaryOp.TANH, UnaryOp.SIGMOID,
            UnaryOp.RELU, UnaryOp.RECIPROCAL, UnaryOp.EXPM1);

    static Tensor unary(UnaryOp op, Tensor x) {
        x.storage.buffer.checkOpen();
        DType computeType = x.dtype();
        if (FLOATING_UNARY.contains(op)) computeType = TypePromotion.toFloating(computeType);
        if (op == UnaryOp.NEG && computeType.isBool()) {
            throw new IllegalArgumentException("Negation, the `-` operator, on a bool tensor is not supported. "
                    + "If you are trying to invert a mask, use the `~` or `logicalNot()` operator instead.");
        }
        if (op == UnaryOp.BITWISE_NOT && computeType.isFloatingPoint()) {
            throw new IllegalArgumentException("bitwise_not is not implemented for " + computeType);
        }
        Tensor input = x.to(computeType);
        Tensor out = Factories.empty(op.isPredicate() ? DType.BOOL : computeType, x.device(), x.shape());
        x.storage.backend.unary(op, input.strided(), out.strided());
        if (!op.isPredicate() && computeType.isFloatingPoint()) {
            OpNode node = OpNode.record(Op.valueOf(op.name()), out, input);
            if (node != null) node.save(SAVES_RESULT.contains(op) ? out : input);
        }
        return out;
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        DType common = TypePromotion.resultType(a, b);
        DType computeType = switch (op) {
            case DIV, ATAN2 -> TypePromotion.toFloating(common);
            default -> common;
        };
        if (computeType.isFloatingPoint()
                && (op == BinaryOp.BITWISE_AND || op == BinaryOp.BITWISE_OR || op == BinaryOp.BITWISE_XOR)) {
            throw new IllegalArgumentException(op.name().toLowerCase() + " is not implemented for " + computeType);
        }
        if (op == BinaryOp.SUB && computeType.isBool()) {
            throw new IllegalArgumentException("Subtraction, the `-` operator, with two bool tensors is not supported. "
                    + "Use the `^` or `logicalXor()` operator instead.");
        }
        Tensor left = a.to(computeType);
        Tensor right = b.to(computeType);
        Tensor out = compute(op, left, right);
        if (!op.isPredicate() && computeType.isFloatingPoint()) {
            OpNode node = OpNode.record(Op.valueOf(op.name()), out, left, right);
            if (node != null) {
                switch (op) {
                    case ADD, SUB, FLOOR_DIVIDE -> { }
                    case POW -> node.save(left, right, out);
                    default -> node.save(left, right);
                }
            }
        }
        return out;
    }

    /**
     * PyTorch's {@code threshold_backward(grad, input, 0)}, the gradient of relu in one pass:
     * {@code grad} where {@code input > 0} (or is NaN), else 0. Recorded as THRESHOLD_BACKWARD,
     * linear in {@code grad}, so relu has second and higher derivatives.
     */
    static Tensor thresholdBackward(Tensor grad, Tensor input) {
        Tensor in = input.to(grad.dtype());
        Tensor out = compute(BinaryOp.THRESHOLD_BACKWARD, grad, in);
        OpNode node = OpNode.record(Op.THRESHOLD_BACKWARD, out, grad, in);
        if (node != null) node.save(in);
        return out;
    }

    /**
     * The gradient of GELU, its tanh form or SiLU in one pass, {@code grad * f'(input)} for
     * {@code op} = GELU_BACKWARD, GELU_TANH_BACKWARD or SILU_BACKWARD (PyTorch's gelu_backward,
     * silu_backward), and of tanh and sigmoid from their output for TANH_BACKWARD and
     * SIGMOID_BACKWARD. Recorded as an op of its own, whose row is composed of Tensor ops, so
     * higher-order gradients work.
     */
    static Tensor activationBackward(BinaryOp op, Tensor grad, Tensor input) {
        Tensor in = input.to(grad.dtype());
        Tensor out = compute(op, grad, in);
        OpNode node = OpNode.record(Op.valueOf(op.name()), out, grad, in);
        if (node != null) node.save(grad, in);
        return out;
    }

    /** Runs a binary kernel on operands already of one dtype, broadcasting them; records nothing. */
    static Tensor compute(BinaryOp op, Tensor left, Tensor right) {
        checkSameDevice(left, right);
        long[] shape = Broadcasting.broadcastShapes(left.shape(), right.shape());
        Tensor out = Factories.empty(op.isPredicate() ? DType.BOOL : left.dtype(), left.device(), shape);
        left.storage.backend.binary(op, broadcast(left, shape), broadcast(right, shape), out.strided());
        return out;
    }

    static Tensor powScalar(Tensor x, double exponent) {
        DType computeType = x.dtype();
        boolean integralExponent = exponent == Math.rint(exponent) && !Double.isInfinite(exponent);
        if (!computeType.isFloatingPoint() && !integralExponent) computeType = DType.FLOAT32;
        if (computeType.isBool()) computeType = DType.INT64;
        Tensor input = x.to(computeType);
        Tensor out;
        if (exponent == 2) {
            out = Factories.empty(computeType, x.device(), x.shape());
            x.storage.backend.unary(UnaryOp.SQUARE, input.strided(), out.strided());
        } else {
            Tensor e = computeType.isFloatingPoint() ? Factories.wrap(exponent, x).to(computeType)
                    : Factories.wrap((long) exponent, x).to(computeType);
            out = compute(BinaryOp.POW, input, e);
        }
        if (computeType.isFloatingPoint()) {
            OpNode node = OpNode.record(Op.POW_SCALAR, out, input);
            if (node != null) node.save(input).scalars(exponent);
        }
        return out;
    }

    static Tensor clampScalar(Tensor x, double min, double max) {
        if (Double.isNaN(min) && Double.isNaN(max)) {
            throw new IllegalArgumentException("torch.clamp: At least one of 'min' or 'max' must not be None");
        }
        DType computeType = x.dtype();
        boolean integralBounds = (Double.isNaN(min) || min == Math.rint(min)) && (Double.isNaN(max) || max == Math.rint(max));
        if (!computeType.isFloatingPoint() && !integralBounds) computeType = DType.FLOAT32;
        Tensor input = x.to(computeType);
        Tensor low = Factories.wrap(Double.isNaN(min) ? Double.NEGATIVE_INFINITY : min, x);
        Tensor high = Factories.wrap(Double.isNaN(max) ? Double.POSITIVE_INFINITY : max, x);
        if (!computeType.isFloatingPoint()) {
            low = Factories.wrap(Double.isNaN(min) ? Long.MIN_VALUE : (long) min, x);
            high = Factories.wrap(Double.isNaN(max) ? Long.MAX_VALUE : (long) max, x);
            if (computeType != DType.INT64) {
                input = input.to(DType.INT64);
            }
        }
        Tensor lowCast = low.to(input.dtype());
        Tensor highCast = high.to(input.dtype());
        Tensor out = Factories.empty(input.dtype(), x.device(), x.shape());
        x.storage.backend.ternary(TernaryOp.CLAMP, input.strided(), broadcast(lowCast, x.shape()),
                broadcast(highCast, x.shape()), out.strided());
        if (out.dtype() != computeType) out = out.to(computeType);
        if (computeType.isFloatingPoint()) {
            OpNode node = OpNode.record(Op.CLAMP_SCALAR, out, input);
            if (node != null) node.save(input).scalars(min, max);
        }
        return out;
    }

    static Tensor ternary(TernaryOp op, Tensor a, Tensor b, Tensor c) {
        DType computeType = TypePromotion.resultType(a, b, c);
        if (op == TernaryOp.LERP && !computeType.isFloatingPoint()) {
            throw new IllegalArgumentException("lerp expects floating point tensors, got " + computeType);
        }
        Tensor first = a.to(computeType);
        Tensor second = b.to(computeType);
        Tensor third = c.to(computeType);
        Tensor out = computeTernary(op, first, second, third, computeType);
        if (computeType.isFloatingPoint()) {
            OpNode node = OpNode.record(Op.valueOf(op.name()), out, first, second, third);
            if (node != null) node.save(first, second, third);
        }
        return out;
    }

    static Tensor where(Tensor condition, Tensor x, Tensor y) {
        if (condition.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("where expected condition to be a boolean tensor, but got a tensor with dtype "
                    + condition.dtype());
        }
        DType computeType = TypePromotion.resultType(x, y);
        Tensor first = x.to(computeType);
        Tensor second = y.to(computeType);
        Tensor out = computeTernary(TernaryOp.WHERE, condition, first, second, computeType);
        if (computeType.isFloatingPoint()) {
            OpNode node = OpNode.record(Op.WHERE, out, condition, first, second);
            if (node != null) node.save(condition);
        }
        return out;
    }

    private static Tensor computeTernary(TernaryOp op, Tensor a, Tensor b, Tensor c, DType outType) {
        checkSameDevice(a, b);
        checkSameDevice(a, c);
        long[] shape = Broadcasting.broadcastShapes(a.shape(), b.shape(), c.shape());
        Tensor out = Factories.empty(outType, b.device(), shape);
        a.storage.backend.ternary(op, broadcast(a, shape), broadcast(b, shape), broadcast(c, shape), out.strided());
        return out;
    }

    static boolean allclose(Tensor a, Tensor b, double rtol, double atol) {
        long[] shape = Broadcasting.broadcastShapes(a.shape(), b.shape());
        double[] x = a.expand(shape).toDoubleArray();
        double[] y = b.expand(shape).toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i]) || Double.isNaN(y[i])) return false;
            if (x[i] == y[i]) continue;
            if (Math.abs(x[i] - y[i]) > atol + rtol * Math.abs(y[i])) return false;
        }
        return true;
    }

    static boolean equal(Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) return false;
        if (a.dtype().isFloatingPoint() || b.dtype().isFloatingPoint()) {
            return Arrays.equals(a.toDoubleArray(), b.toDoubleArray());
        }
        return Arrays.equals(a.toLongArray(), b.toLongArray());
    }

    static Strided broadcast(Tensor t, long[] shape) {
        t.storage.buffer.checkOpen();
        if (Arrays.equals(t.layout.shape(), shape)) return t.strided();
        return new Strided(t.storage.buffer, t.layout.expand(shape), t.dtype());
    }

    static void checkSameDevice(Tensor a, Tensor b) {
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException("Expected all tensors to be on the same device, but found at least two devices, "
                    + a.device() + " and " + b.device() + "!");
        }
    }
}
