package dev.ember.nn.functional;

import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;
import java.util.Arrays;

/**
 * Cross-entropy and negative log-likelihood over class scores, with PyTorch's semantics: classes
 * at dim 1 of {@code [N, C, d1, ...]} (or dim 0 of an unbatched {@code [C]}), per-class weights,
 * an ignored class index, label smoothing, and a weighted mean that divides by the total weight
 * of the counted targets.
 *
 * <pre>{@code
 * Tensor loss = ClassificationLosses.crossEntropy(logits, labels);          // logits [64, 10], labels int64 [64]
 * Tensor perPixel = ClassificationLosses.crossEntropy(scores, mask, null, 255, "none", 0.1);
 * }</pre>
 */
public final class ClassificationLosses {
    private ClassificationLosses() {}

    /** PyTorch's default {@code ignore_index}. */
    public static final long DEFAULT_IGNORE_INDEX = -100;

    /** Mean cross-entropy of logits against class indices. */
    public static Tensor crossEntropy(Tensor input, Tensor target) {
        return crossEntropy(input, target, null, DEFAULT_IGNORE_INDEX, "mean", 0);
    }

    /**
     * Cross-entropy of unnormalised scores {@code input} against {@code target}: class indices
     * (an integer tensor of the input's size without the class dim) or class probabilities (a
     * floating tensor of the input's size). It is {@code nllLoss(logSoftmax(input))}, with the
     * gradient taken in one step as {@code softmax - onehot} for index targets.
     *
     * @param weight         per-class weights of size {@code [C]}, or null
     * @param ignoreIndex    an index target that contributes neither loss nor weight
     * @param labelSmoothing in {@code [0, 1]}: the share of the target spread evenly over the classes
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, long ignoreIndex, String reduction,
                                      double labelSmoothing) {
        Reduction.check(reduction);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing);
        }
        checkInput(input, "cross_entropy");
        boolean unbatched = input.dim() == 1;
        Tensor batchedInput = unbatched ? input.unsqueeze(0) : input;
        long classes = batchedInput.size(1);
        Tensor classWeight = checkWeight(weight, classes, input.dtype());
        if (target.isFloatingPoint()) {
            if (!Arrays.equals(target.shape(), input.shape())) {
                throw new IllegalArgumentException("cross_entropy: a floating target holds class probabilities and must have "
                        + "the input's size " + Arrays.toString(input.shape()) + ", got " + Arrays.toString(target.shape())
                        + " (class indices must be an integer tensor)");
            }
            if (ignoreIndex >= 0) throw new IllegalArgumentException("ignore_index is not supported for floating point target");
            Tensor loss = probabilityCrossEntropy(batchedInput, unbatched ? target.unsqueeze(0) : target, classWeight,
                    reduction, labelSmoothing);
            return unbatched && reduction.equals("none") ? loss.squeeze(0) : loss;
        }
        Tensor batchedTarget = unbatched ? target.unsqueeze(0) : target;
        checkIndexTarget(batchedInput, batchedTarget, unbatched ? target : null, ignoreIndex);
        Tensor loss = CrossEntropyFunction.apply(batchedInput, batchedTarget, classWeight, ignoreIndex, reduction, labelSmoothing);
        return unbatched && reduction.equals("none") ? loss.squeeze(0) : loss;
    }

    /** Mean negative log-likelihood of log-probabilities against class indices. */
    public static Tensor nllLoss(Tensor input, Tensor target) {
        return nllLoss(input, target, null, DEFAULT_IGNORE_INDEX, "mean");
    }

