package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import dev.ember.nn.init.Init;
import dev.ember.tensor.Tensor;
import org.junit.jupiter.api.Test;

class InitTest {

    private static double max(Tensor t) { return t.abs().max().item(); }

    /** Mean and std of a large sample, checked within 5 standard errors. */
    private static void checkMoments(Tensor t, double mean, double std) {
        try (var mode = GradMode.noGrad()) {
            double n = t.numel();
            assertEquals(mean, t.mean().item(), 5 * std / Math.sqrt(n), "mean");
            // The sample std of n normal or uniform values is within a few std / sqrt(n) of std.
            assertEquals(std, t.std().item(), 5 * std / Math.sqrt(n), "std");
        }
    }

    @Test
    void uniformFillsWithinBoundsWithUniformMoments() {
        Tensor.manualSeed(1);
        Tensor t = Init.uniform_(Tensor.empty(200_000), -2, 3);
        assertTrue(t.min().item() >= -2 && t.max().item() < 3);
        checkMoments(t, 0.5, 5 / Math.sqrt(12));
    }

    @Test
    void normalHasTheRequestedMeanAndStd() {
        Tensor.manualSeed(2);
        checkMoments(Init.normal_(Tensor.empty(DType.FLOAT64, 200_000), 1.5, 0.25), 1.5, 0.25);
    }

    @Test
    void constantZerosOnesAndEye() {
        assertEquals(7 * 6, Init.constant_(Tensor.empty(2, 3), 7).sum().item());
        assertEquals(0, Init.zeros_(Tensor.ones(4)).sum().item());
        assertEquals(4, Init.ones_(Tensor.zeros(4)).sum().item());
        Tensor eye = Init.eye_(Tensor.empty(2, 3));
        assertEquals(Tensor.eye(2, 3).toString(), eye.toString());
    }

    @Test
    void initWorksOnParametersInPlace() {
        Parameter p = new Parameter(Tensor.zeros(3, 3));
        assertSame(p, Init.ones_(p));
        assertTrue(p.isLeaf() && p.requiresGrad());
        assertEquals(9, p.sum().item());
        var error = assertThrows(IllegalStateException.class, () -> p.uniform_(0, 1));
        assertTrue(error.getMessage().startsWith("a leaf Variable that requires grad is being used in an in-place operation."));
    }

    @Test
    void gainsMatchPyTorch() {
        assertEquals(1, Init.calculateGain("linear"));
        assertEquals(1, Init.calculateGain("conv2d"));
        assertEquals(1, Init.calculateGain("sigmoid"));
        assertEquals(5.0 / 3, Init.calculateGain("tanh"));
        assertEquals(Math.sqrt(2), Init.calculateGain("relu"));
        assertEquals(1.4141428569978354, Init.calculateGain("leaky_relu"), 1e-15);
        assertEquals(Math.sqrt(2.0 / 1.04), Init.calculateGain("leaky_relu", 0.2), 1e-15);
        assertEquals(0.75, Init.calculateGain("selu"));
        var error = assertThrows(IllegalArgumentException.class, () -> Init.calculateGain("swish"));
        assertEquals("Unsupported nonlinearity swish", error.getMessage());
    }

    @Test
    void fansCountTheReceptiveField() {
        Init.Fans fans = Init.calculateFanInAndFanOut(Tensor.empty(32, 16, 3, 3));
        assertEquals(16 * 9, fans.fanIn());
        assertEquals(32 * 9, fans.fanOut());
        var error = assertThrows(IllegalArgumentException.class, () -> Init.calculateFanInAndFanOut(Tensor.empty(5)));
        assertEquals("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions", error.getMessage());
    }

    @Test
    void xavierUniformBoundIsGainTimesSqrtSixOverFanSum() {
        Tensor.manualSeed(3);
        Tensor w = Init.xavierUniform_(Tensor.empty(300, 500), 2.0);
        double bound = 2.0 * Math.sqrt(6.0 / 800);
        assertTrue(max(w) <= bound && max(w) > bound * 0.999);
        checkMoments(w, 0, bound / Math.sqrt(3));
    }

    @Test
    void xavierNormalStdIsGainTimesSqrtTwoOverFanSum() {
        Tensor.manualSeed(4);
        checkMoments(Init.xavierNormal_(Tensor.empty(300, 500)), 0, Math.sqrt(2.0 / 800));
    }

    @Test
    void kaimingUniformBoundUsesTheChosenFan() {
        Tensor.manualSeed(5);
        Tensor w = Init.kaimingUniform_(Tensor.empty(64, 32, 5, 5), 0, "fan_out", "relu");
        double bound = Math.sqrt(2) * Math.sqrt(3.0 / (64 * 25));
        assertTrue(max(w) <= bound && max(w) > bound * 0.999);
        Tensor linearDefault = Init.kaimingUniform_(Tensor.empty(100, 400), Math.sqrt(5));
        double linearBound = 1 / Math.sqrt(400);
        assertTrue(max(linearDefault) <= linearBound && max(linearDefault) > linearBound * 0.999);
        var error = assertThrows(IllegalArgumentException.class, () -> Init.kaimingUniform_(Tensor.empty(2, 2), 0, "fan_avg", "relu"));
        assertEquals("Mode fan_avg not supported, please use one of fan_in, fan_out", error.getMessage());
    }

    @Test
    void kaimingNormalStdIsGainOverSqrtFan() {
        Tensor.manualSeed(6);
        checkMoments(Init.kaimingNormal_(Tensor.empty(256, 1024), 0, "fan_in", "relu"), 0, Math.sqrt(2.0 / 1024));
    }

    @Test
    void orthogonalGivesOrthonormalRowsOrColumnsScaledByGain() {
        Tensor.manualSeed(7);
        Tensor wide = Init.orthogonal_(Tensor.empty(20, 50));
        assertTrue(wide.matmul(wide.t()).allclose(Tensor.eye(20), 0, 1e-5));
        Tensor tall = Init.orthogonal_(Tensor.empty(DType.FLOAT64, 60, 10), 2.0);
        assertTrue(tall.t().matmul(tall).allclose(Tensor.eye(DType.FLOAT64, 10).mul(4.0), 0, 1e-12));
        Tensor conv = Init.orthogonal_(Tensor.empty(8, 3, 3, 3));
        Tensor flat = conv.reshape(8, 27);
        assertTrue(flat.matmul(flat.t()).allclose(Tensor.eye(8), 0, 1e-5));
        var error = assertThrows(IllegalArgumentException.class, () -> Init.orthogonal_(Tensor.empty(4)));
        assertEquals("Only tensors with 2 or more dimensions are supported", error.getMessage());
    }

    @Test
    void sameSeedGivesTheSameInit() {
        Tensor.manualSeed(99);
        float[] first = new Linear(10, 10).weight.toFloatArray();
        Tensor.manualSeed(99);
        assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(new Linear(10, 10).weight.toFloatArray()));
    }
}
