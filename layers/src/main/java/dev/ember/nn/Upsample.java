package dev.ember.nn;

import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;

/**
 * Resizes the spatial dims by nearest-neighbour or (bi/tri)linear interpolation, like
 * {@code torch.nn.Upsample}; exactly one of {@code size} and {@code scaleFactor} is set.
 *
 * <pre>{@code
 * new Upsample(2.0).call(Tensor.randn(1, 3, 4, 4));                               // [1, 3, 8, 8], nearest
 * new Upsample(null, new double[] {2}, "bilinear", true).call(Tensor.randn(1, 3, 4, 4));
 * }</pre>
 */
public class Upsample extends Module {
    public final long[] size;
    public final double[] scaleFactor;
    public final String mode;
    /** Null for PyTorch's default (false for the linear modes, unset for nearest). */
    public final Boolean alignCorners;

    public Upsample(double scaleFactor) { this(null, new double[] {scaleFactor}, "nearest", null); }

    public Upsample(double scaleFactor, String mode) { this(null, new double[] {scaleFactor}, mode, null); }

    public Upsample(long[] size, double[] scaleFactor, String mode, Boolean alignCorners) {
        if ((size == null) == (scaleFactor == null)) {
            throw new IllegalArgumentException("either size or scale_factor should be defined, but not both");
        }
        this.size = size == null ? null : size.clone();
        this.scaleFactor = scaleFactor == null ? null : scaleFactor.clone();
        this.mode = mode;
        this.alignCorners = alignCorners;
    }

    @Override
    public Tensor forward(Tensor input) { return F.interpolate(input, size, scaleFactor, mode, alignCorners); }

    @Override
    public String extraRepr() {
        String what;
        if (scaleFactor != null) {
            what = "scale_factor=" + (scaleFactor.length == 1 ? Double.toString(scaleFactor[0]) : doubles(scaleFactor));
        } else {
            what = "size=" + PythonTuples.intOrTuple(size);
        }
        return what + ", mode=" + mode;
    }

    private static String doubles(double[] values) {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) text.append(i == 0 ? "" : ", ").append(values[i]);
        return text.append(')').toString();
    }
}