    /**
     * Negative log-likelihood: {@code -weight[t] * input[n, t, ...]} for each index target
     * {@code t}; the mean divides by the summed weights of the targets not ignored.
     */
    public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, long ignoreIndex, String reduction) {
        Reduction.check(reduction);
        checkInput(input, "nll_loss");
        boolean unbatched = input.dim() == 1;
        Tensor batchedInput = unbatched ? input.unsqueeze(0) : input;
        Tensor batchedTarget = unbatched ? target.unsqueeze(0) : target;
        Tensor classWeight = checkWeight(weight, batchedInput.size(1), input.dtype());
        checkIndexTarget(batchedInput, batchedTarget, unbatched ? target : null, ignoreIndex);
        Tensor loss = nll(batchedInput, batchedTarget, batchedTarget.ne(ignoreIndex), classWeight, reduction);
        return unbatched && reduction.equals("none") ? loss.squeeze(0) : loss;
    }

    private static Tensor nll(Tensor logProbabilities, Tensor target, Tensor mask, Tensor weight, String reduction) {
        Tensor safeTarget = target.maskedFill(mask.logicalNot(), 0);
        Tensor picked = logProbabilities.gather(1, safeTarget.unsqueeze(1)).squeeze(1);
        Tensor targetWeight = targetWeights(safeTarget, mask, weight, logProbabilities.dtype());
        Tensor loss = picked.mul(targetWeight).neg();
        return switch (reduction) {
            case "mean" -> loss.sum().div(targetWeight.sum());
            case "sum" -> loss.sum();
            default -> loss;
        };
    }

    /** The weight of each target: its class weight (1 without weights), 0 where ignored. */
    static Tensor targetWeights(Tensor safeTarget, Tensor mask, Tensor weight, DType dtype) {
        Tensor counted = mask.to(dtype);
        if (weight == null) return counted;
        return weight.indexSelect(0, safeTarget.reshape(-1)).reshape(safeTarget.shape()).mul(counted);
    }

    private static Tensor probabilityCrossEntropy(Tensor input, Tensor target, Tensor weight, String reduction,
                                                  double labelSmoothing) {
        long classes = input.size(1);
        Tensor probabilities = labelSmoothing == 0 ? target : target.mul(1 - labelSmoothing).add(labelSmoothing / classes);
        Tensor product = input.logSoftmax(1).mul(probabilities);
        if (weight != null) product = product.mul(classShaped(weight, input.dim()));
        Tensor loss = product.sum(1).neg();
        return switch (reduction) {
            case "mean" -> loss.sum().div((double) (input.numel() / Math.max(classes, 1)));
            case "sum" -> loss.sum();
            default -> loss;
        };
    }

    /** A {@code [C]} weight viewed as {@code [1, C, 1, ...]} to broadcast over an input of rank {@code rank}. */
    static Tensor classShaped(Tensor weight, int rank) {
        long[] shape = new long[rank];
        Arrays.fill(shape, 1);
        shape[1] = weight.numel();
        return weight.view(shape);
    }

    private static void checkInput(Tensor input, String op) {
        if (input.dim() == 0) {
            throw new IllegalArgumentException(op + ": expected an input with a class dim ([C], [N, C] or [N, C, d1, ...]), "
                    + "got input of size: []");
        }
        if (!input.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating point input, got " + input.dtype());
        }
    }

    private static Tensor checkWeight(Tensor weight, long classes, DType dtype) {
        if (weight == null) return null;
        if (weight.dim() != 1 || weight.numel() != classes) {
            throw new IllegalArgumentException("weight tensor should be defined either for all " + classes
                    + " classes or no classes but got weight tensor of shape: " + Arrays.toString(weight.shape()));
        }
        return weight.dtype() == dtype ? weight : weight.to(dtype);
    }

    /** Checks an index target's dtype, size and values; {@code unbatchedTarget} is the caller's target when the input was [C]. */
    private static void checkIndexTarget(Tensor input, Tensor target, Tensor unbatchedTarget, long ignoreIndex) {
        if (target.isFloatingPoint() || target.dtype() == DType.BOOL) {
            throw new IllegalArgumentException("expected class indices of an integer dtype (int64) as target, got "
                    + target.dtype());
        }
        if (unbatchedTarget != null && unbatchedTarget.dim() != 0) {
            throw new IllegalArgumentException("Expected a 0-dim target for an unbatched input of size "
                    + Arrays.toString(input.squeeze(0).shape()) + ", got target of size " + Arrays.toString(unbatchedTarget.shape()));
        }
        long[] expected = new long[input.dim() - 1];
        expected[0] = input.size(0);
        for (int d = 2; d < input.dim(); d++) expected[d - 1] = input.size(d);
        if (input.dim() == 2) {
            if (target.dim() != 1) {
                throw new IllegalArgumentException("0D or 1D target tensor expected, multi-target not supported (input size "
                        + Arrays.toString(input.shape()) + ", target size " + Arrays.toString(target.shape()) + ")");
            }
            if (target.size(0) != input.size(0)) {
                throw new IllegalArgumentException("Expected input batch_size (" + input.size(0)
                        + ") to match target batch_size (" + target.size(0) + ").");
            }
        } else if (!Arrays.equals(target.shape(), expected)) {
            throw new IllegalArgumentException("Expected target size " + Arrays.toString(expected) + ", got "
                    + Arrays.toString(target.shape()) + " (input size " + Arrays.toString(input.shape()) + ")");
        }
        if (target.numel() == 0) return;
        Tensor counted = target.maskedFill(target.eq(ignoreIndex), 0);
        long largest = counted.max().longItem();
        long smallest = counted.min().longItem();
        long classes = input.size(1);
        if (largest >= classes) throw new IndexOutOfBoundsException("Target " + largest + " is out of bounds.");
        if (smallest < 0) throw new IndexOutOfBoundsException("Target " + smallest + " is out of bounds.");
    }
}
