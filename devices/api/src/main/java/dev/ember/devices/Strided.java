package dev.ember.devices;

/**
 * One kernel operand: a buffer, the layout that views it, and its element type.
 * Backends receive tensors only in this form; they never see autograd.
 */
public record Strided(Buffer buffer, Layout layout, DType dtype) {

    public long numel() { return layout.numel(); }

    public long[] shape() { return layout.shape(); }

    /** Checks that every element index of the layout falls inside the buffer. */
    public void checkBounds() {
        buffer.checkOpen();
        if (layout.numel() == 0) return;
        long min = layout.minIndex();
        long max = layout.maxIndex();
        if (min < 0 || (max + 1) * dtype.byteSize() > buffer.byteSize()) {
            throw new IndexOutOfBoundsException("layout " + layout + " of " + dtype + " reaches elements ["
                    + min + ", " + max + "] outside a buffer of " + buffer.byteSize() + " bytes");
        }
    }
}
