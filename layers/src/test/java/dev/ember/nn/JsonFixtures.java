package dev.ember.nn;

import dev.ember.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the golden JSON fixtures under {@code src/test/resources/fixtures/} (written by the
 * scripts in {@code tools/fixtures/}), so tests need no JSON library. Objects become
 * LinkedHashMaps, arrays ArrayLists, numbers {@link Number}s that keep their text (a float32
 * value must be parsed as a float, not through a double, to be exact).
 *
 * <pre>{@code
 * Map<String, Object> root = JsonFixtures.load("nn_basic.json");
 * Tensor w = JsonFixtures.tensor(JsonFixtures.object(root, "weight"));
 * }</pre>
 */
final class JsonFixtures {
    /** A JSON number, as written. */
    record Number(String text) {
        double asDouble() { return Double.parseDouble(text); }

        float asFloat() { return Float.parseFloat(text); }

        long asLong() { return Long.parseLong(text); }
    }

    private final String text;
    private int position;

    private JsonFixtures(String text) { this.text = text; }

    /** The parsed root object of {@code fixtures/<name>}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> load(String name) {
        try (InputStream in = JsonFixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) throw new IllegalStateException("missing fixture " + name + "; run the script in tools/fixtures/");
            return (Map<String, Object>) parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Object parse(String text) {
        JsonFixtures reader = new JsonFixtures(text);
        Object value = reader.value();
        reader.skipWhitespace();
        if (reader.position != text.length()) throw reader.error("trailing characters");
        return value;
    }

    /** A tensor from {@code {"dtype": ..., "shape": [...], "data": [...]}} (float32, float64, int64 or int32). */
    @SuppressWarnings("unchecked")
    static Tensor tensor(Object spec) {
        Map<String, Object> map = (Map<String, Object>) spec;
        List<Object> shapeList = (List<Object>) map.get("shape");
        long[] shape = new long[shapeList.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = ((Number) shapeList.get(i)).asLong();
        List<Object> data = (List<Object>) map.get("data");
        String dtype = (String) map.get("dtype");
        return switch (dtype) {
            case "float32" -> {
                float[] values = new float[data.size()];
                for (int i = 0; i < values.length; i++) values[i] = ((Number) data.get(i)).asFloat();
                yield Tensor.of(values, shape);
            }
            case "float64" -> {
                double[] values = new double[data.size()];
                for (int i = 0; i < values.length; i++) values[i] = ((Number) data.get(i)).asDouble();
                yield Tensor.of(values, shape);
            }
            case "int64", "int32" -> {
                long[] values = new long[data.size()];
                for (int i = 0; i < values.length; i++) values[i] = ((Number) data.get(i)).asLong();
                Tensor t = Tensor.of(values, shape);
                yield dtype.equals("int32") ? t.to(dev.ember.devices.DType.INT32) : t;
            }
            default -> throw new IllegalArgumentException("unsupported fixture dtype " + dtype);
        };
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object parent, String key) { return (Map<String, Object>) ((Map<String, Object>) parent).get(key); }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object parent, String key) { return (List<Object>) ((Map<String, Object>) parent).get(key); }

    /** The entry of {@code document}'s {@code "cases"} whose {@code "name"} is {@code name}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> caseNamed(Object document, String name) {
        for (Object c : list(document, "cases")) {
            Map<String, Object> map = (Map<String, Object>) c;
            if (map.get("name").equals(name)) return map;
        }
        throw new IllegalArgumentException("no fixture case " + name);
    }

    private Object value() {
        skipWhitespace();
        if (position >= text.length()) throw error("unexpected end of input");
        return switch (text.charAt(position)) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        position++;
        skipWhitespace();
        if (peek() == '}') {
            position++;
            return map;
        }
        while (true) {
            skipWhitespace();
            String key = string();
            skipWhitespace();
            expect(':');
            map.put(key, value());
            skipWhitespace();
            char next = text.charAt(position++);
            if (next == '}') return map;
            if (next != ',') throw error("expected , or }");
        }
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        position++;
        skipWhitespace();
        if (peek() == ']') {
            position++;
            return list;
        }
        while (true) {
            list.add(value());
            skipWhitespace();
            char next = text.charAt(position++);
            if (next == ']') return list;
            if (next != ',') throw error("expected , or ]");
        }
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = text.charAt(position++);
            if (c == '"') return out.toString();
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char escaped = text.charAt(position++);
            switch (escaped) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'u' -> {
                    out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
                    position += 4;
                }
                default -> out.append(escaped);
            }
        }
    }

    private Number number() {
        int start = position;
        while (position < text.length() && "+-0123456789.eE".indexOf(text.charAt(position)) >= 0) position++;
        if (start == position) throw error("unexpected character '" + text.charAt(position) + "'");
        return new Number(text.substring(start, position));
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, position)) throw error("expected " + word);
        position += word.length();
        return value;
    }

    private char peek() { return position < text.length() ? text.charAt(position) : '\0'; }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "'");
        position++;
    }

    private void skipWhitespace() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) position++;
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException("fixture JSON: " + message + " at offset " + position);
    }
}
