package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * In-place ops that write straight into the target (no grad to record): the same values as the
 * out-of-place op, over broadcasting, strided targets, scalars and dtypes, and the same errors.
 */
class InPlaceDirectTest {

    private static final Random RANDOM = new Random(5);

    private static Tensor random(long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        double[] values = new double[(int) n];
        for (int i = 0; i < values.length; i++) values[i] = RANDOM.nextGaussian();
        return Tensor.of(values, shape).to(DType.FLOAT32);
    }

    private static void assertSameAsOutOfPlace(Tensor target, Tensor other, BiFunction<Tensor, Tensor, Tensor> inPlace,
                                               BiFunction<Tensor, Tensor, Tensor> outOfPlace) {
        float[] expected = outOfPlace.apply(target, other).contiguous().toFloatArray();
        int versionBefore = target.version();
        Tensor returned = inPlace.apply(target, other);
        assertEquals(target, returned);
        assertArrayEquals(expected, target.contiguous().toFloatArray(), 0f);
        assertEquals(versionBefore + 1, target.version());
    }

    @Test
    void binaryOpsMatchTheOutOfPlaceOpsUnderBroadcasting() {
        for (long[] otherShape : new long[][] {{3, 5}, {1, 5}, {3, 1}, {5}, {}}) {
            Tensor other = random(otherShape);
            assertSameAsOutOfPlace(random(3, 5), other, Tensor::add_, Tensor::add);
            assertSameAsOutOfPlace(random(3, 5), other, Tensor::sub_, Tensor::sub);
            assertSameAsOutOfPlace(random(3, 5), other, Tensor::mul_, Tensor::mul);
            assertSameAsOutOfPlace(random(3, 5), other, Tensor::div_, Tensor::div);
        }
    }

    @Test
    void stridedTargetsAreUpdatedInTheirOwnLayout() {
        Tensor base = random(6, 4);
        Tensor transposed = base.t();
        Tensor other = random(4, 6);
        float[] expected = transposed.add(other).contiguous().toFloatArray();
        transposed.add_(other);
        assertArrayEquals(expected, base.t().contiguous().toFloatArray(), 0f);

    }

    @Test
    void scalarsAndUnaryOpsMatchTheOutOfPlaceOps() {
        Tensor x = random(7, 3);
        float[] expected = x.mul(2.5).add(-1).div(3).sub(0.25).contiguous().toFloatArray();
        x.mul_(2.5).add_(-1).div_(3).sub_(0.25);
        assertArrayEquals(expected, x.toFloatArray(), 1e-7f);

        for (Function<Tensor, Tensor[]> pair : java.util.List.<Function<Tensor, Tensor[]>>of(
                t -> new Tensor[] {t.abs(), t.abs_()}, t -> new Tensor[] {t.neg(), t.neg_()},
                t -> new Tensor[] {t.exp(), t.exp_()}, t -> new Tensor[] {t.relu(), t.relu_()},
                t -> new Tensor[] {t.sigmoid(), t.sigmoid_()}, t -> new Tensor[] {t.tanh(), t.tanh_()},
                t -> new Tensor[] {t.abs().sqrt(), t.abs_().sqrt_()}, t -> new Tensor[] {t.abs().log(), t.abs_().log_()})) {
            Tensor t = random(4, 9).t();
            Tensor[] results = pair.apply(t);
            assertArrayEquals(results[0].contiguous().toFloatArray(), t.contiguous().toFloatArray(), 0f);
        }
    }

    @Test
    void aliasedOperandsReadTheValuesBeforeTheUpdate() {
        Tensor square = random(4, 4);
        float[] expected = square.add(square.t()).contiguous().toFloatArray();
        square.add_(square.t());
        assertArrayEquals(expected, square.toFloatArray(), 0f);

        Tensor row = random(3, 4);
        float[] doubled = row.add(row.select(0, 1)).contiguous().toFloatArray();
        row.add_(row.select(0, 1));
        assertArrayEquals(doubled, row.toFloatArray(), 0f);
    }

    @Test
    void integerTargetsKeepTheirDtypeOrRefuseAFloatResult() {
        Tensor counts = Tensor.of(new long[] {1, 2, 3});
        counts.add_(Tensor.of(new long[] {10, 20, 30})).mul_(Tensor.of(new long[] {2})).neg_();
        assertArrayEquals(new long[] {-22, -44, -66}, counts.toLongArray());
        var error = assertThrows(IllegalArgumentException.class, () -> counts.add_(0.5));
        assertEquals("result type float32 can't be cast to the desired output type int64", error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> counts.div_(2));
    }

    @Test
    void aFloat64OperandIsCastToTheFloat32Target() {
        Tensor x = Tensor.of(new float[] {1.5f, 2.5f});
        x.add_(Tensor.of(new double[] {0.25, 0.5}).to(DType.FLOAT64).view(2));
        // float32 += float64 promotes to float64 in PyTorch, then casts back into the float32 target
        assertArrayEquals(new float[] {1.75f, 3.0f}, x.toFloatArray(), 0f);
    }

    @Test
    void updatesUnderNoGradDoNotTouchHistory() {
        Tensor w = random(5).requiresGrad_(true);
        try (var ignored = GradMode.noGrad()) {
            w.sub_(Tensor.ones(5).mul(0.5));
        }
        assertEquals(null, w.gradFn());
        assertEquals(true, w.requiresGrad());
    }

    @Test
    void anExpandedTargetIsRefused() {
        Tensor expanded = Tensor.zeros(1, 3).expand(4, 3);
        var error = assertThrows(IllegalArgumentException.class, () -> expanded.add_(Tensor.ones(4, 3)));
        assertEquals("unsupported operation: more than one element of the written-to tensor (an expanded [4, 3] view) "
                + "refers to a single memory location. Please clone() the tensor before performing the operation.",
                error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> expanded.fill_(1));
        assertThrows(IllegalArgumentException.class, expanded::relu_);
    }
}
