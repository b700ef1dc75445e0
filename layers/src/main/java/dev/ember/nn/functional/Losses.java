package dev.ember.nn.functional;

import dev.ember.tensor.Tensor;
import java.util.Arrays;

/**
 * The regression, binary and margin losses of {@code torch.nn.functional}, composed from tensor
 * ops so every one is differentiable to any order. Cross-entropy and NLL are in
 * {@link ClassificationLosses}.
 *
 * <pre>{@code
 * Tensor loss = Losses.mseLoss(prediction, target, "mean");
 * Tensor bce = Losses.binaryCrossEntropyWithLogits(logits, labels, null, posWeight, "mean");
 * }</pre>
 */
public final class Losses {
    private Losses() {}

    /** The value PyTorch clamps {@code log} to in binary cross-entropy, so a 0 or 1 input gives a finite loss. */
    private static final double LOG_FLOOR = -100;
    /** PyTorch's guard against a zero norm in cosine embedding loss. */
    private static final double COSINE_EPSILON = 1e-12;

    /** {@code (input - target)^2}, reduced. */
    public static Tensor mseLoss(Tensor input, Tensor target, String reduction) {
        Reduction.check(reduction);
        checkBroadcastable(input, target, "mse_loss");
        return Reduction.apply(input.sub(target).square(), reduction);
    }

    /** {@code |input - target|}, reduced. */
    public static Tensor l1Loss(Tensor input, Tensor target, String reduction) {
        Reduction.check(reduction);
        checkBroadcastable(input, target, "l1_loss");
        return Reduction.apply(input.sub(target).abs(), reduction);
    }

    /**
     * {@code 0.5 d^2 / beta} where {@code |d| < beta}, {@code |d| - 0.5 beta} elsewhere, for
     * {@code d = input - target}; {@code beta = 0} is the L1 loss.
     */
    public static Tensor smoothL1Loss(Tensor input, Tensor target, String reduction, double beta) {
        Reduction.check(reduction);
        if (beta < 0) throw new IllegalArgumentException("smooth_l1_loss does not support negative values for beta, got " + beta);
        checkBroadcastable(input, target, "smooth_l1_loss");
        Tensor difference = input.sub(target);
        Tensor absolute = difference.abs();
        if (beta == 0) return Reduction.apply(absolute, reduction);
        Tensor loss = Tensor.where(absolute.lt(beta), difference.square().mul(0.5 / beta), absolute.sub(0.5 * beta));
        return Reduction.apply(loss, reduction);
    }

    /**
     * {@code 0.5 d^2} where {@code |d| < delta}, {@code delta (|d| - 0.5 delta)} elsewhere: the
     * smooth L1 loss scaled by {@code delta}.
     */
    public static Tensor huberLoss(Tensor input, Tensor target, String reduction, double delta) {
        Reduction.check(reduction);
        if (!(delta > 0)) throw new IllegalArgumentException("huber_loss does not support non-positive values for delta, got " + delta);
        checkBroadcastable(input, target, "huber_loss");
        Tensor difference = input.sub(target);
        Tensor absolute = difference.abs();
        Tensor loss = Tensor.where(absolute.lt(delta), difference.square().mul(0.5), absolute.sub(0.5 * delta).mul(delta));
        return Reduction.apply(loss, reduction);
    }

