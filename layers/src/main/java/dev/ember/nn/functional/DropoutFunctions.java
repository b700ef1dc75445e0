package dev.ember.nn.functional;

import dev.ember.tensor.Tensor;
import java.util.Arrays;

/**
 * Dropout, like {@code torch.nn.functional.dropout} and {@code dropout2d}: in training, each
 * element (or each whole channel) is zeroed with probability {@code p} and the survivors are
 * scaled by {@code 1 / (1 - p)}, so the expected value is unchanged; in evaluation the input
 * passes through. Masks come from the seeded default generator.
 *
 * <pre>{@code
 * Tensor y = DropoutFunctions.dropout(x, 0.25, model.isTraining());
 * }</pre>
 */
public final class DropoutFunctions {
    private DropoutFunctions() {}

    public static Tensor dropout(Tensor input, double p, boolean training) {
        checkProbability(p);
        if (!training || p == 0) return input;
        return input.mul(scaledMask(input, p, input.shape()));
    }

    /**
     * Zeroes whole channels: for {@code [N, C, H, W]} (or {@code [N, C, L]}, PyTorch 1.13's
     * reading of a 3-D input) one draw per {@code (n, c)}.
     */
    public static Tensor dropout2d(Tensor input, double p, boolean training) {
        checkProbability(p);
        if (input.dim() != 3 && input.dim() != 4) {
            throw new IllegalArgumentException("dropout2d: expected a 3-D (N, C, L) or 4-D (N, C, H, W) input, but got input of size: "
                    + Arrays.toString(input.shape()));
        }
        if (!training || p == 0) return input;
        long[] maskShape = input.shape();
        for (int d = 2; d < maskShape.length; d++) maskShape[d] = 1;
        return input.mul(scaledMask(input, p, maskShape));
    }

    /** Zeros with probability p, else {@code 1 / (1 - p)}, in the input's dtype and device. */
    private static Tensor scaledMask(Tensor input, double p, long[] shape) {
        if (!input.isFloatingPoint()) {
            throw new IllegalArgumentException("dropout: expected a floating point input, but got " + input.dtype());
        }
        Tensor mask = Tensor.empty(input.dtype(), input.device(), shape);
        if (p == 1) return mask.zero_();
        return mask.bernoulli_(1 - p).mul_(1 / (1 - p));
    }

    static void checkProbability(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        }
    }
}
