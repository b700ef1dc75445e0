package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import dev.ember.devices.Strided;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Batched matrix product {@code [b, m, k] x [b, k, n] -> [b, m, n]}. float32 and float64
 * call OpenBLAS GEMM directly on the buffers (no copy): a row-major or column-major operand
 * is passed with its own leading dimension, a transposed one as CblasTrans, and only an
 * operand with neither layout is first copied to a contiguous temporary. Other dtypes use
 * a plain triple loop (float16/bfloat16 accumulate in double, integers in long).
 *
 * <pre>{@code
 * MatmulKernel.matmul(a, b.transposeLast2(), out);   // transposes cost nothing
 * }</pre>
 */
final class MatmulKernel {

    private MatmulKernel() {}

    private static final class Blas {
        static {
            // BLAS runs single-threaded, split over Ember's pool instead (see gemm): OpenBLAS's
            // own workers spin after each call and would fight the pool's workers for the cores.
            openblas.blas_set_num_threads(1);
        }

        static void init() { }
    }

    /** A FloatPointer over memory JavaCPP does not own: it never frees the address. */
    private static final class ForeignFloatPointer extends FloatPointer {
        ForeignFloatPointer(long address) {
            super((Pointer) null);
            this.address = address;
        }
    }

    private static final class ForeignDoublePointer extends DoublePointer {
        ForeignDoublePointer(long address) {
            super((Pointer) null);
            this.address = address;
        }
    }

    /** How one matrix sits in memory in BLAS terms: transposed or not, and its leading dimension. */
    private record Operand(boolean transposed, long leading) {
        /** Null when the matrix (rows x cols, strides rs, cs) is neither row- nor column-major. */
        static Operand of(long rows, long cols, long rs, long cs) {
            if ((cols == 1 || cs == 1) && (rows == 1 || rs >= Math.max(1, cols))) {
                return new Operand(false, rows == 1 ? Math.max(1, cols) : rs);
            }
            if ((rows == 1 || rs == 1) && (cols == 1 || cs >= Math.max(1, rows))) {
                return new Operand(true, cols == 1 ? Math.max(1, rows) : cs);
            }
            return null;
        }
    }

