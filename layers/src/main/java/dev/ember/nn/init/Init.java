package dev.ember.nn.init;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;

/**
 * Parameter initialisation, like {@code torch.nn.init}: each function fills a tensor in place
 * (under no-grad, so it works on parameters) from the seeded default generator and returns it.
 *
 * <pre>{@code
 * Init.kaimingUniform_(linear.weight, Math.sqrt(5), "fan_in", "leaky_relu");
 * Init.zeros_(linear.bias);
 * }</pre>
 */
public final class Init {
    private Init() {}

    /** The fan-in and fan-out of a weight: {@code size(1) * receptive field} and {@code size(0) * receptive field}. */
    public record Fans(long fanIn, long fanOut) {}

    /**
     * The recommended gain for a nonlinearity: 1 for linear, conv and sigmoid, 5/3 for tanh,
     * sqrt(2) for relu, sqrt(2 / (1 + slope^2)) for leaky_relu (slope {@code param}, 0.01 when
     * null) and 3/4 for selu.
     */
    public static double calculateGain(String nonlinearity, Double param) {
        return switch (nonlinearity) {
            case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
                 "sigmoid" -> 1.0;
            case "tanh" -> 5.0 / 3;
            case "relu" -> Math.sqrt(2.0);
            case "leaky_relu" -> {
                double slope = param == null ? 0.01 : param;
                yield Math.sqrt(2.0 / (1 + slope * slope));
            }
            case "selu" -> 3.0 / 4;
            default -> throw new IllegalArgumentException("Unsupported nonlinearity " + nonlinearity);
        };
    }

    public static double calculateGain(String nonlinearity) { return calculateGain(nonlinearity, null); }

    /** Fans of a weight of at least 2 dims, shaped {@code [out, in, kernel...]}. */
    public static Fans calculateFanInAndFanOut(Tensor tensor) {
        if (tensor.dim() < 2) {
            throw new IllegalArgumentException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
        }
        long receptiveField = 1;
        for (int d = 2; d < tensor.dim(); d++) receptiveField *= tensor.size(d);
        return new Fans(tensor.size(1) * receptiveField, tensor.size(0) * receptiveField);
    }

    /** Uniform in {@code [a, b)}. */
    public static Tensor uniform_(Tensor tensor, double a, double b) {
        try (var mode = GradMode.noGrad()) {
            return tensor.uniform_(a, b);
        }
    }

    public static Tensor uniform_(Tensor tensor) { return uniform_(tensor, 0, 1); }

    /** Normal with the given mean and standard deviation. */
    public static Tensor normal_(Tensor tensor, double mean, double std) {
        try (var mode = GradMode.noGrad()) {
            return tensor.normal_(mean, std);
        }
    }

    public static Tensor normal_(Tensor tensor) { return normal_(tensor, 0, 1); }

    public static Tensor constant_(Tensor tensor, double value) {
        try (var mode = GradMode.noGrad()) {
            return tensor.fill_(value);
        }
    }

    public static Tensor zeros_(Tensor tensor) { return constant_(tensor, 0); }

    public static Tensor ones_(Tensor tensor) { return constant_(tensor, 1); }

    /** The identity matrix (ones on the diagonal) for a 2-D tensor, like {@code eye_}. */
    public static Tensor eye_(Tensor tensor) {
        if (tensor.dim() != 2) throw new IllegalArgumentException("Only tensors with 2 dimensions are supported");
        try (var mode = GradMode.noGrad()) {
            return tensor.copy_(Tensor.eye(tensor.size(0), tensor.size(1)));
        }
    }

    /**
     * Glorot/Xavier uniform: {@code U(-a, a)} with {@code a = gain * sqrt(6 / (fanIn + fanOut))}.
     *
     * <pre>{@code
     * Init.xavierUniform_(w, Init.calculateGain("tanh"));
     * }</pre>
     */
    public static Tensor xavierUniform_(Tensor tensor, double gain) {
        double bound = Math.sqrt(3.0) * xavierStd(tensor, gain);
        return uniform_(tensor, -bound, bound);
    }

    public static Tensor xavierUniform_(Tensor tensor) { return xavierUniform_(tensor, 1); }

    /** Glorot/Xavier normal: {@code N(0, std^2)} with {@code std = gain * sqrt(2 / (fanIn + fanOut))}. */
    public static Tensor xavierNormal_(Tensor tensor, double gain) { return normal_(tensor, 0, xavierStd(tensor, gain)); }

