package dev.ember.nn.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import dev.ember.tensor.Autograd;
import dev.ember.tensor.GradCheck;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Batch, layer, group and instance norm through the fused CPU kernels against the same
 * normalisation composed here from plain tensor ops (differentiated by autograd): values,
 * gradients, running statistics, and which shapes take the kernels.
 */
class NormalizationFusedPathTest {

    private static final double EPS = 1e-5;

    /** The definition: {@code (x - mean) / sqrt(biased var + eps) * weight + bias} over {@code dims}. */
    private static Tensor composed(Tensor x, int[] dims, Tensor weight, Tensor bias) {
        Tensor centered = x.sub(x.mean(dims, true));
        Tensor out = centered.mul(centered.square().mean(dims, true).add(EPS).rsqrt());
        if (weight != null) out = out.mul(weight);
        return bias == null ? out : out.add(bias);
    }

    private static Tensor leaf(Random random, DType dtype, long... shape) {
        double[] values = new double[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < values.length; i++) values[i] = random.nextGaussian() * 2 + 0.5;
        return Tensor.of(values, shape).to(dtype).requiresGrad_(true);
    }

    private static long[] channelShape(long channels, int rank) {
        long[] shape = new long[rank - 1];
        Arrays.fill(shape, 1);
        shape[0] = channels;
        return shape;
    }

