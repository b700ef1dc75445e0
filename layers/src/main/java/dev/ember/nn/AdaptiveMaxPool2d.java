package dev.ember.nn;

import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;

/**
 * Adaptive maximum pooling to a fixed output size, like {@code torch.nn.AdaptiveMaxPool2d}:
 * output cell {@code i} covers input rows {@code [floor(i*H/oh), ceil((i+1)*H/oh))}, likewise columns.
 * A non-positive size (PyTorch's None) keeps that dim.
 *
 * <pre>{@code
 * new AdaptiveMaxPool2d(5, 7).call(Tensor.randn(1, 64, 8, 9));   // [1, 64, 5, 7]
 * }</pre>
 */
public class AdaptiveMaxPool2d extends Module {
    /** One value for both dims, or {@code [oh, ow]}. */
    public final long[] outputSize;

    public AdaptiveMaxPool2d(long... outputSize) {
        if (outputSize.length != 1 && outputSize.length != 2) {
            throw new IllegalArgumentException("output_size must be one value or two values, but got " + outputSize.length);
        }
        this.outputSize = outputSize.clone();
    }

    @Override
    public Tensor forward(Tensor input) { return F.adaptiveMaxPool2d(input, outputSize); }

    @Override
    public String extraRepr() {
        if (outputSize.length == 1) return "output_size=" + PythonTuples.sizeOrNone(outputSize[0]);
        return "output_size=(" + PythonTuples.sizeOrNone(outputSize[0]) + ", " + PythonTuples.sizeOrNone(outputSize[1]) + ")";
    }
}