    public static Tensor xavierNormal_(Tensor tensor) { return xavierNormal_(tensor, 1); }

    private static double xavierStd(Tensor tensor, double gain) {
        Fans fans = calculateFanInAndFanOut(tensor);
        return gain * Math.sqrt(2.0 / (fans.fanIn() + fans.fanOut()));
    }

    /**
     * He/Kaiming uniform: {@code U(-bound, bound)} with {@code bound = gain * sqrt(3 / fan)},
     * where {@code gain = calculateGain(nonlinearity, a)} and {@code fan} is the fan-in or fan-out
     * ({@code mode} "fan_in" or "fan_out"). PyTorch's Linear and Conv use {@code a = sqrt(5)}.
     *
     * <pre>{@code
     * Init.kaimingUniform_(w, 0, "fan_in", "relu");
     * }</pre>
     */
    public static Tensor kaimingUniform_(Tensor tensor, double a, String mode, String nonlinearity) {
        if (tensor.numel() == 0) return tensor;
        double bound = Math.sqrt(3.0) * kaimingStd(tensor, a, mode, nonlinearity);
        return uniform_(tensor, -bound, bound);
    }

    /** Kaiming uniform with {@code mode = "fan_in"} and {@code nonlinearity = "leaky_relu"}, PyTorch's defaults. */
    public static Tensor kaimingUniform_(Tensor tensor, double a) { return kaimingUniform_(tensor, a, "fan_in", "leaky_relu"); }

    public static Tensor kaimingUniform_(Tensor tensor) { return kaimingUniform_(tensor, 0); }

    /** He/Kaiming normal: {@code N(0, std^2)} with {@code std = gain / sqrt(fan)}. */
    public static Tensor kaimingNormal_(Tensor tensor, double a, String mode, String nonlinearity) {
        if (tensor.numel() == 0) return tensor;
        return normal_(tensor, 0, kaimingStd(tensor, a, mode, nonlinearity));
    }

    public static Tensor kaimingNormal_(Tensor tensor, double a) { return kaimingNormal_(tensor, a, "fan_in", "leaky_relu"); }

    public static Tensor kaimingNormal_(Tensor tensor) { return kaimingNormal_(tensor, 0); }

    private static double kaimingStd(Tensor tensor, double a, String mode, String nonlinearity) {
        Fans fans = calculateFanInAndFanOut(tensor);
        long fan = switch (mode) {
            case "fan_in" -> fans.fanIn();
            case "fan_out" -> fans.fanOut();
            default -> throw new IllegalArgumentException("Mode " + mode + " not supported, please use one of fan_in, fan_out");
        };
        return calculateGain(nonlinearity, a) / Math.sqrt(fan);
    }

    /**
     * A (semi-)orthogonal matrix, scaled by {@code gain}: the tensor seen as {@code [size(0), rest]}
     * gets orthonormal rows (or columns, whichever are fewer), from the QR decomposition of a
     * normal random matrix with R's diagonal made positive, as in PyTorch.
     *
     * <pre>{@code
     * Init.orthogonal_(w, 1.0);   // w.matmul(w.t()) is the identity for a wide w
     * }</pre>
     */
    public static Tensor orthogonal_(Tensor tensor, double gain) {
        if (tensor.dim() < 2) throw new IllegalArgumentException("Only tensors with 2 or more dimensions are supported");
        if (tensor.numel() == 0) return tensor;
        int rows = Math.toIntExact(tensor.size(0));
        int columns = Math.toIntExact(tensor.numel() / rows);
        boolean wide = rows < columns;
        int tall = wide ? columns : rows;
        int narrow = wide ? rows : columns;
        // Columns of a tall matrix [tall, narrow], stored column by column.
        double[] random = Tensor.randn(DType.FLOAT64, narrow, tall).toDoubleArray();
        double[] q = Orthonormalization.orthonormalColumns(random, tall, narrow);
        double[] result = new double[rows * columns];
        for (int j = 0; j < narrow; j++) {
            for (int i = 0; i < tall; i++) {
                double value = gain * q[j * tall + i];
                // q's column j is row j of a wide result, or column j of a tall one.
                if (wide) result[j * columns + i] = value;
                else result[i * columns + j] = value;
            }
        }
        try (var mode = GradMode.noGrad()) {
            return tensor.copy_(Tensor.of(result, tensor.shape()));
        }
    }

    public static Tensor orthogonal_(Tensor tensor) { return orthogonal_(tensor, 1); }
}