    static void matmul(Strided left, Strided right, Strided output) {
        Layout a = left.layout();
        Layout b = right.layout();
        Layout c = output.layout();
        if (a.dim() != 3 || b.dim() != 3 || c.dim() != 3) {
            throw new IllegalArgumentException("matmul: expected 3-D operands [batch, m, k] x [batch, k, n], got "
                    + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()) + " into " + Arrays.toString(c.shape()));
        }
        long batch = c.size(0), m = c.size(1), n = c.size(2), k = a.size(2);
        if (a.size(0) != batch || b.size(0) != batch || a.size(1) != m || b.size(1) != k || b.size(2) != n) {
            throw new IllegalArgumentException("matmul: mat1 and mat2 shapes cannot be multiplied ("
                    + a.size(0) + "x" + a.size(1) + "x" + a.size(2) + " and " + b.size(0) + "x" + b.size(1) + "x" + b.size(2)
                    + ") into an output of shape " + Arrays.toString(c.shape()));
        }
        DType t = left.dtype();
        if (right.dtype() != t || output.dtype() != t) {
            throw new IllegalArgumentException("matmul: expected all operands to have the same dtype, got "
                    + t + ", " + right.dtype() + " and " + output.dtype());
        }
        if (t == DType.BOOL) throw new IllegalArgumentException("matmul is not implemented for bool");
        if (output.numel() == 0) return;
        if (k == 0) {
            CopyKernels.fill(output, 0);
            return;
        }
        if ((t == DType.FLOAT32 || t == DType.FLOAT64) && Math.max(m, Math.max(n, k)) < Integer.MAX_VALUE / 2) {
            blas(left, right, output);
        } else {
            naive(left, right, output);
        }
    }

    private static void blas(Strided left, Strided right, Strided output) {
        Blas.init();
        Layout c = output.layout();
        long m = c.size(1), n = c.size(2), k = left.layout().size(2);
        Operand outOp = Operand.of(m, n, c.stride(1), c.stride(2));
        Strided target = output;
        if (outOp == null || !isNative(output)) {
            target = CopyKernels.contiguousCopy(output);
            outOp = Operand.of(m, n, n, 1);
        }
        Strided l = left;
        Strided r = right;
        Operand lop = Operand.of(m, k, l.layout().stride(1), l.layout().stride(2));
        if (lop == null || !isNative(l)) {
            l = CopyKernels.contiguousCopy(l);
            lop = Operand.of(m, k, k, 1);
        }
        Operand rop = Operand.of(k, n, r.layout().stride(1), r.layout().stride(2));
        if (rop == null || !isNative(r)) {
            r = CopyKernels.contiguousCopy(r);
            rop = Operand.of(k, n, n, 1);
        }
        try {
            gemmBatch(l, lop, r, rop, target, outOp, m, n, k);
            if (target != output) CopyKernels.copy(target, output);
        } finally {
            if (l != left) l.buffer().close();
            if (r != right) r.buffer().close();
            if (target != output) target.buffer().close();
        }
    }

    private static boolean isNative(Strided s) { return ((CpuBuffer) s.buffer()).isNative(); }

    private static void gemmBatch(Strided l, Operand lop, Strided r, Operand rop, Strided o, Operand oop, long m, long n, long k) {
        DType t = o.dtype();
        int size = t.byteSize();
        long la = ((CpuBuffer) l.buffer()).address();
        long ra = ((CpuBuffer) r.buffer()).address();
        long oa = ((CpuBuffer) o.buffer()).address();
        long batch = o.layout().size(0);
        long work = m * n * k;
        // Many products, or ones too small to split, go whole to the pool's threads: one BLAS call
        // each, nothing to synchronise within a product (an attention's [16 * 4, 128, 64] scores).
        boolean overBatch = batch > 1 && (batch >= 2L * Parallel.threads() || work < PARALLEL_GEMM_WORK);
        Parallel.Range items = (first, last) -> {
            for (long bi = first; bi < last; bi++) {
                long lAddr = la + (l.layout().offset() + bi * l.layout().stride(0)) * size;
                long rAddr = ra + (r.layout().offset() + bi * r.layout().stride(0)) * size;
                long oAddr = oa + (o.layout().offset() + bi * o.layout().stride(0)) * size;
                if (!oop.transposed()) {
                    gemm(t, !overBatch, lop.transposed(), rop.transposed(), m, n, k, lAddr, lop.leading(), rAddr, rop.leading(), oAddr, oop.leading());
                } else {
                    // a column-major output: compute C^T = B^T A^T, which is row-major
                    gemm(t, !overBatch, !rop.transposed(), !lop.transposed(), n, m, k, rAddr, rop.leading(), lAddr, lop.leading(), oAddr, oop.leading());
                }
            }
        };
        if (overBatch) Parallel.forRange(batch, work, items);
        else items.run(0, batch);
    }

    /**
     * Below this many multiply-adds a product runs on the calling thread. Halves of a 64-square
     * product (2^18) ran 11-12 us against 14-15 us whole, back to back; like any op this small,
     * one after an idle spell pays for waking a parked worker (measured 23-54 against 24-35 us).
     */
    private static final long PARALLEL_GEMM_WORK = 1L << 18;

    /**
     * One row-major product, split over the pool along the longer of m and n (m when they are
     * equal): each part is a sub-matrix of C with the same leading dimension, so the parts are
     * independent BLAS calls.
     */
    private static void gemm(DType t, boolean splittable, boolean transA, boolean transB, long m, long n, long k,
                             long a, long lda, long b, long ldb, long c, long ldc) {
        int threads = Parallel.threads();
        if (!splittable || threads <= 1 || m * n * k < PARALLEL_GEMM_WORK || Math.max(m, n) < 32) {
            gemmPart(t, transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
            return;
        }
        int size = t.byteSize();
        // A square product splits along m: its halves ran 270-290 us at 256 against 330-390 along n.
        boolean alongN = n > m;
        long length = alongN ? n : m;
        // parts of whole 16-element blocks, so every part keeps the kernels' full-width tiles
        long blocks = (length + 15) / 16;
        int parts = (int) Math.min(threads, blocks);
        Parallel.forRange(parts, Parallel.GRAIN_SIZE * 2, (first, last) -> {
            for (long part = first; part < last; part++) {
                long from = Math.min(length, blocks * part / parts * 16);
                long to = Math.min(length, blocks * (part + 1) / parts * 16);
                if (to <= from) continue;
                if (alongN) {
                    long bPart = b + (transB ? from * ldb : from) * size;
                    gemmPart(t, transA, transB, m, to - from, k, a, lda, bPart, ldb, c + from * size, ldc);
                } else {
                    long aPart = a + (transA ? from : from * lda) * size;
                    gemmPart(t, transA, transB, to - from, n, k, aPart, lda, b, ldb, c + from * ldc * size, ldc);
                }
            }
        });
    }

    private static void gemmPart(DType t, boolean transA, boolean transB, long m, long n, long k,
                                 long a, long lda, long b, long ldb, long c, long ldc) {
        if (t == DType.FLOAT32) {
            sgemmOnThisThread(transA, transB, m, n, k, a, lda, b, ldb, 0f, c, ldc);
        } else {
            openblas.cblas_dgemm(openblas.CblasRowMajor, transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                    transB ? openblas.CblasTrans : openblas.CblasNoTrans, (int) m, (int) n, (int) k, 1.0,
                    new ForeignDoublePointer(a), (int) lda, new ForeignDoublePointer(b), (int) ldb, 0.0,
                    new ForeignDoublePointer(c), (int) ldc);
        }
    }

    /**
     * One row-major float32 product {@code C = op(A) op(B) + beta C} on the calling thread, for
     * kernels that split their own work over the pool. Addresses and leading dimensions must
     * already have been checked against the caller's buffers.
     */
    static void sgemmOnThisThread(boolean transA, boolean transB, long m, long n, long k, long a, long lda, long b, long ldb,
                                  float beta, long c, long ldc) {
        Blas.init();
        openblas.cblas_sgemm(openblas.CblasRowMajor, transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                transB ? openblas.CblasTrans : openblas.CblasNoTrans, (int) m, (int) n, (int) k, 1f,
                new ForeignFloatPointer(a), (int) lda, new ForeignFloatPointer(b), (int) ldb, beta,
                new ForeignFloatPointer(c), (int) ldc);
    }

    private static void naive(Strided left, Strided right, Strided output) {
        Layout a = left.layout(), b = right.layout(), c = output.layout();
        long batch = c.size(0), m = c.size(1), n = c.size(2), k = a.size(2);
        MemorySegment as = ((CpuBuffer) left.buffer()).segment();
        MemorySegment bs = ((CpuBuffer) right.buffer()).segment();
        MemorySegment cs = ((CpuBuffer) output.buffer()).segment();
        DType t = output.dtype();
        boolean floating = Elements.floating(t);
        Parallel.forRange(batch * m, n * k, (start, end) -> {
            double[] rowD = floating ? new double[(int) k] : null;
            long[] rowL = floating ? null : new long[(int) k];
            double[] colD = floating ? new double[(int) k] : null;
            long[] colL = floating ? null : new long[(int) k];
            for (long e = start; e < end; e++) {
                long bi = e / m, i = e % m;
                long aOff = a.offset() + bi * a.stride(0) + i * a.stride(1);
                if (floating) Elements.readDoubles(as, t, aOff, a.stride(2), rowD, (int) k);
                else Elements.readLongs(as, t, aOff, a.stride(2), rowL, (int) k);
                for (long j = 0; j < n; j++) {
                    long bOff = b.offset() + bi * b.stride(0) + j * b.stride(2);
                    long cOff = c.offset() + bi * c.stride(0) + i * c.stride(1) + j * c.stride(2);
                    if (floating) {
                        Elements.readDoubles(bs, t, bOff, b.stride(1), colD, (int) k);
                        double sum = 0;
                        for (int p = 0; p < k; p++) sum += rowD[p] * colD[p];
                        Elements.setDouble(cs, t, cOff, sum);
                    } else {
                        Elements.readLongs(bs, t, bOff, b.stride(1), colL, (int) k);
                        long sum = 0;
                        for (int p = 0; p < k; p++) sum += rowL[p] * colL[p];
                        Elements.setLong(cs, t, cOff, sum);
                    }
                }
            }
        });
    }
}
