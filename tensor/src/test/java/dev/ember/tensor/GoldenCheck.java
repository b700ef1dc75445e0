package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ember.devices.DType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs one golden case on Ember and compares with PyTorch's values: dtypes and shapes exactly,
 * integers and booleans exactly, floating values within a tolerance set by the dtype.
 */
final class GoldenCheck {
    private GoldenCheck() {}

    /** The forward result(s) of the case's op match the fixture. */
    static void forward(Fixture c) {
        List<Tensor> inputs = c.buildInputs(false);
        List<Tensor> results = GoldenOpTable.results(GoldenOpTable.get(c.op()).apply(inputs, c.args()));
        assertEquals(c.expected().size(), results.size(), () -> context(c) + ": number of results");
        for (int i = 0; i < results.size(); i++) {
            assertMatches(c, c.multipleResults() ? "result " + i : "result", results.get(i), c.expected().get(i));
        }
    }

    /** The gradients of {@code sum(result * weights)} with respect to each floating input match the fixture. */
    static void backward(Fixture c) {
        List<Tensor> inputs = c.buildInputs(true);
        List<Tensor> results = GoldenOpTable.results(GoldenOpTable.get(c.op()).apply(inputs, c.args()));
        Tensor loss = null;
        for (Tensor result : results) {
            if (!result.dtype().isFloatingPoint()) continue;
            assertTrue(result.requiresGrad(), () -> context(c) + ": the result does not require grad (no graph was recorded)");
            Tensor term = result.mul(Fixture.weights(result)).sum();
            loss = loss == null ? term : loss.add(term);
        }
        if (loss == null) fail(context(c) + ": no floating result to differentiate");
        loss.backward();
        for (int i = 0; i < inputs.size(); i++) {
            Map<String, Object> expected = c.grads().get(i);
            if (expected == null) continue;
            Tensor gradient = inputs.get(i).grad();
            if (gradient == null) gradient = Tensor.zerosLike(inputs.get(i));
            assertMatches(c, "gradient of input " + i, gradient, expected);
        }
    }

    static void assertMatches(Fixture c, String what, Tensor actual, Map<String, Object> expected) {
        DType dtype = Fixture.dtype(expected);
        long[] shape = Fixture.shape(expected);
        assertEquals(dtype, actual.dtype(), () -> context(c) + ": " + what + " dtype");
        if (!Arrays.equals(shape, actual.shape())) {
            fail(context(c) + ": " + what + " shape expected " + Arrays.toString(shape) + " but was " + Arrays.toString(actual.shape()));
        }
        if (!dtype.isFloatingPoint()) {
            long[] want = Fixture.expectedLongs(expected);
            long[] got = actual.toLongArray();
            if (!Arrays.equals(want, got)) {
                fail(context(c) + ": " + what + " values\n  expected " + Arrays.toString(want) + "\n  but was  " + Arrays.toString(got));
            }
            return;
        }
        double[] want = Fixture.expectedValues(expected);
        double[] got = actual.toDoubleArray();
        double[] tolerance = tolerance(dtype);
        StringBuilder mismatches = new StringBuilder();
        int count = 0;
        for (int i = 0; i < want.length; i++) {
            if (close(want[i], got[i], tolerance[0], tolerance[1])) continue;
            if (count++ < 6) {
                mismatches.append("\n  at ").append(i).append(": expected ").append(want[i]).append(" but was ").append(got[i]);
            }
        }
        if (count > 0) {
            fail(context(c) + ": " + what + " differs at " + count + " of " + want.length + " elements (rtol " + tolerance[0]
                    + ", atol " + tolerance[1] + ")" + mismatches + "\n  expected " + Arrays.toString(want) + "\n  but was  "
                    + Arrays.toString(got));
        }
    }

    /** {rtol, atol}: about one unit in the last place of the dtype, a little more for float32 and float64 arithmetic. */
    static double[] tolerance(DType dtype) {
        return switch (dtype) {
            case FLOAT64 -> new double[] {1e-10, 1e-12};
            case FLOAT32 -> new double[] {1e-5, 1e-6};
            case FLOAT16 -> new double[] {1e-3, 1e-3};
            case BFLOAT16 -> new double[] {8e-3, 8e-3};
            default -> new double[] {0, 0};
        };
    }

    static boolean close(double expected, double actual, double rtol, double atol) {
        if (Double.isNaN(expected)) return Double.isNaN(actual);
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) return expected == actual;
        return Math.abs(expected - actual) <= atol + rtol * Math.abs(expected);
    }

    private static String context(Fixture c) {
        return c + " [" + c.describeInputs() + "]";
    }
}
