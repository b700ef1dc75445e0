package dev.ember.tensor;

import dev.ember.devices.DType;
import dev.ember.devices.Layout;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One golden case from {@code src/test/resources/fixtures/<family>.json}, written by
 * {@code tools/fixtures/generate.py} with PyTorch: the op, its inputs as strided views, its
 * arguments, the expected result(s), and the gradients of {@code sum(result * weights)}.
 */
@SuppressWarnings("unchecked")
record Fixture(String family, String name, String op, List<Map<String, Object>> inputs, Args args,
        List<Map<String, Object>> expected, boolean multipleResults, List<Map<String, Object>> grads) {

    static List<Fixture> load(String family) {
        String resource = "/fixtures/" + family + ".json";
        String json;
        try (InputStream in = Fixture.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing fixture " + resource + "; run tools/fixtures/generate.py");
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> root = (Map<String, Object>) FixtureReader.parse(json);
        List<Fixture> cases = new ArrayList<>();
        for (Object entry : (List<Object>) root.get("cases")) {
            Map<String, Object> c = (Map<String, Object>) entry;
            Object expected = c.get("expected");
            boolean multiple = expected instanceof List;
            cases.add(new Fixture(family, (String) c.get("name"), (String) c.get("op"), (List<Map<String, Object>>) c.get("inputs"),
                    new Args((Map<String, Object>) c.get("args")),
                    multiple ? (List<Map<String, Object>>) expected : List.of((Map<String, Object>) expected), multiple,
                    (List<Map<String, Object>>) c.get("grads")));
        }
        return cases;
    }

    /** The inputs as Ember tensors with the fixture's shapes, strides and offsets; floating ones optionally require grad. */
    List<Tensor> buildInputs(boolean requireGrad) {
        List<Tensor> built = new ArrayList<>();
        for (Map<String, Object> spec : inputs) {
            DType dtype = dtype(spec);
            Tensor storage = values(dtype, (List<Object>) spec.get("storage"));
            Layout layout = new Layout(longs(spec.get("shape")), longs(spec.get("strides")), ((FixtureReader.Number) spec.get("offset")).asLong());
            Tensor view = new Tensor(storage.storage, layout, dtype);
            if (requireGrad && dtype.isFloatingPoint()) view.requiresGrad_(true);
            built.add(view);
        }
        return built;
    }

    /** The fixed weights {@code w} of the loss {@code sum(result * w)}: the same formula as generate.py's. */
    static Tensor weights(Tensor like) {
        double[] values = new double[Math.toIntExact(like.numel())];
        for (int i = 0; i < values.length; i++) values[i] = ((i * 5L + 3) % 16 - 7.5) / 8;
        Tensor flat = Tensor.of(values, like.numel());
        return new Tensor(flat.storage, Layout.contiguous(like.shape()), DType.FLOAT64).to(like.dtype());
    }

    static DType dtype(Map<String, Object> spec) {
        return DType.valueOf(((String) spec.get("dtype")).toUpperCase(Locale.ROOT));
    }

    static long[] shape(Map<String, Object> spec) { return longs(spec.get("shape")); }

    /** A contiguous 1-D tensor holding {@code data} exactly in {@code dtype}. */
    static Tensor values(DType dtype, List<Object> data) {
        int n = data.size();
        return switch (dtype) {
            case FLOAT64 -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) v[i] = doubleValue(data.get(i));
                yield Tensor.of(v, n);
            }
            case FLOAT32, FLOAT16, BFLOAT16 -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = floatValue(data.get(i));
                yield Tensor.of(v, n).to(dtype);
            }
            case BOOL -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) v[i] = (Boolean) data.get(i);
                yield Tensor.of(v, n);
            }
            default -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) v[i] = ((FixtureReader.Number) data.get(i)).asLong();
                yield Tensor.of(v, n).to(dtype);
            }
        };
    }

    /** Expected values as doubles (float32 text parsed as float, so the value is the exact float32). */
    static double[] expectedValues(Map<String, Object> spec) {
        DType dtype = dtype(spec);
        List<Object> data = (List<Object>) spec.get("data");
        double[] out = new double[data.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = data.get(i);
            if (v instanceof Boolean b) out[i] = b ? 1 : 0;
            else out[i] = dtype == DType.FLOAT64 ? doubleValue(v) : dtype.isFloatingPoint() ? floatValue(v) : ((FixtureReader.Number) v).asLong();
        }
        return out;
    }

    static long[] expectedLongs(Map<String, Object> spec) {
        List<Object> data = (List<Object>) spec.get("data");
        long[] out = new long[data.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = data.get(i);
            out[i] = v instanceof Boolean b ? (b ? 1 : 0) : ((FixtureReader.Number) v).asLong();
        }
        return out;
    }

    static double doubleValue(Object v) {
        if (v instanceof String s) return special(s);
        return ((FixtureReader.Number) v).asDouble();
    }

    static float floatValue(Object v) {
        if (v instanceof String s) return (float) special(s);
        return ((FixtureReader.Number) v).asFloat();
    }

    private static double special(String s) {
        return switch (s) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> throw new IllegalArgumentException("not a number: " + s);
        };
    }

    static long[] longs(Object list) {
        List<Object> values = (List<Object>) list;
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((FixtureReader.Number) values.get(i)).asLong();
        return out;
    }

    /** A short description of the inputs for failure messages. */
    String describeInputs() {
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> spec : inputs) {
            if (!out.isEmpty()) out.append(", ");
            out.append(spec.get("dtype")).append(Arrays.toString(shape(spec))).append(' ').append(spec.get("view"));
        }
        return out.toString();
    }

    @Override
    public String toString() { return family + ": " + name; }

    /** The non-tensor arguments of a case, by name. */
    record Args(Map<String, Object> values) {
        boolean has(String key) { return values.containsKey(key); }

        int i(String key) { return Math.toIntExact(l(key)); }

        long l(String key) { return ((FixtureReader.Number) get(key)).asLong(); }

        /** A double argument; null (PyTorch's None) reads as NaN, the "missing bound" of clamp. */
        double d(String key) {
            Object v = get(key);
            return v == null ? Double.NaN : doubleValue(v);
        }

        boolean b(String key) { return (Boolean) get(key); }

        String s(String key) { return (String) get(key); }

        boolean isIntegral(String key) { return get(key) instanceof FixtureReader.Number n && n.isIntegral(); }

        int[] ints(String key) { return Arrays.stream(Fixture.longs(get(key))).mapToInt(Math::toIntExact).toArray(); }

        long[] longs(String key) { return Fixture.longs(get(key)); }

        private Object get(String key) {
            if (!values.containsKey(key)) throw new IllegalArgumentException("fixture case has no argument '" + key + "'");
            return values.get(key);
        }
    }
}
