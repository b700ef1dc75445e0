package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.ember.devices.DType;
import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * float32 convolutions run on the CPU backend's native kernels (oneDNN) while float64 ones are
 * composed from im2col and GEMM: on random geometries (1 to 3 spatial dims, stride, padding,
 * dilation, groups, with and without bias, odd sizes, tiny heap-backed operands, every subset of
 * operands requiring grad) both must give the same output and the same input, weight and bias
 * gradients.
 */
class NativeConvolutionTest {

    private static Tensor convolve(int spatial, Tensor x, Tensor w, Tensor b, long[] stride, long[] padding, long[] dilation,
                                   long groups) {
        return switch (spatial) {
            case 1 -> F.conv1d(x, w, b, stride, padding, dilation, groups);
            case 2 -> F.conv2d(x, w, b, stride, padding, dilation, groups);
            default -> F.conv3d(x, w, b, stride, padding, dilation, groups);
        };
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        double scale = 1e-6;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        assertArrayEquals(e, a, 2e-5 * scale, what);
    }

    @Test
    void nativeFloat32MatchesComposedFloat64OnRandomGeometries() {
        Random random = new Random(11);
        Tensor.manualSeed(11);
        for (int trial = 0; trial < 80; trial++) {
            int spatial = 1 + random.nextInt(3);
            long groups = 1 + random.nextInt(3);
            // up to 6 channels per group: from 4 on, the input gradient runs natively too
            long inChannels = groups * (1 + random.nextInt(6));
            long outChannels = groups * (1 + random.nextInt(3));
            long batch = 1 + random.nextInt(3);
            long[] kernel = new long[spatial], stride = new long[spatial], padding = new long[spatial], dilation = new long[spatial];
            long[] inputShape = new long[2 + spatial];
            inputShape[0] = batch;
            inputShape[1] = inChannels;
            for (int d = 0; d < spatial; d++) {
                kernel[d] = 1 + random.nextInt(3);
                stride[d] = 1 + random.nextInt(2);
                padding[d] = random.nextInt(2);
                dilation[d] = 1 + random.nextInt(2);
                inputShape[2 + d] = (spatial == 3 ? 4 : 6) + random.nextInt(5) + (kernel[d] - 1) * dilation[d];
            }
            long[] weightShape = new long[2 + spatial];
            weightShape[0] = outChannels;
            weightShape[1] = inChannels / groups;
            System.arraycopy(kernel, 0, weightShape, 2, spatial);
            boolean withBias = random.nextBoolean();
            Tensor x64 = Tensor.randn(DType.FLOAT64, inputShape);
            Tensor w64 = Tensor.randn(DType.FLOAT64, weightShape);
            Tensor b64 = withBias ? Tensor.randn(DType.FLOAT64, outChannels) : null;
            boolean[] wanted = {random.nextInt(4) != 0, random.nextInt(4) != 0, random.nextInt(4) != 0};
            Tensor[] reference = run(spatial, x64, w64, b64, stride, padding, dilation, groups, wanted);
            Tensor[] fast = run(spatial, x64.to(DType.FLOAT32), w64.to(DType.FLOAT32), withBias ? b64.to(DType.FLOAT32) : null,
                    stride, padding, dilation, groups, wanted);
            String where = "input " + Arrays.toString(inputShape) + ", weight " + Arrays.toString(weightShape) + ", stride "
                    + Arrays.toString(stride) + ", padding " + Arrays.toString(padding) + ", dilation " + Arrays.toString(dilation)
                    + ", groups " + groups + ", bias " + withBias + ", gradients wanted " + Arrays.toString(wanted);
            String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
            for (int i = 0; i < reference.length; i++) {
                if (reference[i] != null) assertClose(reference[i], fast[i], names[i] + " of " + where);
            }
        }
    }

    /**
     * Batches large enough that the CPU backend splits them over its threads, each part running
     * oneDNN at the same time on a thread of its own: the parts' outputs and input gradients
     * must land in the right samples and their weight and bias gradients must add up, every
     * time (the parts once shared one scratchpad, which crashed or corrupted results). Odd
     * batches give parts of different sizes; inputs with fewer than 8 channels (a grayscale
     * network's first layer) take their weight gradient from im2col and GEMM, in blocks of
     * samples when the columns would be large.
     */
    @Test
    void batchesSplitOverThreadsMatchComposedFloat64() {
        Tensor.manualSeed(12);
        // the last: im2col columns of 6.4 MB a sample, made two samples at a time, the last alone
        long[][] inputShapes = {{8, 16, 18, 18}, {7, 1, 28, 28}, {5, 6, 15, 15}, {64, 1, 28, 28}, {3, 2, 300, 300}};
        long[][] weightShapes = {{24, 16, 3, 3}, {32, 1, 3, 3}, {16, 6, 3, 3}, {8, 1, 5, 5}, {8, 2, 3, 3}};
        long[] one = {1, 1};
        for (int repeat = 0; repeat < 3; repeat++) {
            for (int c = 0; c < inputShapes.length; c++) {
                Tensor x64 = Tensor.randn(DType.FLOAT64, inputShapes[c]);
                Tensor w64 = Tensor.randn(DType.FLOAT64, weightShapes[c]);
                Tensor b64 = Tensor.randn(DType.FLOAT64, weightShapes[c][0]);
                long[] padding = {c % 2, c % 2};
                boolean[] wanted = {c != 1, true, true};
                Tensor[] reference = run(2, x64, w64, b64, one, padding, one, 1, wanted);
                Tensor[] fast = run(2, x64.to(DType.FLOAT32), w64.to(DType.FLOAT32), b64.to(DType.FLOAT32), one, padding, one, 1, wanted);
                String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
                for (int i = 0; i < reference.length; i++) {
                    if (reference[i] != null) {
                        assertClose(reference[i], fast[i], names[i] + " of input " + Arrays.toString(inputShapes[c]) + ", repeat " + repeat);
                    }
                }
            }
        }
    }

    /**
     * Output and the gradients of {@code sum(output * probe)} with a fixed probe, so every output
     * cell counts differently; {@code wanted} says which of input, weight and bias require grad.
     */
    private static Tensor[] run(int spatial, Tensor x, Tensor w, Tensor b, long[] stride, long[] padding, long[] dilation,
                                long groups, boolean[] wanted) {
        Tensor input = x.detach().requiresGrad_(wanted[0]);
        Tensor weight = w.detach().requiresGrad_(wanted[1]);
        Tensor bias = b == null ? null : b.detach().requiresGrad_(wanted[2]);
        Tensor out = convolve(spatial, input, weight, bias, stride, padding, dilation, groups);
        Tensor probe = Tensor.arange(out.numel()).to(out.dtype()).remainder(7).sub(3).view(out.shape());
        if (out.requiresGrad()) out.mul(probe).sum().backward();
        return new Tensor[] {out.detach().to(DType.FLOAT64), gradient(input), gradient(weight), bias == null ? null : gradient(bias)};
    }

    private static Tensor gradient(Tensor operand) {
        return operand.requiresGrad() ? operand.grad().to(DType.FLOAT64) : null;
    }
}