    /**
     * Binary cross-entropy of probabilities {@code input} in {@code [0, 1]}:
     * {@code -w (t log(x) + (1 - t) log(1 - x))}, each log clamped to at least -100 as in PyTorch.
     */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, String reduction) {
        Reduction.check(reduction);
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("Using a target size (" + Arrays.toString(target.shape())
                    + ") that is different to the input size (" + Arrays.toString(input.shape()) + ") is deprecated. "
                    + "Please ensure they have the same size.");
        }
        if (input.numel() > 0) {
            Tensor outside = input.lt(0).logicalOr(input.gt(1)).logicalOr(input.isnan());
            if (outside.any().item() != 0) {
                throw new IllegalArgumentException("all elements of input should be between 0 and 1");
            }
        }
        Tensor logInput = clampedLog(input);
        Tensor logComplement = clampedLog(input.rsub(1));
        Tensor loss = target.mul(logInput).add(target.rsub(1).mul(logComplement)).neg();
        if (weight != null) loss = loss.mul(weight);
        return Reduction.apply(loss, reduction);
    }

    /**
     * {@code max(log(x), -100)}. The log is taken of a stand-in 1 where {@code x} is 0, so the
     * gradient there is 0 rather than the NaN of {@code 0 * (1 / 0)} (PyTorch's is a huge finite
     * value from dividing by {@code 1e-12}).
     */
    private static Tensor clampedLog(Tensor x) {
        Tensor positive = x.gt(0);
        Tensor safe = Tensor.where(positive, x, Tensor.onesLike(x));
        return Tensor.where(positive, safe.log().clampMin(LOG_FLOOR), Tensor.fullLike(x, LOG_FLOOR));
    }

    /**
     * Binary cross-entropy of logits, in the stable form
     * {@code (1 - t) x + (1 + (p - 1) t) log(1 + exp(-x))} (the log never overflows) where {@code p} is
     * {@code posWeight} (the weight of positive targets, broadcast along the last dim) and the
     * result is scaled by {@code weight}.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, Tensor posWeight,
                                                      String reduction) {
        Reduction.check(reduction);
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("Target size (" + Arrays.toString(target.shape())
                    + ") must be the same as input size (" + Arrays.toString(input.shape()) + ")");
        }
        // log(1 + exp(-x)) through softplus, whose branches never pass a positive argument to exp
        // and whose derivative at 0 is the true -1/2 (max(-x, 0) + log1p(exp(-|x|)) would give -1).
        Tensor softplusOfNegative = input.neg().softplus(1, Double.POSITIVE_INFINITY);
        Tensor loss;
        if (posWeight == null) {
            loss = target.rsub(1).mul(input).add(softplusOfNegative);
        } else {
            Tensor logWeight = posWeight.sub(1).mul(target).add(1);
            loss = target.rsub(1).mul(input).add(logWeight.mul(softplusOfNegative));
        }
        if (weight != null) loss = loss.mul(weight);
        return Reduction.apply(loss, reduction);
    }

    /**
     * Kullback-Leibler divergence of {@code target} from the distribution whose log-probabilities
     * are {@code input}: {@code t (log t - input)} (or {@code exp(t) (t - input)} when
     * {@code logTarget}); {@code "batchmean"} divides the sum by the batch size, which is the
     * true KL divergence per sample.
     */
    public static Tensor klDiv(Tensor input, Tensor target, String reduction, boolean logTarget) {
        if (!"batchmean".equals(reduction)) Reduction.check(reduction);
        checkBroadcastable(input, target, "kl_div");
        Tensor loss;
        if (logTarget) {
            loss = target.exp().mul(target.sub(input));
        } else {
            // t log t is 0 at t = 0; log of a stand-in 1 there keeps the unused branch finite.
            Tensor positive = target.gt(0);
            Tensor safeTarget = Tensor.where(positive, target, Tensor.onesLike(target));
            loss = target.mul(safeTarget.log()).sub(target.mul(input));
        }
        if ("batchmean".equals(reduction)) {
            Tensor sum = loss.sum();
            return input.dim() == 0 ? sum : sum.div((double) input.size(0));
        }
        return Reduction.apply(loss, reduction);
    }

    /**
     * {@code 1 - cos(x1, x2)} where {@code y = 1}, {@code max(0, cos(x1, x2) - margin)} where
     * {@code y = -1}; the cosine is taken along the last dim of {@code [N, D]} (or {@code [D]}) inputs.
     */
    public static Tensor cosineEmbeddingLoss(Tensor input1, Tensor input2, Tensor target, double margin, String reduction) {
        Reduction.check(reduction);
        if (!Arrays.equals(input1.shape(), input2.shape())) {
            throw new IllegalArgumentException("cosine_embedding_loss: input1 and input2 must have the same size, got "
                    + Arrays.toString(input1.shape()) + " and " + Arrays.toString(input2.shape()));
        }
        if (input1.dim() != 1 && input1.dim() != 2) {
            throw new IllegalArgumentException("cosine_embedding_loss: 1D or 2D inputs expected, got inputs of size "
                    + Arrays.toString(input1.shape()));
        }
        long[] expectedTarget = input1.dim() == 2 ? new long[] {input1.size(0)} : new long[0];
        if (!Arrays.equals(target.shape(), expectedTarget)) {
            throw new IllegalArgumentException("cosine_embedding_loss: expected target of size "
                    + Arrays.toString(expectedTarget) + " for inputs of size " + Arrays.toString(input1.shape())
                    + ", got " + Arrays.toString(target.shape()));
        }
        Tensor dot = input1.mul(input2).sum(-1);
        Tensor squaredNorm1 = input1.square().sum(-1).add(COSINE_EPSILON);
        Tensor squaredNorm2 = input2.square().sum(-1).add(COSINE_EPSILON);
        Tensor cosine = dot.div(squaredNorm1.mul(squaredNorm2).sqrt());
        Tensor zero = Tensor.zerosLike(cosine);
        Tensor positive = Tensor.where(target.eq(1), cosine.rsub(1), zero);
        Tensor negative = Tensor.where(target.eq(-1), cosine.sub(margin).clampMin(0), zero);
        return Reduction.apply(positive.add(negative), reduction);
    }

    /** {@code max(0, -y (x1 - x2) + margin)}: asks {@code x1} to rank above {@code x2} where {@code y = 1}, below where {@code y = -1}. */
    public static Tensor marginRankingLoss(Tensor input1, Tensor input2, Tensor target, double margin, String reduction) {
        Reduction.check(reduction);
        checkBroadcastable(input1, input2, "margin_ranking_loss");
        checkBroadcastable(input1, target, "margin_ranking_loss");
        return Reduction.apply(target.neg().mul(input1.sub(input2)).add(margin).clampMin(0), reduction);
    }

    /** Losses broadcast target against input like PyTorch; shapes that cannot broadcast fail here with both named. */
    private static void checkBroadcastable(Tensor input, Tensor target, String op) {
        long[] a = input.shape();
        long[] b = target.shape();
        for (int i = 1; i <= Math.min(a.length, b.length); i++) {
            long x = a[a.length - i];
            long y = b[b.length - i];
            if (x != y && x != 1 && y != 1) {
                throw new IllegalArgumentException(op + ": the size of the target " + Arrays.toString(b)
                        + " does not match (and cannot broadcast to) the size of the input " + Arrays.toString(a));
            }
        }
    }
}
