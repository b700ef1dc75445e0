package dev.ember.tensor.io;

import dev.ember.devices.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of an {@code .npy} file: a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. Parsed with a tiny reader
 * of exactly the literals numpy writes (strings, True/False, integers, tuples), never evaluated.
 */
record NpyHeader(String descr, DType dtype, boolean fortranOrder, long[] shape) {

    static NpyHeader parse(String text) {
        Reader reader = new Reader(text.strip());
        Object value = reader.value(0);
        reader.skipWhitespace();
        if (reader.position != reader.text.length()) throw reader.error("unexpected trailing characters");
        if (!(value instanceof Map<?, ?> dict)) throw new IllegalArgumentException("the .npy header is not a dict: " + text.strip());
        if (!(dict.get("descr") instanceof String descr)) throw new IllegalArgumentException("the .npy header has no 'descr' string");
        if (!(dict.get("fortran_order") instanceof Boolean fortranOrder)) {
            throw new IllegalArgumentException("the .npy header has no 'fortran_order' boolean");
        }
        if (!(dict.get("shape") instanceof List<?> shapeList)) throw new IllegalArgumentException("the .npy header has no 'shape' tuple");
        long[] shape = new long[shapeList.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long size) || size < 0) {
                throw new IllegalArgumentException("the .npy header has an invalid shape " + shapeList);
            }
            shape[i] = size;
        }
        return new NpyHeader(descr, dtypeOf(descr), fortranOrder, shape);
    }

    private static DType dtypeOf(String descr) {
        if (descr.length() < 3) throw new IllegalArgumentException("unsupported .npy dtype '" + descr + "'");
        char order = descr.charAt(0);
        String kind = descr.substring(1);
        boolean singleByte = kind.endsWith("1") && kind.length() == 2;
        if (order == '>' && !singleByte) {
            throw new IllegalArgumentException("big-endian .npy data ('" + descr + "') is not supported; save it little-endian");
        }
        if (order != '<' && order != '|' && order != '=' && order != '>') {
            throw new IllegalArgumentException("unsupported .npy dtype '" + descr + "'");
        }
        return switch (kind) {
            case "f8" -> DType.FLOAT64;
            case "f4" -> DType.FLOAT32;
            case "f2" -> DType.FLOAT16;
            case "i8" -> DType.INT64;
            case "i4" -> DType.INT32;
            case "i2" -> DType.INT16;
            case "i1" -> DType.INT8;
            case "u1" -> DType.UINT8;
            case "b1" -> DType.BOOL;
            default -> throw new IllegalArgumentException("unsupported .npy dtype '" + descr
                    + "' (supported: f8, f4, f2, i8, i4, i2, i1, u1, b1)");
        };
    }

    private static final class Reader {
        private static final int MAX_DEPTH = 16;
        final String text;
        int position;

        Reader(String text) { this.text = text; }

        Object value(int depth) {
            if (depth > MAX_DEPTH) throw error("nested too deeply");
            skipWhitespace();
            if (position >= text.length()) throw error("unexpected end");
            char c = text.charAt(position);
            if (c == '{') return dict(depth);
            if (c == '(' || c == '[') return sequence(depth, c == '(' ? ')' : ']');
            if (c == '\'' || c == '"') return string(c);
            if (text.startsWith("True", position)) {
                position += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("False", position)) {
                position += 5;
                return Boolean.FALSE;
            }
            if (c == '-' || Character.isDigit(c)) return integer();
            throw error("unexpected character '" + c + "'");
        }

        private Map<String, Object> dict(int depth) {
            Map<String, Object> map = new LinkedHashMap<>();
            position++;
            while (true) {
                skipWhitespace();
                if (peek() == '}') {
                    position++;
                    return map;
                }
                if (!(value(depth + 1) instanceof String key)) throw error("dict keys must be strings");
                skipWhitespace();
                if (peek() != ':') throw error("expected ':'");
                position++;
                map.put(key, value(depth + 1));
                skipWhitespace();
                if (peek() == ',') position++;
                else if (peek() != '}') throw error("expected ',' or '}'");
            }
        }

        private List<Object> sequence(int depth, char close) {
            List<Object> list = new ArrayList<>();
            position++;
            while (true) {
                skipWhitespace();
                if (peek() == close) {
                    position++;
                    return list;
                }
                list.add(value(depth + 1));
                skipWhitespace();
                if (peek() == ',') position++;
                else if (peek() != close) throw error("expected ',' or '" + close + "'");
            }
        }

        private String string(char quote) {
            int end = text.indexOf(quote, position + 1);
            if (end < 0) throw error("unterminated string");
            String value = text.substring(position + 1, end);
            position = end + 1;
            return value;
        }

        private Long integer() {
            int start = position;
            if (peek() == '-') position++;
            while (Character.isDigit(peek())) position++;
            String digits = text.substring(start, position);
            if (peek() == 'L') position++;
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw error("invalid integer '" + digits + "'");
            }
        }

        char peek() { return position < text.length() ? text.charAt(position) : '\0'; }

        void skipWhitespace() {
            while (position < text.length() && Character.isWhitespace(text.charAt(position))) position++;
        }

        IllegalArgumentException error(String problem) {
            return new IllegalArgumentException("malformed .npy header at offset " + position + " (" + problem + "): " + text);
        }
    }
}
