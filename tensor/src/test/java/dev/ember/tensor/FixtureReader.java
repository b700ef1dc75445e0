package dev.ember.tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader for the golden fixtures, so tests need no JSON library. Objects become
 * {@link LinkedHashMap}s, arrays {@link ArrayList}s, and numbers {@link Number}s that keep their
 * text: a float32 value must be parsed as a float (not through a double) and an int64 as a
 * long for the comparison to be exact.
 */
final class FixtureReader {
    /** A JSON number, as written. */
    record Number(String text) {
        double asDouble() { return Double.parseDouble(text); }

        float asFloat() { return Float.parseFloat(text); }

        long asLong() { return Long.parseLong(text); }

        boolean isIntegral() { return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0; }
    }

    private final String text;
    private int position;

    private FixtureReader(String text) { this.text = text; }

    static Object parse(String text) {
        FixtureReader reader = new FixtureReader(text);
        Object value = reader.value();
        reader.skipWhitespace();
        if (reader.position != text.length()) throw reader.error("trailing characters");
        return value;
    }

    private Object value() {
        skipWhitespace();
        if (position >= text.length()) throw error("unexpected end of input");
        char c = text.charAt(position);
        return switch (c) {
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
            if (peek() != '"') throw error("expected a key");
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
        int line = 1;
        for (int i = 0; i < Math.min(position, text.length()); i++) if (text.charAt(i) == '\n') line++;
        return new IllegalArgumentException("fixture JSON: " + message + " at line " + line + " (offset " + position + ")");
    }
}
