package dev.ember.tensor.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small subset of JSON that tensor files and checkpoints need: a strict parser (objects keep
 * their key order and reject duplicate keys; integers stay exact), optionally accepting the
 * non-finite numbers Python's {@code json} module writes ({@code NaN}, {@code Infinity},
 * {@code -Infinity}), and serde_json-style string quoting, so headers written here are
 * byte-identical to the Rust reference writer's.
 *
 * <pre>{@code
 * Map<?, ?> header = (Map<?, ?>) Json.parse("{\"w\": {\"shape\": [2, 3]}}");
 * }</pre>
 */
public final class Json {
    /** Deep enough for any header; shallow enough that a hostile header cannot overflow the stack. */
    private static final int MAX_DEPTH = 64;

    private final String text;
    private final boolean nonFinite;
    private int position;

    private Json(String text, boolean nonFinite) {
        this.text = text;
        this.nonFinite = nonFinite;
    }

    /**
     * Parses one JSON value: objects become {@link LinkedHashMap}s, arrays {@link List}s, integers
     * {@link Long} (or {@link BigInteger} when they do not fit), other numbers {@link Double},
     * {@code null} becomes Java null.
     *
     * @throws IllegalArgumentException naming the offending character offset
     */
    public static Object parse(String text) { return parse(text, false); }

    /** {@link #parse}, also reading {@code NaN}, {@code Infinity} and {@code -Infinity} as doubles (Python's json does write them). */
    public static Object parseWithNonFinite(String text) { return parse(text, true); }

    private static Object parse(String text, boolean nonFinite) {
        Json parser = new Json(text, nonFinite);
        parser.skipWhitespace();
        Object value = parser.value(0);
        parser.skipWhitespace();
        if (parser.position != text.length()) throw parser.error("unexpected trailing characters");
        return value;
    }

    /** Appends {@code value} as a JSON string literal, escaping exactly what serde_json escapes. */
    public static void appendString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels");
        if (position >= text.length()) throw error("unexpected end of input");
        char c = text.charAt(position);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            case 'N' -> nonFinite("NaN", Double.NaN);
            case 'I' -> nonFinite("Infinity", Double.POSITIVE_INFINITY);
            default -> {
                if (nonFinite && text.startsWith("-Infinity", position)) yield nonFinite("-Infinity", Double.NEGATIVE_INFINITY);
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        position++;
        skipWhitespace();
        if (peek() == '}') {
            position++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw error("expected a string key");
            int keyStart = position;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = value(depth + 1);
            if (map.containsKey(key)) {
                position = keyStart;
                throw error("duplicate key \"" + key + "\"");
            }
            map.put(key, value);
            skipWhitespace();
            char c = peek();
            position++;
            if (c == '}') return map;
            if (c != ',') {
                position--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        List<Object> list = new ArrayList<>();
        position++;
        skipWhitespace();
        if (peek() == ']') {
            position++;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value(depth + 1));
            skipWhitespace();
            char c = peek();
            position++;
            if (c == ']') return list;
            if (c != ',') {
                position--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        position++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (position >= text.length()) throw error("unterminated string");
            char c = text.charAt(position++);
            if (c == '"') return out.toString();
            if (c < 0x20) {
                position--;
                throw error("unescaped control character in string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (position >= text.length()) throw error("unterminated escape");
            char escaped = text.charAt(position++);
            switch (escaped) {
                case '"' -> out.append('"');
                case '\\' -> out.append('\\');
                case '/' -> out.append('/');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (position + 4 > text.length()) throw error("truncated \\u escape");
                    try {
                        out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
                    } catch (NumberFormatException e) {
                        throw error("invalid \\u escape");
                    }
                    position += 4;
                }
                default -> {
                    position--;
                    throw error("invalid escape '\\" + escaped + "'");
                }
            }
        }
    }

    private Object number() {
        int start = position;
        if (peek() == '-') position++;
        if (peek() == '0') {
            position++;
            if (digitAhead()) throw error("leading zeros are not allowed");
        } else if (!digitAhead()) {
            throw error("invalid number");
        }
        while (digitAhead()) position++;
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            position++;
            if (!digitAhead()) throw error("invalid number");
            while (digitAhead()) position++;
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            position++;
            if (peek() == '+' || peek() == '-') position++;
            if (!digitAhead()) throw error("invalid number");
            while (digitAhead()) position++;
        }
        String literal = text.substring(start, position);
        if (!integral) return Double.parseDouble(literal);
        BigInteger value = new BigInteger(literal);
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, position)) throw error("unexpected character '" + text.charAt(position) + "'");
        position += word.length();
        return value;
    }

    private Object nonFinite(String word, double value) {
        if (!nonFinite) throw error("unexpected character '" + text.charAt(position) + "'");
        return literal(word, value);
    }

    private boolean digitAhead() {
        char c = peek();
        return c >= '0' && c <= '9';
    }

    private char peek() { return position < text.length() ? text.charAt(position) : '\0'; }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "'");
        position++;
    }

    private void skipWhitespace() {
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            position++;
        }
    }

    private IllegalArgumentException error(String problem) {
        if (position >= text.length() && !problem.startsWith("unexpected end") && !problem.startsWith("unterminated")) {
            problem = problem + " (at end of input)";
        }
        return new IllegalArgumentException("invalid JSON at offset " + position + ": " + problem);
    }
}
