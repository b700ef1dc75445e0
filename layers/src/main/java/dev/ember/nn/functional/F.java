package dev.ember.nn.functional;

import dev.ember.tensor.MaxPooling;
import dev.ember.tensor.Tensor;

/**
 * The functional forms of layers and losses, like {@code torch.nn.functional}: stateless
 * static methods over tensors. Each method delegates to the class that owns its concept.
 *
 * <pre>{@code
 * Tensor loss = F.crossEntropy(logits, labels);
 * Tensor y = F.relu(F.linear(x, weight, bias));
 * }</pre>
 */
public final class F {
    private F() {}

    // ---------------------------------------------------------------- linear, dropout, embedding

    /** {@code x W^T + b}; see {@link LinearFunctions#linear}. */
    public static Tensor linear(Tensor input, Tensor weight, Tensor bias) { return LinearFunctions.linear(input, weight, bias); }

    public static Tensor linear(Tensor input, Tensor weight) { return LinearFunctions.linear(input, weight, null); }

    /** {@code x1^T W_k x2 + b_k}; see {@link LinearFunctions#bilinear}. */
    public static Tensor bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor bias) {
        return LinearFunctions.bilinear(input1, input2, weight, bias);
    }

    /** Zeroes elements with probability {@code p} and scales the rest by {@code 1/(1-p)} when training. */
    public static Tensor dropout(Tensor input, double p, boolean training) { return DropoutFunctions.dropout(input, p, training); }

    public static Tensor dropout(Tensor input, double p) { return DropoutFunctions.dropout(input, p, true); }

    /** Zeroes whole channels of {@code [N, C, H, W]} with probability {@code p} when training. */
    public static Tensor dropout2d(Tensor input, double p, boolean training) { return DropoutFunctions.dropout2d(input, p, training); }

    /** Rows of {@code weight} at {@code indices}; the {@code paddingIdx} row (or null) gets no gradient. */
    public static Tensor embedding(Tensor indices, Tensor weight, Long paddingIdx) {
        return EmbeddingFunctions.embedding(indices, weight, paddingIdx);
    }

    public static Tensor embedding(Tensor indices, Tensor weight) { return EmbeddingFunctions.embedding(indices, weight, null); }

    // ---------------------------------------------------------------- activations

    public static Tensor relu(Tensor input) { return ActivationFunctions.relu(input); }

    public static Tensor leakyRelu(Tensor input, double negativeSlope) { return ActivationFunctions.leakyRelu(input, negativeSlope); }

    public static Tensor leakyRelu(Tensor input) { return ActivationFunctions.leakyRelu(input, 0.01); }

    public static Tensor elu(Tensor input, double alpha) { return ActivationFunctions.elu(input, alpha); }

    public static Tensor elu(Tensor input) { return ActivationFunctions.elu(input, 1.0); }

    /** Exact GELU ({@code x * Phi(x)}). */
    public static Tensor gelu(Tensor input) { return ActivationFunctions.gelu(input, "none"); }

    /** GELU with {@code approximate} {@code "none"} or {@code "tanh"}. */
    public static Tensor gelu(Tensor input, String approximate) { return ActivationFunctions.gelu(input, approximate); }

    public static Tensor silu(Tensor input) { return ActivationFunctions.silu(input); }

    public static Tensor mish(Tensor input) { return ActivationFunctions.mish(input); }

    public static Tensor sigmoid(Tensor input) { return ActivationFunctions.sigmoid(input); }

    public static Tensor tanh(Tensor input) { return ActivationFunctions.tanh(input); }

    public static Tensor softmax(Tensor input, int dim) { return ActivationFunctions.softmax(input, dim); }

    public static Tensor logSoftmax(Tensor input, int dim) { return ActivationFunctions.logSoftmax(input, dim); }

    public static Tensor softplus(Tensor input) { return ActivationFunctions.softplus(input, 1, 20); }

    public static Tensor softplus(Tensor input, double beta, double threshold) { return ActivationFunctions.softplus(input, beta, threshold); }

    public static Tensor hardtanh(Tensor input) { return ActivationFunctions.hardtanh(input, -1, 1); }

    public static Tensor hardtanh(Tensor input, double minValue, double maxValue) {
        return ActivationFunctions.hardtanh(input, minValue, maxValue);
    }

    // ---------------------------------------------------------------- normalization

    /** Batch norm per channel of {@code [N, C, ...]}; see {@link Normalization#batchNorm}. */
    public static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        return Normalization.batchNorm(input, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    /** Batch norm with PyTorch's defaults: not training (running statistics), momentum 0.1, eps 1e-5. */
    public static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar) {
        return Normalization.batchNorm(input, runningMean, runningVar, null, null, false, 0.1, 1e-5);
    }

    public static Tensor layerNorm(Tensor input, long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return Normalization.layerNorm(input, normalizedShape, weight, bias, eps);
    }

    public static Tensor layerNorm(Tensor input, long[] normalizedShape) {
        return Normalization.layerNorm(input, normalizedShape, null, null, 1e-5);
    }

    public static Tensor groupNorm(Tensor input, long numGroups, Tensor weight, Tensor bias, double eps) {
        return Normalization.groupNorm(input, numGroups, weight, bias, eps);
    }

    public static Tensor groupNorm(Tensor input, long numGroups) { return Normalization.groupNorm(input, numGroups, null, null, 1e-5); }

    /** RMS norm; a null {@code eps} is the dtype's machine epsilon. */
    public static Tensor rmsNorm(Tensor input, long[] normalizedShape, Tensor weight, Double eps) {
        return Normalization.rmsNorm(input, normalizedShape, weight, eps);
    }

    public static Tensor rmsNorm(Tensor input, long[] normalizedShape) { return Normalization.rmsNorm(input, normalizedShape, null, null); }

    public static Tensor instanceNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                      boolean useInputStats, double momentum, double eps) {
        return Normalization.instanceNorm(input, runningMean, runningVar, weight, bias, useInputStats, momentum, eps);
    }

    public static Tensor instanceNorm(Tensor input) { return Normalization.instanceNorm(input, null, null, null, null, true, 0.1, 1e-5); }

    // ---------------------------------------------------------------- convolution, pooling, upsampling

    /**
     * 1-D convolution of {@code [N, C, L]} (or unbatched {@code [C, L]}) with {@code weight [Cout, C/groups, k]};
     * each of stride, padding and dilation holds one value per spatial dim or one for all. See {@link Convolutions}.
     */
    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias, long[] stride, long[] padding, long[] dilation, long groups) {
        return Convolutions.convolution(1, input, weight, bias, stride, padding, dilation, groups);
    }

    /** 1-D convolution with {@code padding} {@code "same"} or {@code "valid"}. */
    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias, long[] stride, String padding, long[] dilation, long groups) {
        return Convolutions.convolution(1, input, weight, bias, stride, padding, dilation, groups);
    }

    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias) { return conv1d(input, weight, bias, ONE, ZERO, ONE, 1); }

    public static Tensor conv1d(Tensor input, Tensor weight) { return conv1d(input, weight, null); }

    /**
     * 2-D convolution of {@code [N, C, H, W]} (or unbatched {@code [C, H, W]}) with
     * {@code weight [Cout, C/groups, kh, kw]}, like {@code F.conv2d}.
     *
     * <pre>{@code
     * Tensor y = F.conv2d(x, w, b, new long[] {1}, new long[] {1}, new long[] {1}, 1);   // stride 1, padding 1
     * }</pre>
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, long[] stride, long[] padding, long[] dilation, long groups) {
        return Convolutions.convolution(2, input, weight, bias, stride, padding, dilation, groups);
    }

    /** 2-D convolution with {@code padding} {@code "same"} or {@code "valid"}. */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, long[] stride, String padding, long[] dilation, long groups) {
        return Convolutions.convolution(2, input, weight, bias, stride, padding, dilation, groups);
    }

    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, long stride, long padding) {
        return conv2d(input, weight, bias, new long[] {stride}, new long[] {padding}, ONE, 1);
    }

    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias) { return conv2d(input, weight, bias, ONE, ZERO, ONE, 1); }

    public static Tensor conv2d(Tensor input, Tensor weight) { return conv2d(input, weight, null); }

    /** 3-D convolution of {@code [N, C, D, H, W]} (or unbatched) with {@code weight [Cout, C/groups, kd, kh, kw]}. */
    public static Tensor conv3d(Tensor input, Tensor weight, Tensor bias, long[] stride, long[] padding, long[] dilation, long groups) {
        return Convolutions.convolution(3, input, weight, bias, stride, padding, dilation, groups);
    }

    public static Tensor conv3d(Tensor input, Tensor weight, Tensor bias, long[] stride, String padding, long[] dilation, long groups) {
        return Convolutions.convolution(3, input, weight, bias, stride, padding, dilation, groups);
    }

    public static Tensor conv3d(Tensor input, Tensor weight, Tensor bias) { return conv3d(input, weight, bias, ONE, ZERO, ONE, 1); }

    public static Tensor conv3d(Tensor input, Tensor weight) { return conv3d(input, weight, null); }

    /**
     * Transposed 2-D convolution with {@code weight [C, Cout/groups, kh, kw]}, like
     * {@code F.conv_transpose2d} (note PyTorch's argument order: groups before dilation).
     *
     * <pre>{@code
     * Tensor up = F.convTranspose2d(x, w, null, new long[] {2}, new long[] {0}, new long[] {0}, 1, new long[] {1});
     * }</pre>
     */
    public static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, long[] stride, long[] padding,
                                         long[] outputPadding, long groups, long[] dilation) {
        return Convolutions.convTranspose(2, input, weight, bias, stride, padding, outputPadding, groups, dilation);
    }

    public static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, long stride, long padding) {
        return convTranspose2d(input, weight, bias, new long[] {stride}, new long[] {padding}, ZERO, 1, ONE);
    }

    public static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias) {
        return convTranspose2d(input, weight, bias, ONE, ZERO, ZERO, 1, ONE);
    }

    public static Tensor convTranspose1d(Tensor input, Tensor weight, Tensor bias, long[] stride, long[] padding,
                                         long[] outputPadding, long groups, long[] dilation) {
        return Convolutions.convTranspose(1, input, weight, bias, stride, padding, outputPadding, groups, dilation);
    }

    public static Tensor convTranspose3d(Tensor input, Tensor weight, Tensor bias, long[] stride, long[] padding,
                                         long[] outputPadding, long groups, long[] dilation) {
        return Convolutions.convTranspose(3, input, weight, bias, stride, padding, outputPadding, groups, dilation);
    }

    /**
     * {@code F.unfold} (im2col): {@code [N, C, H, W] -> [N, C * kh * kw, L]}, one column per sliding window.
     *
     * <pre>{@code
     * Tensor columns = F.unfold(x, new long[] {3}, new long[] {1}, new long[] {1}, new long[] {1});
     * }</pre>
     */
    public static Tensor unfold(Tensor input, long[] kernelSize, long[] dilation, long[] padding, long[] stride) {
        return Convolutions.unfold(input, kernelSize, dilation, padding, stride);
    }

    public static Tensor unfold(Tensor input, long kernelSize) { return unfold(input, new long[] {kernelSize}, ONE, ZERO, ONE); }

    /** {@code F.fold} (col2im): sums {@code [N, C * kh * kw, L]} back into {@code [N, C, *outputSize]}. */
    public static Tensor fold(Tensor input, long[] outputSize, long[] kernelSize, long[] dilation, long[] padding, long[] stride) {
        return Convolutions.fold(input, outputSize, kernelSize, dilation, padding, stride);
    }

    public static Tensor fold(Tensor input, long[] outputSize, long kernelSize) {
        return fold(input, outputSize, new long[] {kernelSize}, ONE, ZERO, ONE);
    }

    /** 1-D max pooling of {@code [N, C, L]} (or {@code [C, L]}); a null {@code stride} means the kernel size. */
    public static Tensor maxPool1d(Tensor input, long[] kernelSize, long[] stride, long[] padding, long[] dilation, boolean ceilMode) {
        return Pooling.maxPool(1, input, kernelSize, stride, padding, dilation, ceilMode);
    }

    public static Tensor maxPool1d(Tensor input, long kernelSize) { return maxPool1d(input, new long[] {kernelSize}, null, ZERO, ONE, false); }

    public static MaxPooling.Result maxPool1dWithIndices(Tensor input, long[] kernelSize, long[] stride, long[] padding,
                                                         long[] dilation, boolean ceilMode) {
        return Pooling.maxPoolWithIndices(1, input, kernelSize, stride, padding, dilation, ceilMode);
    }

    /**
     * 2-D max pooling of {@code [N, C, H, W]} (or {@code [C, H, W]}), like {@code F.max_pool2d};
     * a null {@code stride} means the kernel size.
     *
     * <pre>{@code
     * Tensor pooled = F.maxPool2d(x, 2);   // [N, C, H/2, W/2]
     * }</pre>
     */
    public static Tensor maxPool2d(Tensor input, long[] kernelSize, long[] stride, long[] padding, long[] dilation, boolean ceilMode) {
        return Pooling.maxPool(2, input, kernelSize, stride, padding, dilation, ceilMode);
    }

    public static Tensor maxPool2d(Tensor input, long kernelSize) { return maxPool2d(input, new long[] {kernelSize}, null, ZERO, ONE, false); }

    public static Tensor maxPool2d(Tensor input, long kernelSize, long stride) {
        return maxPool2d(input, new long[] {kernelSize}, new long[] {stride}, ZERO, ONE, false);
    }

    /** Max pooling that also returns each maximum's flat position in its input plane ({@code return_indices=True}). */
    public static MaxPooling.Result maxPool2dWithIndices(Tensor input, long[] kernelSize, long[] stride, long[] padding,
                                                         long[] dilation, boolean ceilMode) {
        return Pooling.maxPoolWithIndices(2, input, kernelSize, stride, padding, dilation, ceilMode);
    }

    /** 1-D average pooling; a null {@code stride} means the kernel size. */
    public static Tensor avgPool1d(Tensor input, long[] kernelSize, long[] stride, long[] padding, boolean ceilMode,
                                   boolean countIncludePad) {
        return Pooling.avgPool(1, input, kernelSize, stride, padding, ceilMode, countIncludePad, null);
    }

    public static Tensor avgPool1d(Tensor input, long kernelSize) { return avgPool1d(input, new long[] {kernelSize}, null, ZERO, false, true); }

    /**
     * 2-D average pooling, like {@code F.avg_pool2d}; {@code divisorOverride} may be null.
     *
     * <pre>{@code
     * Tensor pooled = F.avgPool2d(x, new long[] {3}, new long[] {2}, new long[] {1}, true, false, null);
     * }</pre>
     */
    public static Tensor avgPool2d(Tensor input, long[] kernelSize, long[] stride, long[] padding, boolean ceilMode,
                                   boolean countIncludePad, Long divisorOverride) {
        return Pooling.avgPool(2, input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
    }

    public static Tensor avgPool2d(Tensor input, long kernelSize) {
        return avgPool2d(input, new long[] {kernelSize}, null, ZERO, false, true, null);
    }

    /** Average pooling to a fixed output size ({@code [oh, ow]} or one value for both; non-positive keeps that dim). */
    public static Tensor adaptiveAvgPool2d(Tensor input, long... outputSize) { return Pooling.adaptiveAvgPool2d(input, outputSize); }

    public static Tensor adaptiveMaxPool2d(Tensor input, long... outputSize) { return Pooling.adaptiveMaxPool2d(input, outputSize); }

    public static MaxPooling.Result adaptiveMaxPool2dWithIndices(Tensor input, long... outputSize) {
        return Pooling.adaptiveMaxPool2dWithIndices(input, outputSize);
    }

    /**
     * Resizes the spatial dims to {@code size} or by {@code scaleFactor} (one of them null) with
     * {@code mode} nearest, linear, bilinear or trilinear, like {@code F.interpolate};
     * {@code alignCorners} null means PyTorch's default.
     *
     * <pre>{@code
     * Tensor up = F.interpolate(x, null, new double[] {2}, "bilinear", false);
     * }</pre>
     */
    public static Tensor interpolate(Tensor input, long[] size, double[] scaleFactor, String mode, Boolean alignCorners) {
        return Upsampling.interpolate(input, size, scaleFactor, mode, alignCorners);
    }

    public static Tensor interpolate(Tensor input, double scaleFactor, String mode) {
        return interpolate(input, null, new double[] {scaleFactor}, mode, null);
    }

    public static Tensor interpolate(Tensor input, long[] size, String mode) { return interpolate(input, size, null, mode, null); }

    /** Same as {@link #interpolate(Tensor, long[], double[], String, Boolean)} (PyTorch's older name). */
    public static Tensor upsample(Tensor input, long[] size, double[] scaleFactor, String mode, Boolean alignCorners) {
        return interpolate(input, size, scaleFactor, mode, alignCorners);
    }

    private static final long[] ONE = {1};
    private static final long[] ZERO = {0};

    // ---------------------------------------------------------------- losses

    /** Mean cross-entropy of logits {@code [N, C, ...]} against class indices; see {@link ClassificationLosses#crossEntropy}. */
    public static Tensor crossEntropy(Tensor input, Tensor target) { return ClassificationLosses.crossEntropy(input, target); }

    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, long ignoreIndex, String reduction,
                                      double labelSmoothing) {
        return ClassificationLosses.crossEntropy(input, target, weight, ignoreIndex, reduction, labelSmoothing);
    }

    public static Tensor nllLoss(Tensor input, Tensor target) { return ClassificationLosses.nllLoss(input, target); }

    public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, long ignoreIndex, String reduction) {
        return ClassificationLosses.nllLoss(input, target, weight, ignoreIndex, reduction);
    }

    public static Tensor mseLoss(Tensor input, Tensor target) { return Losses.mseLoss(input, target, "mean"); }

    public static Tensor mseLoss(Tensor input, Tensor target, String reduction) { return Losses.mseLoss(input, target, reduction); }

    public static Tensor l1Loss(Tensor input, Tensor target) { return Losses.l1Loss(input, target, "mean"); }

    public static Tensor l1Loss(Tensor input, Tensor target, String reduction) { return Losses.l1Loss(input, target, reduction); }

    public static Tensor smoothL1Loss(Tensor input, Tensor target) { return Losses.smoothL1Loss(input, target, "mean", 1.0); }

    public static Tensor smoothL1Loss(Tensor input, Tensor target, String reduction, double beta) {
        return Losses.smoothL1Loss(input, target, reduction, beta);
    }

    public static Tensor huberLoss(Tensor input, Tensor target) { return Losses.huberLoss(input, target, "mean", 1.0); }

    public static Tensor huberLoss(Tensor input, Tensor target, String reduction, double delta) {
        return Losses.huberLoss(input, target, reduction, delta);
    }

    public static Tensor binaryCrossEntropy(Tensor input, Tensor target) { return Losses.binaryCrossEntropy(input, target, null, "mean"); }

    public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, String reduction) {
        return Losses.binaryCrossEntropy(input, target, weight, reduction);
    }

    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
        return Losses.binaryCrossEntropyWithLogits(input, target, null, null, "mean");
    }

    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, Tensor posWeight,
                                                      String reduction) {
        return Losses.binaryCrossEntropyWithLogits(input, target, weight, posWeight, reduction);
    }

    public static Tensor klDiv(Tensor input, Tensor target) { return Losses.klDiv(input, target, "mean", false); }

    public static Tensor klDiv(Tensor input, Tensor target, String reduction, boolean logTarget) {
        return Losses.klDiv(input, target, reduction, logTarget);
    }

    public static Tensor cosineEmbeddingLoss(Tensor input1, Tensor input2, Tensor target, double margin, String reduction) {
        return Losses.cosineEmbeddingLoss(input1, input2, target, margin, reduction);
    }

    public static Tensor cosineEmbeddingLoss(Tensor input1, Tensor input2, Tensor target) {
        return Losses.cosineEmbeddingLoss(input1, input2, target, 0, "mean");
    }

    public static Tensor marginRankingLoss(Tensor input1, Tensor input2, Tensor target, double margin, String reduction) {
        return Losses.marginRankingLoss(input1, input2, target, margin, reduction);
    }

    public static Tensor marginRankingLoss(Tensor input1, Tensor input2, Tensor target) {
        return Losses.marginRankingLoss(input1, input2, target, 0, "mean");
    }
}
