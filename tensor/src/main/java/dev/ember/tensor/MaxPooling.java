package dev.ember.tensor;

import dev.ember.devices.DType;
import java.util.Arrays;

/**
 * Max pooling over 1 to 3 spatial dims with the positions of the maxima, like PyTorch's
 * {@code max_pool2d_with_indices}. The backend finds each window's maximum and its flat index
 * within the input plane. The result is recorded as MAX_POOL; its gradient is the backend's
 * max-pool backward (a scatter-add of the gradient at those indices), recorded as
 * MAX_POOL_BACKWARD, whose gradient is a gather at the same indices, so every order of
 * derivative works.
 *
 * <pre>{@code
 * MaxPooling.Result r = Tensor.maxPoolWithIndices(x, new long[] {2, 2}, new long[] {2, 2},
 *         new long[] {0, 0}, new long[] {1, 1}, false);
 * r.values();  r.indices();
 * }</pre>
 */
public final class MaxPooling {
    private MaxPooling() {}

    /** The pooled values and, for each, the flat int64 position of its maximum in the input plane. */
    public record Result(Tensor values, Tensor indices) {}

    static Result maxPool(Tensor input, long[] kernelSize, long[] stride, long[] padding, long[] dilation, boolean ceilMode) {
        input.storage.buffer.checkOpen();
        int spatial = input.dim() - 2;
        if (spatial < 1 || spatial > 3) {
            throw new IllegalArgumentException("max_pool: expected an input of shape [N, C, *spatial] with 1 to 3 spatial dims, "
                    + "but got input of size: " + Dimensions.shapeText(input.shape()));
        }
        if (input.dtype() != DType.FLOAT32 && input.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("\"max_pool\" not implemented for '" + input.dtype() + "' (float32 and float64 only)");
        }
        Convolution.Window window = Convolution.Window.of("max_pool", spatial, kernelSize, stride, padding, dilation);
        long[] shape = input.shape();
        long[] outShape = shape.clone();
        for (int i = 0; i < spatial; i++) {
            outShape[2 + i] = outputSize(shape[2 + i], window.kernel()[i], window.stride()[i], window.padding()[i],
                    window.dilation()[i], ceilMode);
            if (outShape[2 + i] < 1) {
                throw new IllegalArgumentException("max_pool: given input size " + Dimensions.shapeText(shape)
                        + ", the calculated output size " + Dimensions.shapeText(outShape) + " is too small");
            }
        }
        Tensor values = Factories.empty(input.dtype(), input.device(), outShape);
        Tensor indices = Factories.empty(DType.INT64, input.device(), outShape);
        input.storage.backend.maxPool(input.strided(), window.kernel(), window.stride(), window.padding(), window.dilation(),
                values.strided(), indices.strided());
        OpNode node = OpNode.record(Op.MAX_POOL, values, input);
        if (node != null) node.save(indices);
        return new Result(values, indices);
    }

    /**
     * The MAX_POOL row: {@code g} added into a zero input gradient at the saved positions, by
     * the backend's max-pool backward kernel. Recorded as MAX_POOL_BACKWARD (linear in {@code g}),
     * whose own gradient gathers at the same positions.
     */
    static Tensor backward(Tensor g, Tensor indices, long[] inputShape) {
        Tensor source = g.contiguous();
        Tensor out = Factories.empty(g.dtype(), g.device(), inputShape);
        g.storage.backend.maxPoolBackward(source.strided(), indices.contiguous().strided(), out.strided());
        OpNode node = OpNode.record(Op.MAX_POOL_BACKWARD, out, g);
        if (node != null) node.save(indices);
        return out;
    }

    /** The MAX_POOL_BACKWARD row: the gradient {@code [N, C, *in]} read at each window's position, shaped like the indices. */
    static Tensor gatherAtIndices(Tensor g, Tensor indices) {
        long[] shape = g.shape();
        long[] outShape = indices.shape();
        Tensor flatIndices = indices.reshape(outShape[0], outShape[1], -1);
        return g.reshape(shape[0], shape[1], -1).gather(2, flatIndices).view(outShape);
    }

    /** PyTorch's pooling output size: floor or ceil, and a last window must start inside the input or its left padding. */
    static long outputSize(long in, long kernel, long stride, long padding, long dilation, boolean ceilMode) {
        long span = in + 2 * padding - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        long out = Math.floorDiv(span, stride) + 1;
        if (ceilMode && (out - 1) * stride >= in + padding) out--;
        return out;
    }
}
