package dev.ember.devices;

/**
 * Elementwise ops of two operands of the same dtype. The output has that dtype, except the
 * comparisons and logical ops ({@link #isPredicate()}), whose output is {@link DType#BOOL}.
 * {@link #DIV} on integers truncates; the tensor layer promotes to floating point first
 * where PyTorch's true division wants it. {@link #THRESHOLD_BACKWARD} is PyTorch's
 * {@code threshold_backward} at threshold 0, the gradient of relu: the left operand (the
 * gradient) where the right one (the input or result) is above 0, else 0 (NaN passes the gradient).
 * {@link #GELU_BACKWARD}, {@link #GELU_TANH_BACKWARD} and {@link #SILU_BACKWARD} take (gradient,
 * input) likewise and give {@code gradient * f'(input)} for the unary op of that name.
 * {@link #TANH_BACKWARD} and {@link #SIGMOID_BACKWARD} take (gradient, output) instead, as
 * PyTorch's {@code tanh_backward} and {@code sigmoid_backward} do: {@code gradient * (1 - y²)} and
 * {@code gradient * (1 - y) * y}.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, ATAN2, FMOD, REMAINDER, FLOOR_DIVIDE,
    BITWISE_AND, BITWISE_OR, BITWISE_XOR,
    EQ(true), NE(true), LT(true), LE(true), GT(true), GE(true),
    LOGICAL_AND(true), LOGICAL_OR(true), LOGICAL_XOR(true),
    THRESHOLD_BACKWARD, GELU_BACKWARD, GELU_TANH_BACKWARD, SILU_BACKWARD, TANH_BACKWARD, SIGMOID_BACKWARD;

    private final boolean predicate;

    BinaryOp() { this(false); }

    BinaryOp(boolean predicate) { this.predicate = predicate; }

    public boolean isPredicate() { return predicate; }
}
