package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;
import org.junit.jupiter.api.Test;

class DropoutTest {

    private static final int N = 100_000;

    @Test
    void zeroesAboutAFractionPAndScalesSurvivorsExactly() {
        Tensor.manualSeed(3);
        for (double p : new double[] {0.1, 0.25, 0.5, 0.9}) {
            Tensor x = Tensor.full(1.5, N);
            float[] y = new Dropout(p).call(x).toFloatArray();
            int zeros = 0;
            float scaled = (float) (1.5f * (float) (1 / (1 - p)));
            for (float v : y) {
                if (v == 0) zeros++;
                else assertEquals(scaled, v, Math.ulp(scaled), "survivor value for p=" + p);
            }
            double sigma = Math.sqrt(p * (1 - p) / N);
            assertEquals(p, zeros / (double) N, 5 * sigma, "fraction zeroed for p=" + p);
        }
    }

    @Test
    void evalModeAndZeroProbabilityPassTheInputThrough() {
        Tensor x = Tensor.randn(10);
        Dropout dropout = new Dropout(0.5);
        dropout.eval();
        assertSame(x, dropout.call(x));
        assertSame(x, new Dropout(0).call(x));
        assertSame(x, F.dropout(x, 0.7, false));
    }

    @Test
    void probabilityOneZeroesEverything() {
        Tensor x = Tensor.randn(100).requiresGrad_(true);
        Tensor y = F.dropout(x, 1, true);
        assertEquals(0, y.abs().sum().item());
        y.sum().backward();
        assertEquals(0, x.grad().abs().sum().item());
    }

    @Test
    void gradientIsTheSameScaledMask() {
        Tensor.manualSeed(5);
        Tensor x = Tensor.ones(DType.FLOAT64, 1000).requiresGrad_(true);
        Tensor y = F.dropout(x, 0.3, true);
        y.sum().backward();
        assertArrayEquals(y.detach().toDoubleArray(), x.grad().toDoubleArray(), 0);
    }

    @Test
    void sameSeedGivesTheSameMask() {
        Tensor.manualSeed(42);
        float[] first = F.dropout(Tensor.ones(64), 0.5).toFloatArray();
        Tensor.manualSeed(42);
        assertArrayEquals(first, F.dropout(Tensor.ones(64), 0.5).toFloatArray());
    }

    @Test
    void dropout2dZeroesWholeChannels() {
        Tensor.manualSeed(9);
        int batch = 50;
        int channels = 200;
        Tensor y = new Dropout2d(0.4).call(Tensor.ones(batch, channels, 3, 4));
        float[] values = y.toFloatArray();
        int zeroChannels = 0;
        float scale = (float) (1 / (1 - 0.4));
        for (int c = 0; c < batch * channels; c++) {
            float first = values[c * 12];
            for (int i = 1; i < 12; i++) assertEquals(first, values[c * 12 + i], "channel " + c + " is not uniform");
            if (first == 0) zeroChannels++;
            else assertEquals(scale, first, Math.ulp(scale));
        }
        double fraction = zeroChannels / (double) (batch * channels);
        assertEquals(0.4, fraction, 5 * Math.sqrt(0.4 * 0.6 / (batch * channels)));
        Tensor threeD = new Dropout2d(0.5).call(Tensor.ones(4, 8, 16));
        float[] rows = threeD.toFloatArray();
        for (int c = 0; c < 32; c++) for (int i = 1; i < 16; i++) assertEquals(rows[c * 16], rows[c * 16 + i]);
    }

    @Test
    void rejectsBadProbabilitiesAndShapes() {
        var p = assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
        assertEquals("dropout probability has to be between 0 and 1, but got 1.5", p.getMessage());
        assertThrows(IllegalArgumentException.class, () -> F.dropout(Tensor.ones(2), -0.1, true));
        var shape = assertThrows(IllegalArgumentException.class, () -> new Dropout2d().call(Tensor.ones(2, 3)));
        assertEquals("dropout2d: expected a 3-D (N, C, L) or 4-D (N, C, H, W) input, but got input of size: [2, 3]", shape.getMessage());
        assertTrue(new Dropout(0.25).toString().equals("Dropout(p=0.25, inplace=False)"));
    }
}
