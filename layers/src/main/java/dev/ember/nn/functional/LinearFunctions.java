package dev.ember.nn.functional;

import dev.ember.tensor.Tensor;
import java.util.Arrays;

/**
 * The affine maps of {@code torch.nn.functional}: {@code linear} and {@code bilinear}, each one
 * GEMM over a transposed view of the weight (no copy) plus a broadcast bias add.
 * {@link F} delegates here; {@code Linear} and {@code Bilinear} call these.
 *
 * <pre>{@code
 * Tensor y = LinearFunctions.linear(x, weight, bias);   // x [64, 784], weight [10, 784] -> [64, 10]
 * }</pre>
 */
public final class LinearFunctions {
    private LinearFunctions() {}

    /**
     * {@code x W^T + b} over the last dim of {@code input} ({@code [..., in]}), with weight
     * {@code [out, in]} and an optional bias {@code [out]} (null for none).
     */
    public static Tensor linear(Tensor input, Tensor weight, Tensor bias) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("linear: expected a 2-D weight [out_features, in_features], but got weight of size "
                    + Arrays.toString(weight.shape()));
        }
        if (input.dim() == 0) throw new IllegalArgumentException("linear: expected an input of at least 1 dim, but got a scalar");
        long inFeatures = weight.size(1);
        Tensor output;
        if (input.dim() <= 2) {
            output = input.matmul(weight.t());
        } else {
            // Flattening the leading dims makes this one GEMM against the shared weight, rather than
            // a batched product over a weight broadcast to every batch entry.
            long[] shape = input.shape();
            long[] outShape = shape.clone();
            outShape[shape.length - 1] = weight.size(0);
            output = input.reshape(-1, shape[shape.length - 1]).matmul(weight.t()).view(outShape);
        }
        if (bias == null) return output;
        if (bias.dim() != 1 || bias.size(0) != weight.size(0)) {
            throw new IllegalArgumentException("linear: expected bias of size [" + weight.size(0) + "] for weight of size "
                    + Arrays.toString(weight.shape()) + ", but got bias of size " + Arrays.toString(bias.shape())
                    + " (in_features=" + inFeatures + ")");
        }
        return output.add(bias);
    }

    public static Tensor linear(Tensor input, Tensor weight) { return linear(input, weight, null); }

    /**
     * {@code y_k = x1^T W_k x2 + b_k} for inputs {@code [..., in1]} and {@code [..., in2]} with the
     * same leading dims, weight {@code [out, in1, in2]} and an optional bias {@code [out]}.
     */
    public static Tensor bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor bias) {
        if (weight.dim() != 3) {
            throw new IllegalArgumentException("bilinear(): weight must be three-dimensional, but got weight of size "
                    + Arrays.toString(weight.shape()));
        }
        if (input1.dim() == 0 || input2.dim() == 0) {
            throw new IllegalArgumentException("bilinear(): expected inputs of at least 1 dim, but got sizes "
                    + Arrays.toString(input1.shape()) + " and " + Arrays.toString(input2.shape()));
        }
        long[] shape1 = input1.shape();
        long[] shape2 = input2.shape();
        if (!Arrays.equals(Arrays.copyOf(shape1, shape1.length - 1), Arrays.copyOf(shape2, shape2.length - 1))) {
            throw new IllegalArgumentException("bilinear(): input batch dimensions do not match: got "
                    + Arrays.toString(shape1) + " and " + Arrays.toString(shape2));
        }
        long out = weight.size(0);
        long in1 = weight.size(1);
        long in2 = weight.size(2);
        if (shape1[shape1.length - 1] != in1) {
            throw new IllegalArgumentException("bilinear(): input1 size does not match weight size: got "
                    + shape1[shape1.length - 1] + " but expected " + in1);
        }
        if (shape2[shape2.length - 1] != in2) {
            throw new IllegalArgumentException("bilinear(): input2 size does not match weight size: got "
                    + shape2[shape2.length - 1] + " but expected " + in2);
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != out)) {
            throw new IllegalArgumentException("bilinear(): bias size does not match weight size: got "
                    + Arrays.toString(bias.shape()) + " but expected [" + out + "]");
        }
        Tensor left = input1.reshape(-1, in1);
        Tensor right = input2.reshape(-1, in2);
        long rows = left.size(0);
        // One GEMM: x2 against every row W[k, i, :], giving (W_k x2)_i for all k, i; then a dot with x1.
        Tensor projected = right.matmul(weight.reshape(out * in1, in2).t()).view(rows, out, in1);
        Tensor output = projected.mul(left.unsqueeze(1)).sum(-1);
        if (bias != null) output = output.add(bias);
        long[] outShape = shape1.clone();
        outShape[outShape.length - 1] = out;
        return output.view(outShape);
    }
}
