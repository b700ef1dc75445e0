package dev.ember.tensor.io;

import dev.ember.devices.DType;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON header of a safetensors file: writing it exactly as the reference (Rust) writer does,
 * and parsing + validating one that came from disk.
 */
final class SafeTensorsHeader {
    /** The reference implementation's limit; anything larger is treated as corruption. */
    static final long MAX_HEADER_BYTES = 100_000_000;
    static final String METADATA_KEY = "__metadata__";

    /** Dtypes of the format that Ember cannot hold, so that they get a better message than "unknown". */
    private static final Set<String> UNSUPPORTED_DTYPES = Set.of("F4", "F6_E2M3", "F6_E3M2", "F8_E5M2", "F8_E4M3", "F8_E8M0",
            "F8_E4M3FNUZ", "F8_E5M2FNUZ", "U16", "U32", "U64", "C64");

    /** One tensor's entry; offsets are relative to the first byte after the header. */
    record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

    record Parsed(List<Entry> entries, Map<String, String> metadata) {}

    private SafeTensorsHeader() {}

    static String dtypeName(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case INT16 -> "I16";
            case INT8 -> "I8";
            case UINT8 -> "U8";
            case BOOL -> "BOOL";
        };
    }

    private static DType dtypeOf(String name) {
        for (DType dtype : DType.values()) {
            if (dtypeName(dtype).equals(name)) return dtype;
        }
        return null;
    }

    /** The position of the dtype in the reference's Dtype enum, which orders dtypes by alignment. */
    private static int alignmentRank(DType dtype) {
        return switch (dtype) {
            case BOOL -> 0;
            case UINT8 -> 1;
            case INT8 -> 2;
            case INT16 -> 3;
            case FLOAT16 -> 4;
            case BFLOAT16 -> 5;
            case INT32 -> 6;
            case FLOAT32 -> 7;
            case FLOAT64 -> 8;
            case INT64 -> 9;
        };
    }

    /**
     * The reference writer's order: by descending dtype alignment (so every tensor's data is
     * naturally aligned), then by name compared as UTF-8 bytes, like Rust's string order.
     */
    static final Comparator<Entry> WRITE_ORDER = Comparator.<Entry>comparingInt(entry -> -alignmentRank(entry.dtype()))
            .thenComparing((a, b) -> Arrays.compareUnsigned(a.name().getBytes(StandardCharsets.UTF_8),
                    b.name().getBytes(StandardCharsets.UTF_8)));

    /** The header bytes, padded with spaces to a multiple of 8; {@code entries} are in file order. */
    static byte[] write(List<Entry> entries, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        if (metadata != null) {
            Json.appendString(json, METADATA_KEY);
            json.append(":{");
            boolean first = true;
            for (Map.Entry<String, String> item : metadata.entrySet()) {
                if (!first) json.append(',');
                first = false;
                Json.appendString(json, item.getKey());
                json.append(':');
                Json.appendString(json, item.getValue());
            }
            json.append('}');
            if (!entries.isEmpty()) json.append(',');
        }
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (i > 0) json.append(',');
            Json.appendString(json, entry.name());
            json.append(":{\"dtype\":\"").append(dtypeName(entry.dtype())).append("\",\"shape\":[");
            for (int d = 0; d < entry.shape().length; d++) {
                if (d > 0) json.append(',');
                json.append(entry.shape()[d]);
            }
            json.append("],\"data_offsets\":[").append(entry.begin()).append(',').append(entry.end()).append("]}");
        }
        json.append('}');
        byte[] unpadded = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (unpadded.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(unpadded, padded);
        Arrays.fill(header, unpadded.length, padded, (byte) ' ');
        return header;
    }

    /**
     * Parses and validates a header against a data section of {@code dataBytes} bytes: every
     * entry well-formed, its byte range matching its shape and dtype, and the ranges together
     * covering the data section exactly, without gaps or overlaps.
     *
     * @return entries sorted by their position in the file
     * @throws IllegalArgumentException describing the first problem found
     */
    static Parsed parse(String text, long dataBytes) {
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the header is not valid JSON (" + e.getMessage() + ")", e);
        }
        if (!(root instanceof Map<?, ?> map)) throw new IllegalArgumentException("the header is not a JSON object");
        Map<String, String> metadata = null;
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> item : map.entrySet()) {
            String name = (String) item.getKey();
            if (name.equals(METADATA_KEY)) {
                metadata = parseMetadata(item.getValue());
            } else {
                entries.add(parseEntry(name, item.getValue()));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        for (Entry entry : entries) {
            if (entry.begin() < covered) {
                throw new IllegalArgumentException("the data of tensor '" + entry.name() + "' (bytes " + entry.begin() + " to "
                        + entry.end() + ") overlaps the previous tensor, which ends at byte " + covered);
            }
            if (entry.begin() > covered) {
                throw new IllegalArgumentException("bytes " + covered + " to " + entry.begin() + " of the data section belong to "
                        + "no tensor (the next one, '" + entry.name() + "', starts at " + entry.begin() + ")");
            }
            covered = entry.end();
        }
        if (covered > dataBytes) {
            throw new IllegalArgumentException("the file is truncated: its header describes " + covered
                    + " bytes of tensor data, but only " + dataBytes + " follow the header");
        }
        if (covered < dataBytes) {
            throw new IllegalArgumentException((dataBytes - covered) + " bytes after the last tensor's data belong to no tensor "
                    + "(header describes " + covered + " bytes, the data section has " + dataBytes + ")");
        }
        return new Parsed(entries, metadata);
    }

    private static Map<String, String> parseMetadata(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("\"" + METADATA_KEY + "\" must be an object of strings, but is " + describe(value));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> item : map.entrySet()) {
            if (!(item.getValue() instanceof String text)) {
                throw new IllegalArgumentException("\"" + METADATA_KEY + "\" value for key '" + item.getKey()
                        + "' must be a string, but is " + describe(item.getValue()));
            }
            metadata.put((String) item.getKey(), text);
        }
        return metadata;
    }

    private static Entry parseEntry(String name, Object value) {
        if (!(value instanceof Map<?, ?> info)) {
            throw new IllegalArgumentException("the entry of tensor '" + name + "' must be an object, but is " + describe(value));
        }
        if (!(info.get("dtype") instanceof String dtypeText)) {
            throw new IllegalArgumentException("tensor '" + name + "' has no string \"dtype\" (got " + describe(info.get("dtype")) + ")");
        }
        DType dtype = dtypeOf(dtypeText);
        if (dtype == null) {
            if (UNSUPPORTED_DTYPES.contains(dtypeText)) {
                throw new IllegalArgumentException("tensor '" + name + "' has dtype " + dtypeText
                        + ", which Ember does not support (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
            }
            throw new IllegalArgumentException("tensor '" + name + "' has unknown dtype \"" + dtypeText + "\"");
        }
        long[] shape = longs(name, "shape", info.get("shape"), -1);
        long[] offsets = longs(name, "data_offsets", info.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw new IllegalArgumentException("tensor '" + name + "' has data_offsets [" + begin + ", " + end + "] that end before they begin");
        }
        long expected;
        try {
            long numel = 1;
            for (long size : shape) numel = Math.multiplyExact(numel, size);
            expected = Math.multiplyExact(numel, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor '" + name + "' has a shape " + Arrays.toString(shape) + " too large to address");
        }
        if (end - begin != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " and dtype " + dtypeText
                    + " needs " + expected + " bytes, but its data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** A JSON array of non-negative integers; {@code length} -1 accepts any length. */
    private static long[] longs(String name, String field, Object value, int length) {
        if (!(value instanceof List<?> list) || (length >= 0 && list.size() != length)) {
            throw new IllegalArgumentException("tensor '" + name + "' needs \"" + field + "\" as an array of "
                    + (length >= 0 ? length + " " : "") + "non-negative integers, but got " + describe(value));
        }
        if (list.size() > 64) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + list.size() + " dimensions; at most 64 are supported");
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object element = list.get(i);
            if (element instanceof BigInteger) {
                throw new IllegalArgumentException("tensor '" + name + "' has \"" + field + "\" value " + element + " out of range");
            }
            if (!(element instanceof Long number) || number < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' needs \"" + field + "\" as an array of "
                        + "non-negative integers, but got " + describe(value));
            }
            out[i] = number;
        }
        return out;
    }

    private static String describe(Object value) {
        if (value == null) return "nothing (null or missing)";
        String text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
