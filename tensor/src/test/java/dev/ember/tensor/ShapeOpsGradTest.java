package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.GradMode;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Gradients of view and shape ops: for {@code loss = sum(w * op(x))} the gradient is {@code w}
 * carried back through the op, derived by hand below; then double backward through slice and
 * select, and central-difference checks in float64.
 */
class ShapeOpsGradTest {

    private static Tensor leaf(double[] values, long... shape) { return Tensor.of(values, shape).requiresGrad_(true); }

    private static Tensor weights(long... shape) {
        int n = 1;
        for (long s : shape) n *= (int) s;
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = i + 1;
        return Tensor.of(values, n).reshape(shape);
    }

    /** Backpropagates {@code sum(w * out)} with w = 1, 2, 3, ... in row-major order of out. */
    private static void backwardWeighted(Tensor out) { out.mul(weights(out.shape())).sum().backward(); }

    private static final double[] SIX = {10, 11, 12, 13, 14, 15};

    @Test
    void viewAndReshapeGradientsAreTheWeightsReshapedBack() {
        Tensor x = leaf(SIX, 2, 3);
        Tensor v = x.view(3, 2);
        assertEquals("ViewBackward0", v.gradFn().name());
        backwardWeighted(v);
        assertArrayEquals(new long[] {2, 3}, x.grad().shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, x.grad().toDoubleArray());

        Tensor y = leaf(SIX, 2, 3);
        backwardWeighted(y.t().reshape(6));           // out = [y00, y10, y01, y11, y02, y12]
        assertArrayEquals(new double[] {1, 3, 5, 2, 4, 6}, y.grad().toDoubleArray());
    }

    @Test
    void transposeAndPermuteGradientsAreTheWeightsTransposedBack() {
        Tensor x = leaf(SIX, 2, 3);
        Tensor t = x.t();
        assertEquals("TransposeBackward0", t.gradFn().name());
        backwardWeighted(t);                          // w[j][i] lands on x[i][j]
        assertArrayEquals(new double[] {1, 3, 5, 2, 4, 6}, x.grad().toDoubleArray());

        Tensor y = leaf(SIX, 1, 2, 3);
        Tensor p = y.permute(2, 0, 1);                // shape [3, 1, 2], p[k][0][i] = y[0][i][k]
        assertEquals("PermuteBackward0", p.gradFn().name());
        backwardWeighted(p);
        assertArrayEquals(new double[] {1, 3, 5, 2, 4, 6}, y.grad().toDoubleArray());
    }

