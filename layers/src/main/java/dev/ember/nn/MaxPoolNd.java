package dev.ember.nn;

/**
 * What {@link MaxPool1d} and {@link MaxPool2d} share, like PyTorch's {@code _MaxPoolNd}: the
 * window options (one value for every dim, or one per dim) and their printout. The stride
 * defaults to the kernel size.
 *
 * <pre>{@code
 * MaxPoolNd pool = new MaxPool2d(2);   // pool.kernelSize == {2}, pool.stride == {2}
 * }</pre>
 */
public abstract class MaxPoolNd extends Module {
    public final long[] kernelSize;
    public final long[] stride;
    public final long[] padding;
    public final long[] dilation;
    public final boolean ceilMode;

    /** Every option; a null or empty {@code stride} means the kernel size. */
    protected MaxPoolNd(long[] kernelSize, long[] stride, long[] padding, long[] dilation, boolean ceilMode) {
        this.kernelSize = kernelSize.clone();
        this.stride = stride == null || stride.length == 0 ? kernelSize.clone() : stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.ceilMode = ceilMode;
    }

    @Override
    public String extraRepr() {
        return "kernel_size=" + PythonTuples.intOrTuple(kernelSize) + ", stride=" + PythonTuples.intOrTuple(stride) + ", padding="
                + PythonTuples.intOrTuple(padding) + ", dilation=" + PythonTuples.intOrTuple(dilation) + ", ceil_mode="
                + pythonBoolean(ceilMode);
    }
}
