package dev.ember.tensor;

/**
 * Every differentiable op that records a node in the backward graph. Each constant has exactly
 * one row in {@link Derivatives}; the switch there has no default branch, so a constant without
 * a row does not compile. Composite ops (var, softplus, cross-entropy, ...) are built from these
 * and need no constant of their own.
 */
enum Op {
    // unary elementwise, named as in UnaryOp
    NEG, ABS, EXP, EXP2, LOG, LOG2, LOG10, SQRT, RSQRT, SIN, COS, TAN, ASIN, ACOS, ATAN,
    SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, RELU, FLOOR, CEIL, ROUND, TRUNC, SIGN,
    RECIPROCAL, SQUARE, LOG1P, EXPM1, ERF, ERFC, GELU, GELU_TANH, SILU,
    // binary elementwise, named as in BinaryOp
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, ATAN2, FMOD, REMAINDER, FLOOR_DIVIDE,
    // elementwise with Java-number parameters
    POW_SCALAR, CLAMP_SCALAR,
    // ternary elementwise, named as in TernaryOp
    WHERE, LERP, CLAMP,
    // copies and conversions
    TO_DTYPE, TO_DEVICE, CLONE, CONTIGUOUS,
    // reductions and scans
    SUM, PROD, AMAX, AMIN, CUMSUM, CUMPROD,
    // fused softmax kernels, recorded when the backend has them (else composed from the ops here)
    SOFTMAX, LOG_SOFTMAX,
    // views and shape
    VIEW, TRANSPOSE, PERMUTE, EXPAND, SLICE, SELECT, SLICE_BACKWARD, SELECT_BACKWARD, CAT, FLIP, ROLL,
    // linear algebra
    MATMUL,
    // indexing
    INDEX_SELECT, INDEX_ADD, GATHER, SCATTER, SCATTER_ADD,
    // convolution (im2col + GEMM) and its window layouts
    CONVOLUTION, IM2COL, COL2IM,
    // fused activation gradients, (gradient, input) -> gradient * f'(input), named as in BinaryOp;
    // tanh's and sigmoid's take the output instead of the input
    GELU_BACKWARD, GELU_TANH_BACKWARD, SILU_BACKWARD, TANH_BACKWARD, SIGMOID_BACKWARD,
    // fused backward kernels recorded as ops of their own, so higher-order gradients work
    THRESHOLD_BACKWARD, MAX_POOL, MAX_POOL_BACKWARD;

    /** The name PyTorch gives this op's backward node, e.g. {@code MulBackward0}. */
    String backwardName() {
        StringBuilder name = new StringBuilder();
        // PyTorch has one gelu op with an approximate argument: GeluBackward0 either way
        for (String part : name().replace("GELU_TANH", "GELU").split("_")) {
            name.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return name.append("Backward0").toString();
    }
}