    @Test
    void expandGradientSumsOverBroadcastDims() {
        Tensor x = leaf(new double[] {1, 2, 3}, 3, 1);
        Tensor e = x.expand(2, 3, 4);
        assertEquals("ExpandBackward0", e.gradFn().name());
        backwardWeighted(e);
        double[] expected = new double[3];
        for (int a = 0; a < 2; a++) {
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 4; k++) expected[i] += a * 12 + i * 4 + k + 1;
            }
        }
        assertArrayEquals(new long[] {3, 1}, x.grad().shape());
        assertArrayEquals(expected, x.grad().toDoubleArray());
    }

    @Test
    void sliceAndSelectGradientsScatterIntoZeros() {
        Tensor x = leaf(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10);
        Tensor s = x.slice(0, 1, 10, 3);
        assertEquals("SliceBackward0", s.gradFn().name());
        backwardWeighted(s);
        assertArrayEquals(new double[] {0, 1, 0, 0, 2, 0, 0, 3, 0, 0}, x.grad().toDoubleArray());

        Tensor y = leaf(SIX, 2, 3);
        Tensor column = y.select(1, -1);
        assertEquals("SelectBackward0", column.gradFn().name());
        backwardWeighted(column);
        assertArrayEquals(new double[] {0, 0, 1, 0, 0, 2}, y.grad().toDoubleArray());

        Tensor z = leaf(SIX, 2, 3);
        backwardWeighted(z.t().slice(0, 0, 3, 2).narrow(1, 1, 1));    // z[1][0] and z[1][2]
        assertArrayEquals(new double[] {0, 0, 0, 1, 0, 2}, z.grad().toDoubleArray());
    }

    @Test
    void squeezeUnsqueezeFlattenUnflattenGradientsKeepRowMajorOrder() {
        List<Function<Tensor, Tensor>> ops = List.of(
                t -> t.unsqueeze(1), t -> t.unsqueeze(-1).squeeze(), t -> t.squeeze(0), t -> t.flatten(),
                t -> t.unflatten(1, 3, 1), t -> t.view(1, 6).squeeze(0));
        for (Function<Tensor, Tensor> op : ops) {
            Tensor x = leaf(SIX, 2, 3);
            backwardWeighted(op.apply(x));
            assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, x.grad().toDoubleArray());
        }
    }

    @Test
    void chunkSplitAndUnbindPiecesEachCarryTheirGradient() {
        Tensor x = leaf(new double[] {1, 2, 3, 4, 5}, 5);
        List<Tensor> chunks = x.chunk(2);
        chunks.get(0).sum().add(chunks.get(1).mul(2.0).sum()).backward();
        assertArrayEquals(new double[] {1, 1, 1, 2, 2}, x.grad().toDoubleArray());

        Tensor y = leaf(SIX, 2, 3);
        List<Tensor> columns = y.unbind(1);
        columns.get(0).mul(3.0).sum().add(columns.get(2).sum()).backward();
        assertArrayEquals(new double[] {3, 0, 1, 3, 0, 1}, y.grad().toDoubleArray());

        Tensor z = leaf(new double[] {1, 2, 3, 4, 5}, 5);
        List<Tensor> pieces = z.split(new long[] {2, 3}, 0);
        pieces.get(1).mul(pieces.get(1)).sum().backward();           // d/dz of z^2 on the last three
        assertArrayEquals(new double[] {0, 0, 6, 8, 10}, z.grad().toDoubleArray());
    }

    @Test
    void catAndStackGradientsSplitTheWeightsBetweenInputs() {
        Tensor a = leaf(new double[] {1, 2}, 2);
        Tensor b = leaf(new double[] {3, 4, 5}, 3);
        Tensor joined = Tensor.cat(List.of(a, Tensor.zeros(dev.ember.devices.DType.FLOAT64, 0), b));
        assertEquals("CatBackward0", joined.gradFn().name());
        backwardWeighted(joined);
        assertArrayEquals(new double[] {1, 2}, a.grad().toDoubleArray());
        assertArrayEquals(new double[] {3, 4, 5}, b.grad().toDoubleArray());

        Tensor c = leaf(new double[] {1, 2}, 2);
        Tensor d = leaf(new double[] {3, 4}, 2);
        backwardWeighted(Tensor.stack(List.of(c, d), 1));           // [[c0, d0], [c1, d1]]
        assertArrayEquals(new double[] {1, 3}, c.grad().toDoubleArray());
        assertArrayEquals(new double[] {2, 4}, d.grad().toDoubleArray());
    }

    @Test
    void catOfFloat32AndFloat64GivesEachInputItsOwnDtypeGradient() {
        Tensor single = Tensor.of(new float[] {1, 2}, 2).requiresGrad_(true);
        Tensor wide = leaf(new double[] {3}, 1);
        backwardWeighted(Tensor.cat(List.of(single, wide)));
        assertEquals(dev.ember.devices.DType.FLOAT32, single.grad().dtype());
        assertArrayEquals(new float[] {1, 2}, single.grad().toFloatArray());
        assertArrayEquals(new double[] {3}, wide.grad().toDoubleArray());
    }

    @Test
    void flipRollRepeatTrilGradients() {
        Tensor x = leaf(new double[] {1, 2, 3}, 3);
        backwardWeighted(x.flip(0));
        assertArrayEquals(new double[] {3, 2, 1}, x.grad().toDoubleArray());

        Tensor y = leaf(new double[] {1, 2, 3}, 3);
        Tensor rolled = y.roll(1, 0);                               // out[i] = y[i - 1]
        assertEquals("RollBackward0", rolled.gradFn().name());
        backwardWeighted(rolled);
        assertArrayEquals(new double[] {2, 3, 1}, y.grad().toDoubleArray());

        Tensor z = leaf(new double[] {1, 2}, 2);
        backwardWeighted(z.repeat(3));                              // weights 1..6 over z0 z1 z0 z1 z0 z1
        assertArrayEquals(new double[] {9, 12}, z.grad().toDoubleArray());

        Tensor m = leaf(new double[] {1, 2, 3, 4}, 2, 2);
        backwardWeighted(m.tril());
        assertArrayEquals(new double[] {1, 0, 3, 4}, m.grad().toDoubleArray());
    }

    @Test
    void padGradientsTakeTheCentreOrFoldTheReflections() {
        Tensor x = leaf(new double[] {1, 2}, 2);
        backwardWeighted(x.pad(1, 1));                              // weights 1..4, x at positions 1 and 2
        assertArrayEquals(new double[] {2, 3}, x.grad().toDoubleArray());

        Tensor y = leaf(new double[] {1, 2, 3, 4}, 1, 4);
        backwardWeighted(y.pad(new long[] {2, 2}, "reflect", 0));  // [y2, y1, y0, y1, y2, y3, y2, y1]
        assertArrayEquals(new double[] {3, 2 + 4 + 8, 1 + 5 + 7, 6}, y.grad().toDoubleArray());
    }

    @Test
    void doubleBackwardThroughSliceAndItsBackward() {
        Tensor x = leaf(new double[] {1, 2, 3, 4}, 4);
        Tensor loss = x.slice(0, 1, 4, 2).pow(3).sum();            // x1^3 + x3^3
        Tensor gx = Autograd.grad(List.of(loss), List.of(x), true).get(0);
        assertArrayEquals(new double[] {0, 12, 0, 48}, gx.toDoubleArray());
        Tensor v = Tensor.of(new double[] {1, 2, 3, 4}, 4);
        Tensor gg = Autograd.grad(List.of(gx.mul(v).sum()), List.of(x), true).get(0);
        assertArrayEquals(new double[] {0, 6 * 2 * 2, 0, 6 * 4 * 4}, gg.toDoubleArray());
        Tensor third = Autograd.grad(List.of(gg.sum()), List.of(x), false).get(0);
        assertArrayEquals(new double[] {0, 6 * 2, 0, 6 * 4}, third.toDoubleArray());
    }

    @Test
    void doubleBackwardThroughSelect() {
        Tensor x = leaf(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor loss = x.select(0, 1).pow(3).sum();                 // x10^3 + x11^3
        Tensor gx = Autograd.grad(List.of(loss), List.of(x), true).get(0);
        assertArrayEquals(new double[] {0, 0, 27, 48}, gx.toDoubleArray());
        Tensor v = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor gg = Autograd.grad(List.of(gx.mul(v).sum()), List.of(x), false).get(0);
        assertArrayEquals(new double[] {0, 0, 6 * 3 * 3, 6 * 4 * 4}, gg.toDoubleArray());
    }

    @Test
    void viewsOutsideGradModeRecordNothing() {
        Tensor x = leaf(SIX, 2, 3);
        try (var guard = GradMode.noGrad()) {
            Tensor v = x.t().slice(0, 0, 2).unsqueeze(0);
            assertNull(v.gradFn());
            assertFalse(v.requiresGrad());
            assertTrue(v.isView());
        }
    }

    @Test
    void centralDifferencesAgreeWithBackwardForShapeOps() {
        List<Function<Tensor, Tensor>> ops = List.of(
                t -> t.transpose(0, 2).reshape(4, 6),
                t -> t.permute(1, 2, 0).slice(1, -3, 4, 2).select(2, -1),
                t -> t.narrow(2, 1, 2).expand(3, 2, 3, 2).flatten(1),
                t -> Tensor.cat(List.of(t.flip(0, 2), t.roll(new long[] {1, -2}, new int[] {1, 2})), 1),
                t -> Tensor.stack(List.of(t, t.mul(t)), -1).unflatten(0, 2, 1).squeeze(1),
                t -> t.repeat(1, 2, 1, 2).triu(-1),
                t -> t.pad(new long[] {1, 2, 0, 1}, "reflect", 0).pad(1, 0, 2, 1).tril(1),
                t -> Tensor.cat(t.chunk(2, 2)).mul(t.split(1, 0).get(1).unbind(0).get(0).sum()));
        Random random = new Random(3);
        for (int k = 0; k < ops.size(); k++) {
            double[] values = new double[24];
            for (int i = 0; i < values.length; i++) values[i] = random.nextGaussian();
            gradcheck(ops.get(k), values, "op " + k, 2, 3, 4);
        }
    }

    private static void gradcheck(Function<Tensor, Tensor> op, double[] values, String what, long... shape) {
        Tensor x = leaf(values, shape);
        Tensor out = op.apply(x);
        Tensor w = Tensor.randn(dev.ember.devices.DType.FLOAT64, out.shape());
        out.mul(w).sum().backward();
        double[] analytic = x.grad().toDoubleArray();
        double eps = 1e-6;
        for (int i = 0; i < values.length; i++) {
            double[] plus = values.clone();
            double[] minus = values.clone();
            plus[i] += eps;
            minus[i] -= eps;
            double numeric;
            try (var guard = GradMode.noGrad()) {
                numeric = (op.apply(Tensor.of(plus, shape)).mul(w).sum().item()
                        - op.apply(Tensor.of(minus, shape)).mul(w).sum().item()) / (2 * eps);
            }
            assertEquals(numeric, analytic[i], 1e-6 * (1 + Math.abs(numeric)), what + ", element " + i);
        }
    }
}
