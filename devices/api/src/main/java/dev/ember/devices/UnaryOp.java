package dev.ember.devices;

/**
 * Elementwise ops of one operand. Input and output have the same dtype, except the
 * predicates ({@link #isPredicate()}), whose output is {@link DType#BOOL}. {@link #GELU} is
 * {@code x Φ(x)} with Φ the standard normal CDF, {@link #GELU_TANH} its tanh approximation
 * {@code x/2 (1 + tanh(√(2/π) (x + 0.044715 x³)))}, and {@link #SILU} is {@code x sigmoid(x)}.
 */
public enum UnaryOp {
    NEG, ABS, EXP, EXP2, LOG, LOG2, LOG10, SQRT, RSQRT, SIN, COS, TAN, ASIN, ACOS, ATAN,
    SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, RELU, FLOOR, CEIL, ROUND, TRUNC, SIGN,
    RECIPROCAL, SQUARE, LOG1P, EXPM1, ERF, ERFC, GELU, GELU_TANH, SILU, BITWISE_NOT,
    LOGICAL_NOT(true), ISNAN(true), ISINF(true), ISFINITE(true);

    private final boolean predicate;

    UnaryOp() { this(false); }

    UnaryOp(boolean predicate) { this.predicate = predicate; }

    /** True when the result is {@link DType#BOOL} whatever the input dtype. */
    public boolean isPredicate() { return predicate; }
}
