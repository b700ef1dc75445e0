package dev.ember.tensor;

import dev.ember.devices.DType;

/**
 * PyTorch's type promotion: the result dtype of an op on tensors of several dtypes. Tensors
 * with dims decide first; zero-dim tensors and Java numbers only raise the category
 * (bool &lt; integral &lt; floating), never the width within it.
 */
final class TypePromotion {
    private TypePromotion() {}

    /** The dtype PyTorch would choose for two dtypes, ignoring dims. */
    static DType promoteTypes(DType a, DType b) {
        if (a == b) return a;
        if (a.isBool()) return b;
        if (b.isBool()) return a;
        if (a.isFloatingPoint() || b.isFloatingPoint()) {
            if (!a.isFloatingPoint()) return b;
            if (!b.isFloatingPoint()) return a;
            if (a == DType.FLOAT64 || b == DType.FLOAT64) return DType.FLOAT64;
            return DType.FLOAT32; // float16 with bfloat16, or either with float32
        }
        if (a == DType.UINT8 || b == DType.UINT8) {
            DType other = a == DType.UINT8 ? b : a;
            return other == DType.INT8 ? DType.INT16 : other;
        }
        return a.byteSize() >= b.byteSize() ? a : b;
    }

    /** The result dtype of an op on these tensors (any may be a wrapped number). */
    static DType resultType(Tensor... tensors) {
        DType dimResult = null;
        DType zeroResult = null;
        DType wrappedResult = null;
        for (Tensor t : tensors) {
            if (t.isWrappedNumber()) {
                // A Java double counts as the default dtype, whatever precision it is stored in.
                DType asNumber = t.dtype().isFloatingPoint() ? DType.FLOAT32 : t.dtype();
                wrappedResult = promoteNullable(wrappedResult, asNumber);
            }
            else if (t.dim() == 0) zeroResult = promoteNullable(zeroResult, t.dtype());
            else dimResult = promoteNullable(dimResult, t.dtype());
        }
        return combineCategories(dimResult, combineCategories(zeroResult, wrappedResult));
    }

    private static DType promoteNullable(DType a, DType b) {
        return a == null ? b : promoteTypes(a, b);
    }

    private static DType combineCategories(DType higher, DType lower) {
        if (higher == null) return lower;
        if (lower == null || higher.isFloatingPoint()) return higher;
        if (higher.isBool() || lower.isFloatingPoint()) return promoteTypes(higher, lower);
        return higher;
    }

    /** The default floating dtype, which integer inputs of floating ops (exp, sqrt, true division) get. */
    static DType toFloating(DType dtype) {
        return dtype.isFloatingPoint() ? dtype : DType.FLOAT32;
    }
}