    /** Output and every gradient of {@code fused} and {@code reference} on the same inputs agree to {@code tolerance}. */
    private static void assertSameAsComposed(String what, List<Tensor> inputs, Function<List<Tensor>, Tensor> fused,
                                             Function<List<Tensor>, Tensor> reference, double tolerance) {
        Tensor out = fused.apply(inputs);
        Tensor expected = reference.apply(inputs);
        assertEquals(expected.dtype(), out.dtype(), what + " dtype");
        assertArrayEquals(expected.shape(), out.shape(), what + " shape");
        assertClose(expected, out, tolerance, what + " output");
        Tensor gradOutput = Tensor.randnLike(out);
        List<Tensor> leaves = new ArrayList<>();
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) leaves.add(t);
        List<Tensor> got = Autograd.grad(List.of(out), leaves, List.of(gradOutput), false, false, false);
        List<Tensor> want = Autograd.grad(List.of(expected), leaves, List.of(gradOutput), false, false, false);
        for (int i = 0; i < leaves.size(); i++) assertClose(want.get(i), got.get(i), tolerance, what + " gradient " + i);
    }

    private static void assertClose(Tensor expected, Tensor actual, double tolerance, String what) {
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= tolerance * (1 + Math.abs(e[i])),
                    what + " at " + i + ": expected " + e[i] + ", got " + a[i]);
        }
    }

    @Test
    void randomShapesMatchTheComposedDefinitionInFloat64() {
        Random random = new Random(31);
        for (int trial = 0; trial < 12; trial++) {
            int rank = 2 + random.nextInt(3);
            long[] shape = new long[rank];
            for (int d = 0; d < rank; d++) shape[d] = 1 + random.nextInt(d == 0 ? 4 : 7);
            shape[0] = Math.max(2, shape[0]);
            long channels = shape[1];
            String at = Arrays.toString(shape);
            Tensor x = leaf(random, DType.FLOAT64, shape);
            Tensor weight = leaf(random, DType.FLOAT64, channels);
            Tensor bias = leaf(random, DType.FLOAT64, channels);
            int[] batchDims = new int[rank - 1];
            for (int d = 2; d < rank; d++) batchDims[d - 1] = d;
            assertSameAsComposed("batch norm " + at, List.of(x, weight, bias),
                    in -> F.batchNorm(in.get(0), null, null, in.get(1), in.get(2), true, 0.1, EPS),
                    in -> composed(in.get(0), batchDims, in.get(1).view(channelShape(channels, rank)),
                            in.get(2).view(channelShape(channels, rank))), 1e-10);

            long[] normalized = Arrays.copyOfRange(shape, rank - 1 - random.nextInt(rank - 1), rank);
            int[] layerDims = new int[normalized.length];
            for (int i = 0; i < layerDims.length; i++) layerDims[i] = rank - normalized.length + i;
            Tensor layerWeight = leaf(random, DType.FLOAT64, normalized);
            Tensor layerBias = leaf(random, DType.FLOAT64, normalized);
            assertSameAsComposed("layer norm " + at + " over " + Arrays.toString(normalized), List.of(x, layerWeight, layerBias),
                    in -> F.layerNorm(in.get(0), normalized, in.get(1), in.get(2), EPS),
                    in -> composed(in.get(0), layerDims, in.get(1), in.get(2)), 1e-10);
            assertSameAsComposed("layer norm without affine " + at, List.of(x),
                    in -> F.layerNorm(in.get(0), normalized, null, null, EPS),
                    in -> composed(in.get(0), layerDims, null, null), 1e-10);
            assertSameAsComposed("layer norm with weight only " + at, List.of(x, layerWeight),
                    in -> F.layerNorm(in.get(0), normalized, in.get(1), null, EPS),
                    in -> composed(in.get(0), layerDims, in.get(1), null), 1e-10);

            if (rank >= 3 && x.numel() / (shape[0] * channels) > 1) {
                int[] spatial = Arrays.copyOfRange(batchDims, 1, batchDims.length);
                assertSameAsComposed("instance norm " + at, List.of(x, weight, bias),
                        in -> F.instanceNorm(in.get(0), null, null, in.get(1), in.get(2), true, 0.1, EPS),
                        in -> composed(in.get(0), spatial, in.get(1).view(channelShape(channels, rank)),
                                in.get(2).view(channelShape(channels, rank))), 1e-10);
            }
        }
    }

    @Test
    void groupNormMatchesTheComposedDefinition() {
        Random random = new Random(32);
        for (long[] shape : new long[][] {{2, 6, 5}, {3, 4, 3, 3}, {2, 8}, {1, 6, 33}}) {
            for (long groups : new long[] {1, 2, shape[1]}) {
                Tensor x = leaf(random, DType.FLOAT64, shape);
                Tensor weight = leaf(random, DType.FLOAT64, shape[1]);
                Tensor bias = leaf(random, DType.FLOAT64, shape[1]);
                long[] channel = channelShape(shape[1], shape.length);
                assertSameAsComposed("group norm " + Arrays.toString(shape) + " groups " + groups, List.of(x, weight, bias),
                        in -> F.groupNorm(in.get(0), groups, in.get(1), in.get(2), EPS),
                        in -> composed(in.get(0).reshape(shape[0], groups, -1), new int[] {2}, null, null)
                                .reshape(shape).mul(in.get(1).view(channel)).add(in.get(2).view(channel)), 1e-10);
            }
        }
    }

    @Test
    void float32StaysWithinRoundingOfTheFloat64Result() {
        Random random = new Random(33);
        // float32-representable inputs, so only the kernels' arithmetic differs
        Tensor x = leaf(random, DType.FLOAT64, 16, 8, 9, 9).add(10).to(DType.FLOAT32).to(DType.FLOAT64).detach();
        Tensor weight = leaf(random, DType.FLOAT32, 8).to(DType.FLOAT64).detach();
        Tensor bias = leaf(random, DType.FLOAT32, 8).to(DType.FLOAT64).detach();
        Tensor exact = F.batchNorm(x, null, null, weight, bias, true, 0.1, EPS);
        Tensor single = F.batchNorm(x.to(DType.FLOAT32), null, null, weight.to(DType.FLOAT32), bias.to(DType.FLOAT32),
                true, 0.1, EPS);
        assertEquals(DType.FLOAT32, single.dtype());
        assertClose(exact, single, 1e-5, "batch norm float32");
        Tensor rows = leaf(random, DType.FLOAT32, 64, 300).to(DType.FLOAT64).detach();
        Tensor gamma = leaf(random, DType.FLOAT32, 300).to(DType.FLOAT64).detach();
        assertClose(F.layerNorm(rows, new long[] {300}, gamma, null, EPS),
                F.layerNorm(rows.to(DType.FLOAT32), new long[] {300}, gamma.to(DType.FLOAT32), null, EPS), 1e-5, "layer norm float32");
    }

    @Test
    void batchNormTrainingUpdatesTheRunningStatistics() {
        Random random = new Random(34);
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor x = leaf(random, dtype, 6, 3, 4, 5).detach();
            Tensor runningMean = Tensor.of(new double[] {0.5, -1, 2}, 3).to(dtype);
            Tensor runningVar = Tensor.of(new double[] {1, 2, 0.5}, 3).to(dtype);
            Tensor expectedMean = runningMean.mul(0.9).add(x.mean(new int[] {0, 2, 3}, false).mul(0.1));
            Tensor expectedVar = runningVar.mul(0.9).add(x.to(DType.FLOAT64).var(new int[] {0, 2, 3}, false, 1).mul(0.1).to(dtype));
            F.batchNorm(x, runningMean, runningVar, null, null, true, 0.1, EPS);
            double tolerance = dtype == DType.FLOAT64 ? 1e-12 : 1e-6;
            assertClose(expectedMean, runningMean, tolerance, dtype + " running mean");
            assertClose(expectedVar, runningVar, tolerance, dtype + " running var");
        }
    }

    @Test
    void batchNormEvaluationWithRunningStatisticsIsOneKernelAndDifferentiable() {
        Random random = new Random(35);
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor x = leaf(random, dtype, 4, 3, 7).detach();
            Tensor runningMean = Tensor.of(new double[] {0.5, -1, 2}, 3).to(dtype);
            Tensor runningVar = Tensor.of(new double[] {1, 2, 0.5}, 3).to(dtype);
            Tensor weight = leaf(random, dtype, 3).detach();
            Tensor bias = leaf(random, dtype, 3).detach();
            Tensor expected = x.sub(runningMean.view(3, 1)).mul(runningVar.add(EPS).rsqrt().view(3, 1))
                    .mul(weight.view(3, 1)).add(bias.view(3, 1));
            Tensor out = F.batchNorm(x, runningMean, runningVar, weight, bias, false, 0.1, EPS);
            assertNull(out.gradFn());
            assertClose(expected, out, dtype == DType.FLOAT64 ? 1e-12 : 1e-6, dtype + " eval");
            Tensor trainable = weight.detach().requiresGrad_(true);
            Tensor recorded = F.batchNorm(x, runningMean, runningVar, trainable, bias, false, 0.1, EPS);
            assertEquals("NativeBatchNormBackward", recorded.gradFn().name());
            assertClose(expected, recorded, dtype == DType.FLOAT64 ? 1e-12 : 1e-6, dtype + " eval recorded");
        }
        Tensor x = leaf(random, DType.FLOAT64, 3, 2, 4);
        Tensor weight = leaf(random, DType.FLOAT64, 2);
        Tensor bias = leaf(random, DType.FLOAT64, 2);
        Tensor runningMean = Tensor.of(new double[] {0.5, -1}, 2);
        Tensor runningVar = Tensor.of(new double[] {1.5, 0.25}, 2);
        assertSameAsComposed("batch norm eval", List.of(x, weight, bias),
                in -> F.batchNorm(in.get(0), runningMean, runningVar, in.get(1), in.get(2), false, 0.1, EPS),
                in -> in.get(0).sub(runningMean.view(2, 1)).mul(runningVar.add(EPS).rsqrt().view(2, 1))
                        .mul(in.get(1).view(2, 1)).add(in.get(2).view(2, 1)), 1e-12);
        assertTrue(GradCheck.checkSecondOrder(
                in -> F.batchNorm(in.get(0), runningMean, runningVar, in.get(1), in.get(2), false, 0.1, EPS),
                List.of(leaf(random, DType.FLOAT64, 2, 2, 3), weight, bias)));
        Tensor trackedMean = runningMean.detach().requiresGrad_(true);
        assertNotNull(Autograd.grad(List.of(F.batchNorm(x, trackedMean, runningVar, weight, bias, false, 0.1, EPS).sum()),
                List.of(trackedMean), false).get(0), "running statistics that require grad take the composed form");
    }

    @Test
    void firstOrderGradientsThroughTheKernelsPassGradcheck() {
        Tensor.manualSeed(36);
        Tensor x = Tensor.randn(DType.FLOAT64, 5, 4).requiresGrad_(true);
        Tensor weight = Tensor.randn(DType.FLOAT64, 4).requiresGrad_(true);
        Tensor bias = Tensor.randn(DType.FLOAT64, 4).requiresGrad_(true);
        assertNotNull(NormalizationGeometry.of(x, new int[] {0}, weight, bias));
        assertTrue(GradCheck.check(in -> F.batchNorm(in.get(0), null, null, in.get(1), in.get(2), true, 0.1, EPS),
                List.of(x, weight, bias)));
        Tensor sequence = Tensor.randn(DType.FLOAT64, 2, 3, 2, 3).requiresGrad_(true);
        Tensor gamma = Tensor.randn(DType.FLOAT64, 2, 3).requiresGrad_(true);
        Tensor beta = Tensor.randn(DType.FLOAT64, 2, 3).requiresGrad_(true);
        assertTrue(GradCheck.check(in -> F.layerNorm(in.get(0), new long[] {2, 3}, in.get(1), in.get(2), EPS),
                List.of(sequence, gamma, beta)));
        Tensor image = Tensor.randn(DType.FLOAT64, 2, 4, 3).requiresGrad_(true);
        assertTrue(GradCheck.check(in -> F.groupNorm(in.get(0), 2, in.get(1), in.get(2), EPS),
                List.of(image, Tensor.randn(DType.FLOAT64, 4).requiresGrad_(true), Tensor.randn(DType.FLOAT64, 4).requiresGrad_(true))));
        assertTrue(GradCheck.check(in -> F.instanceNorm(in.get(0), null, null, in.get(1), in.get(2), true, 0.1, EPS),
                List.of(image, Tensor.randn(DType.FLOAT64, 4).requiresGrad_(true), Tensor.randn(DType.FLOAT64, 4).requiresGrad_(true))));
    }

    @Test
    void createGraphTakesTheComposedBackwardForExactSecondOrder() {
        Tensor.manualSeed(37);
        Tensor x = Tensor.randn(DType.FLOAT64, 3, 4, 5).requiresGrad_(true);
        Tensor weight = Tensor.randn(DType.FLOAT64, 5).requiresGrad_(true);
        Tensor out = F.layerNorm(x, new long[] {5}, weight, null, EPS);
        Tensor loss = out.mul(out).sum();
        Tensor viaKernel = Autograd.grad(List.of(loss), List.of(x), null, true, false, false).get(0);
        Tensor differentiable = Autograd.grad(List.of(loss), List.of(x), null, true, true, false).get(0);
        assertNull(viaKernel.gradFn());
        assertNotNull(differentiable.gradFn(), "the createGraph gradient is itself recorded");
        assertClose(viaKernel, differentiable, 1e-10, "first-order gradient");
        assertTrue(GradCheck.checkSecondOrder(in -> F.instanceNorm(in.get(0), null, null, in.get(1), null, true, 0.1, EPS),
                List.of(Tensor.randn(DType.FLOAT64, 2, 2, 3).requiresGrad_(true), Tensor.randn(DType.FLOAT64, 2).requiresGrad_(true))));
    }

    @Test
    void nonContiguousInputsGiveTheSameResults() {
        Random random = new Random(38);
        Tensor storage = leaf(random, DType.FLOAT64, 6, 4, 5);
        Tensor x = storage.transpose(0, 2);
        assertFalse(x.isContiguous());
        Tensor weight = leaf(random, DType.FLOAT64, 6);
        assertSameAsComposed("layer norm of a transposed input", List.of(storage, weight),
                in -> F.layerNorm(in.get(0).transpose(0, 2), new long[] {6}, in.get(1), null, EPS),
                in -> composed(in.get(0).transpose(0, 2), new int[] {2}, in.get(1), null), 1e-10);
    }

    @Test
    void geometryCoversEachNormAndRefusesWhatTheKernelsCannotDo() {
        Tensor image = Tensor.randn(8, 3, 5, 5);
        NormalizationGeometry batch = NormalizationGeometry.of(image, new int[] {0, 2, 3}, Tensor.ones(3, 1, 1), null);
        assertEquals(List.of(8L, 3L, 25L, true), List.of(batch.outer(), batch.groups(), batch.inner(), batch.affinePerGroup()));
        NormalizationGeometry layer = NormalizationGeometry.of(image, new int[] {2, 3}, Tensor.ones(5, 5), Tensor.zeros(5, 5));
        assertEquals(List.of(1L, 24L, 25L, false), List.of(layer.outer(), layer.groups(), layer.inner(), layer.affinePerGroup()));
        NormalizationGeometry instance = NormalizationGeometry.of(image, new int[] {2, 3}, Tensor.ones(3, 1, 1), null);
        assertEquals(List.of(1L, 24L, 25L, true), List.of(instance.outer(), instance.groups(), instance.inner(),
                instance.affinePerGroup()));
        NormalizationGeometry everything = NormalizationGeometry.of(image, new int[] {0, 1, 2, 3}, null, null);
        assertEquals(List.of(1L, 1L, 600L), List.of(everything.outer(), everything.groups(), everything.inner()));
        assertNull(NormalizationGeometry.of(image, new int[] {1}, null, null), "kept dims on both sides of a normalised one");
        assertNull(NormalizationGeometry.of(image, new int[] {0, 2, 3}, Tensor.ones(8, 1, 1, 1), null), "weight along outer dims");
        assertNull(NormalizationGeometry.of(image, new int[] {2, 3}, Tensor.ones(3, 5, 5), null), "weight along kept and inner dims");
        assertNull(NormalizationGeometry.of(image, new int[] {0, 2, 3}, Tensor.ones(DType.FLOAT64, 3, 1, 1), null),
                "weight of another dtype");
        assertNull(NormalizationGeometry.of(Tensor.ones(DType.INT64, 4, 3), new int[] {0}, null, null), "integral input");
        assertNull(NormalizationGeometry.of(Tensor.randn(0, 3), new int[] {0}, null, null), "empty input");
        try (var mode = GradMode.noGrad()) {
            assertNotNull(NormalizationGeometry.of(Tensor.randn(DType.FLOAT64, 4, 3), new int[] {0}, null, null));
        }
    }
}
