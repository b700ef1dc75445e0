package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The cases of {@code fixtures/nn_losses_norms.json} (written by
 * {@code tools/fixtures/nn_losses_norms.py}) by name, and the check every case gets: the result
 * against PyTorch's, then the gradient of {@code sum(result * w)} for each input PyTorch
 * differentiated, with the fixed weights {@code w[i] = ((5 i + 3) mod 16 - 7.5) / 8}.
 *
 * <pre>{@code
 * GoldenCases.check("mse_loss sum", in -> F.mseLoss(in.get("input"), in.get("target"), "sum"));
 * }</pre>
 */
final class GoldenCases {
    private GoldenCases() {}

    private static Map<String, Map<String, Object>> cases;

    static synchronized Map<String, Object> get(String name) {
        if (cases == null) {
            cases = new HashMap<>();
            for (Object c : JsonFixtures.list(JsonFixtures.load("nn_losses_norms.json"), "cases")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) c;
                cases.put((String) map.get("name"), map);
            }
        }
        Map<String, Object> c = cases.get(name);
        if (c == null) throw new IllegalArgumentException("no fixture case named '" + name + "'");
        return c;
    }

    /** The case's tensors under {@code key} ("inputs", "grads" or "state") by name. */
    static Map<String, Tensor> tensors(String name, String key) {
        Map<String, Object> specs = JsonFixtures.object(get(name), key);
        Map<String, Tensor> result = new LinkedHashMap<>();
        if (specs != null) specs.forEach((k, v) -> result.put(k, tensorOf(v)));
        return result;
    }

    static Tensor expected(String name) { return tensorOf(get(name).get("expected")); }

    static Tensor tensor(String name, String key) { return tensorOf(get(name).get(key)); }

    /** A fixture tensor with exactly its written shape (0-dim included). */
    private static Tensor tensorOf(Object spec) {
        List<Object> shapeList = JsonFixtures.list(spec, "shape");
        long[] shape = new long[shapeList.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = ((JsonFixtures.Number) shapeList.get(i)).asLong();
        return JsonFixtures.tensor(spec).reshape(shape);
    }

    /** Runs {@code f} on the case's inputs (those with expected gradients requiring grad) and checks result and gradients. */
    static void check(String name, Function<Map<String, Tensor>, Tensor> f) {
        Map<String, Tensor> inputs = tensors(name, "inputs");
        Map<String, Tensor> grads = tensors(name, "grads");
        for (String key : grads.keySet()) inputs.get(key).requiresGrad_(true);
        Tensor result = f.apply(inputs);
        assertClose(expected(name), result, name);
        if (grads.isEmpty()) return;
        result.mul(weights(result)).sum().backward();
        for (Map.Entry<String, Tensor> e : grads.entrySet()) {
            Tensor actual = inputs.get(e.getKey()).grad();
            assertTrue(actual != null, name + ": no gradient for " + e.getKey());
            assertClose(e.getValue(), actual, name + " grad " + e.getKey());
        }
    }

    /** The weights {@code w} of {@code sum(result * w)}: the same formula as the fixture script's. */
    static Tensor weights(Tensor like) {
        double[] values = new double[Math.toIntExact(like.numel())];
        for (int i = 0; i < values.length; i++) values[i] = ((i * 5L + 3) % 16 - 7.5) / 8;
        return Tensor.of(values, like.numel()).reshape(like.shape()).to(like.dtype());
    }

    /** Same dtype and shape; values within about a float32 rounding of a few ops (float64: 1e-10). */
    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        boolean float64 = expected.dtype() == DType.FLOAT64;
        double atol = float64 ? 1e-10 : 2e-5;
        double rtol = float64 ? 1e-10 : 1e-4;
        for (int i = 0; i < e.length; i++) {
            double tolerance = atol + rtol * Math.abs(e[i]);
            if (!(Math.abs(e[i] - a[i]) <= tolerance) && !(Double.isNaN(e[i]) && Double.isNaN(a[i]))) {
                throw new AssertionError(what + ": element " + i + " expected " + e[i] + " but was " + a[i]
                        + " (tolerance " + tolerance + ")");
            }
        }
    }

    static List<Tensor> list(Tensor... tensors) { return List.of(tensors); }
}
