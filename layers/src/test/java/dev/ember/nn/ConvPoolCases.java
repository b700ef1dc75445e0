package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.nn.functional.F;
import dev.ember.tensor.MaxPooling;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cases of {@code fixtures/nn_conv_pool.json} (written by {@code tools/fixtures/nn_conv_pool.py}):
 * each names a {@code torch.nn.functional} call and its arguments; {@link #check} makes the same
 * call through {@link F}, compares the result (and max-pooling indices), then the gradients of
 * {@code sum(result * w)} with the script's weights.
 *
 * <pre>{@code
 * ConvPoolCases.check("conv2d groups");
 * }</pre>
 */
final class ConvPoolCases {
    private ConvPoolCases() {}

    private static Map<String, Map<String, Object>> cases;

    @SuppressWarnings("unchecked")
    static synchronized Map<String, Map<String, Object>> all() {
        if (cases == null) {
            cases = new LinkedHashMap<>();
            for (Object c : JsonFixtures.list(JsonFixtures.load("nn_conv_pool.json"), "cases")) {
                Map<String, Object> map = (Map<String, Object>) c;
                cases.put((String) map.get("name"), map);
            }
        }
        return cases;
    }

    /** The names of the cases whose op starts with {@code prefix}. */
    static List<String> names(String... prefixes) {
        List<String> names = new ArrayList<>();
        all().forEach((name, c) -> {
            for (String prefix : prefixes) if (((String) c.get("op")).startsWith(prefix)) names.add(name);
        });
        return names;
    }

    static void check(String name) {
        Map<String, Object> c = all().get(name);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        JsonFixtures.object(c, "inputs").forEach((key, spec) -> inputs.put(key, exact(spec).requiresGrad_(true)));
        Map<String, Object> args = JsonFixtures.object(c, "args");
        String op = (String) c.get("op");
        Tensor result = call(op, inputs, args);
        GoldenCases.assertClose(exact(c.get("expected")), result, name);
        if (c.containsKey("indices")) {
            Tensor indices = callWithIndices(op, inputs, args).indices();
            assertArrayEquals(exact(c.get("indices")).toLongArray(), indices.toLongArray(), name + ": indices");
        }
        result.mul(GoldenCases.weights(result)).sum().backward();
        JsonFixtures.object(c, "grads").forEach((key, spec) -> {
            Tensor actual = inputs.get(key).grad();
            assertTrue(actual != null, name + ": no gradient for " + key);
            GoldenCases.assertClose(exact(spec), actual, name + " grad " + key);
        });
    }

    /** The op on the given inputs, as the fixture's PyTorch call. */
    static Tensor call(String op, Map<String, Tensor> in, Map<String, Object> a) {
        Tensor x = in.get("input");
        Tensor w = in.get("weight");
        Tensor b = in.get("bias");
        return switch (op) {
            case "conv1d", "conv2d", "conv3d" -> {
                Object padding = a.getOrDefault("padding", null);
                long[] stride = longs(a, "stride", 1);
                long[] dilation = longs(a, "dilation", 1);
                long groups = longs(a, "groups", 1)[0];
                if (padding instanceof String mode) {
                    yield switch (op) {
                        case "conv1d" -> F.conv1d(x, w, b, stride, mode, dilation, groups);
                        case "conv2d" -> F.conv2d(x, w, b, stride, mode, dilation, groups);
                        default -> F.conv3d(x, w, b, stride, mode, dilation, groups);
                    };
                }
                long[] pad = longs(a, "padding", 0);
                yield switch (op) {
                    case "conv1d" -> F.conv1d(x, w, b, stride, pad, dilation, groups);
                    case "conv2d" -> F.conv2d(x, w, b, stride, pad, dilation, groups);
                    default -> F.conv3d(x, w, b, stride, pad, dilation, groups);
                };
            }
            case "conv_transpose2d" -> F.convTranspose2d(x, w, b, longs(a, "stride", 1), longs(a, "padding", 0),
                    longs(a, "output_padding", 0), longs(a, "groups", 1)[0], longs(a, "dilation", 1));
            case "max_pool1d", "max_pool2d", "adaptive_max_pool2d" -> callWithIndices(op, in, a).values();
            case "avg_pool1d" -> F.avgPool1d(x, longs(a, "kernel_size", 0), longs(a, "stride", -1), longs(a, "padding", 0),
                    flag(a, "ceil_mode", false), flag(a, "count_include_pad", true));
            case "avg_pool2d" -> F.avgPool2d(x, longs(a, "kernel_size", 0), longs(a, "stride", -1), longs(a, "padding", 0),
                    flag(a, "ceil_mode", false), flag(a, "count_include_pad", true),
                    a.containsKey("divisor_override") ? longs(a, "divisor_override", 0)[0] : null);
            case "adaptive_avg_pool2d" -> F.adaptiveAvgPool2d(x, longs(a, "output_size", 0));
            case "interpolate" -> F.interpolate(x, a.containsKey("size") ? longs(a, "size", 0) : null,
                    a.containsKey("scale_factor") ? doubles(a, "scale_factor") : null, (String) a.get("mode"),
                    a.containsKey("align_corners") ? (Boolean) a.get("align_corners") : null);
            case "unfold" -> F.unfold(x, longs(a, "kernel_size", 0), longs(a, "dilation", 1), longs(a, "padding", 0),
                    longs(a, "stride", 1));
            case "fold" -> F.fold(x, longs(a, "output_size", 0), longs(a, "kernel_size", 0), longs(a, "dilation", 1),
                    longs(a, "padding", 0), longs(a, "stride", 1));
            default -> throw new IllegalArgumentException("unknown fixture op " + op);
        };
    }

    private static MaxPooling.Result callWithIndices(String op, Map<String, Tensor> in, Map<String, Object> a) {
        Tensor x = in.get("input");
        return switch (op) {
            case "max_pool1d" -> F.maxPool1dWithIndices(x, longs(a, "kernel_size", 0), longs(a, "stride", -1),
                    longs(a, "padding", 0), longs(a, "dilation", 1), flag(a, "ceil_mode", false));
            case "max_pool2d" -> F.maxPool2dWithIndices(x, longs(a, "kernel_size", 0), longs(a, "stride", -1),
                    longs(a, "padding", 0), longs(a, "dilation", 1), flag(a, "ceil_mode", false));
            default -> F.adaptiveMaxPool2dWithIndices(x, longs(a, "output_size", 0));
        };
    }

    /** A fixture tensor with exactly its written shape. */
    static Tensor exact(Object spec) {
        List<Object> shapeList = JsonFixtures.list(spec, "shape");
        long[] shape = new long[shapeList.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = ((JsonFixtures.Number) shapeList.get(i)).asLong();
        return JsonFixtures.tensor(spec).reshape(shape);
    }

    /** An int or a list of ints; a missing key gives {@code fallback} (a negative fallback gives null). */
    private static long[] longs(Map<String, Object> args, String key, long fallback) {
        Object value = args.get(key);
        if (value == null) return fallback < 0 ? null : new long[] {fallback};
        if (value instanceof JsonFixtures.Number number) return new long[] {number.asLong()};
        List<?> list = (List<?>) value;
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((JsonFixtures.Number) list.get(i)).asLong();
        return out;
    }

    private static double[] doubles(Map<String, Object> args, String key) {
        Object value = args.get(key);
        if (value instanceof JsonFixtures.Number number) return new double[] {number.asDouble()};
        List<?> list = (List<?>) value;
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((JsonFixtures.Number) list.get(i)).asDouble();
        return out;
    }

    private static boolean flag(Map<String, Object> args, String key, boolean fallback) {
        Object value = args.get(key);
        return value == null ? fallback : (Boolean) value;
    }
}
