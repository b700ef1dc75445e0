package dev.ember.devices.cpu;

/**
 * Block-sized arrays that the strided (non-vector) kernel paths convert elements into and
 * out of. One is made per task, never per element.
 */
final class Scratch {
    final double[] x;
    final double[] y;
    final double[] z;
    final double[] r;
    final long[] lx;
    final long[] ly;
    final long[] lz;
    final long[] lr;

    Scratch(long size) {
        int n = (int) Math.max(1, Math.min(CopyKernels.BLOCK, size));
        x = new double[n];
        y = new double[n];
        z = new double[n];
        r = new double[n];
        lx = new long[n];
        ly = new long[n];
        lz = new long[n];
        lr = new long[n];
    }

    int block() { return x.length; }
}
