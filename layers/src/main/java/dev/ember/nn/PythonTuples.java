package dev.ember.nn;

/**
 * How PyTorch's module reprs print sizes: a tuple {@code (3, 3)} / {@code (3,)}, or a bare
 * number when the module was given one; non-positive adaptive sizes print as {@code None}.
 */
final class PythonTuples {
    private PythonTuples() {}

    static String tuple(long[] values) {
        if (values.length == 1) return "(" + values[0] + ",)";
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) text.append(i == 0 ? "" : ", ").append(values[i]);
        return text.append(')').toString();
    }

    /** A bare number for a single value, else a tuple. */
    static String intOrTuple(long[] values) { return values.length == 1 ? Long.toString(values[0]) : tuple(values); }

    static String sizeOrNone(long value) { return value > 0 ? Long.toString(value) : "None"; }

    /** {@code values} repeated to {@code spatial} entries when a single one was given. */
    static long[] expand(long[] values, int spatial) {
        if (values.length == spatial) return values.clone();
        long[] out = new long[spatial];
        java.util.Arrays.fill(out, values[0]);
        return out;
    }
}
