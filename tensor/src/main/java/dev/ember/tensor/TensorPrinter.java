package dev.ember.tensor;

import dev.ember.devices.DType;
import dev.ember.devices.Device;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch's printout of a tensor, following {@code torch/_tensor_str.py} (1.13) with the
 * default print options: 4 decimals, summarised above 1000 elements with 3 edge items per
 * dim, lines of at most 80 characters. One formatter, chosen from all shown values, gives
 * every element the same notation and width, so columns line up.
 *
 * <pre>{@code
 * Tensor.of(new float[] {1, 2.5f}).toString();   // "tensor([1.0000, 2.5000])"
 * }</pre>
 */
final class TensorPrinter {
    private TensorPrinter() {}

    private static final int PRECISION = 4;
    private static final long THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;
    private static final int LINE_WIDTH = 80;
    private static final String PREFIX = "tensor(";

    static String print(Tensor t) {
        if (t.isClosed()) {
            return PREFIX + "<closed buffer>, size=" + sizeText(t.shape()) + ", dtype=torch." + t.dtype() + ")";
        }
        int indent = PREFIX.length();
        List<String> suffixes = new ArrayList<>();
        if (!t.device().equals(Device.CPU)) suffixes.add("device='" + t.device() + "'");
        String body;
        if (t.numel() == 0) {
            if (t.dim() != 1) suffixes.add("size=" + sizeText(t.shape()));
            if (t.dtype() != DType.FLOAT32) suffixes.add("dtype=torch." + t.dtype());
            body = "[]";
        } else {
            DType dtype = t.dtype();
            if (dtype != DType.FLOAT32 && dtype != DType.INT64 && dtype != DType.BOOL) suffixes.add("dtype=torch." + dtype);
            body = body(t, indent);
        }
        if (t.gradFn != null) {
            suffixes.add("grad_fn=<" + t.gradFn.name() + ">");
        } else if (t.requiresGrad()) {
            suffixes.add("requires_grad=True");
        }
        return addSuffixes(PREFIX + body, suffixes, indent);
    }

    private static String addSuffixes(String tensorText, List<String> suffixes, int indent) {
        StringBuilder out = new StringBuilder(tensorText);
        int lastLineLength = tensorText.length() - tensorText.lastIndexOf('\n') + 1;
        for (String suffix : suffixes) {
            if (lastLineLength + suffix.length() + 2 > LINE_WIDTH) {
                out.append(",\n").append(" ".repeat(indent)).append(suffix);
                lastLineLength = indent + suffix.length();
            } else {
                out.append(", ").append(suffix);
                lastLineLength += suffix.length() + 2;
            }
        }
        return out.append(')').toString();
    }

    /** Python's tuple text of a shape: {@code (0, 3)}, {@code (0,)}. */
    private static String sizeText(long[] shape) {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) text.append(", ");
            text.append(shape[i]);
        }
        if (shape.length == 1) text.append(',');
        return text.append(')').toString();
    }

    // ---------------------------------------------------------------- layout of the elements

    /** The host values of a tensor, row-major, with their shape; integers kept exact as longs. */
    private record Values(long[] shape, double[] floats, long[] integers, DType dtype) {
        String format(Formatter formatter, long flatIndex) {
            int i = Math.toIntExact(flatIndex);
            return switch (dtype.kind()) {
                case FLOATING -> formatter.format(floats[i]);
                case INTEGRAL -> formatter.pad(Long.toString(integers[i]));
                case BOOLEAN -> formatter.pad(integers[i] != 0 ? "True" : "False");
            };
        }
    }

    private static String body(Tensor t, int indent) {
        boolean summarize = t.numel() > THRESHOLD;
        Tensor host = t.cpu();
        Values values = host.dtype().isFloatingPoint()
                ? new Values(t.shape(), host.toDoubleArray(), null, t.dtype())
                : new Values(t.shape(), null, host.toLongArray(), t.dtype());
        List<Long> shown = new ArrayList<>();
        collectShown(values.shape, 0, 0, summarize, shown);
        Formatter formatter = Formatter.of(values, shown);
        return elements(values, 0, 0, indent, summarize, formatter);
    }

    /** Flat indices of the elements that will be printed (all, or the edges of each dim when summarising). */
    private static void collectShown(long[] shape, int dim, long offset, boolean summarize, List<Long> out) {
        if (dim == shape.length) {
            out.add(offset);
            return;
        }
        long stride = 1;
        for (int d = dim + 1; d < shape.length; d++) stride *= shape[d];
        for (long index : indicesShown(shape[dim], summarize)) collectShown(shape, dim + 1, offset + index * stride, summarize, out);
    }

    private static long[] indicesShown(long size, boolean summarize) {
        if (summarize && size > 2L * EDGE_ITEMS) {
            long[] indices = new long[2 * EDGE_ITEMS];
            for (int i = 0; i < EDGE_ITEMS; i++) {
                indices[i] = i;
                indices[EDGE_ITEMS + i] = size - EDGE_ITEMS + i;
            }
            return indices;
        }
        long[] indices = new long[Math.toIntExact(size)];
        for (int i = 0; i < indices.length; i++) indices[i] = i;
        return indices;
    }

    private static String elements(Values values, int dim, long offset, int indent, boolean summarize, Formatter formatter) {
        long[] shape = values.shape;
        int rank = shape.length - dim;
        if (rank == 0) return values.format(formatter, offset);
        if (rank == 1) return vector(values, offset, shape[dim], indent, summarize, formatter);
        long stride = 1;
        for (int d = dim + 1; d < shape.length; d++) stride *= shape[d];
        List<String> slices = new ArrayList<>();
        long size = shape[dim];
        boolean elide = summarize && size > 2L * EDGE_ITEMS;
        for (long i = 0; i < size; i++) {
            if (elide && i == EDGE_ITEMS) {
                slices.add("...");
                i = size - EDGE_ITEMS - 1;
                continue;
            }
            slices.add(elements(values, dim + 1, offset + i * stride, indent + 1, summarize, formatter));
        }
        String separator = "," + "\n".repeat(rank - 1) + " ".repeat(indent + 1);
        return "[" + String.join(separator, slices) + "]";
    }

    private static String vector(Values values, long offset, long size, int indent, boolean summarize, Formatter formatter) {
        int elementLength = formatter.width + 2;
        int perLine = Math.max(1, (LINE_WIDTH - indent) / elementLength);
        List<String> data = new ArrayList<>();
        boolean elide = summarize && size > 2L * EDGE_ITEMS;
        for (long i = 0; i < size; i++) {
            if (elide && i == EDGE_ITEMS) {
                data.add(" ...");
                i = size - EDGE_ITEMS - 1;
                continue;
            }
            data.add(values.format(formatter, offset + i));
        }
        List<String> lines = new ArrayList<>();
        for (int start = 0; start < data.size(); start += perLine) {
            lines.add(String.join(", ", data.subList(start, Math.min(data.size(), start + perLine))));
        }
        return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
    }

    // ---------------------------------------------------------------- one notation for all elements

    /**
     * PyTorch's {@code _Formatter}: floats whose nonzero finite values are all integers print
     * as {@code 1.}; a large range (max/min over 1000), a large max (over 1e8) or, for
     * non-integers, a tiny min (below 1e-4) switches to scientific notation; otherwise 4 fixed
     * decimals. The width is that of the widest nonzero finite value.
     */
    private static final class Formatter {
        final boolean floating;
        boolean integerMode = true;
        boolean scientific;
        int width = 1;

        private Formatter(boolean floating) {
            this.floating = floating;
        }

        static Formatter of(Values values, List<Long> shown) {
            Formatter formatter = new Formatter(values.dtype.isFloatingPoint());
            if (!formatter.floating) {
                for (long index : shown) {
                    int i = Math.toIntExact(index);
                    String text = values.dtype.isBool() ? (values.integers[i] != 0 ? "True" : "False")
                            : Long.toString(values.integers[i]);
                    formatter.width = Math.max(formatter.width, text.length());
                }
                return formatter;
            }
            List<Double> finite = new ArrayList<>();
            for (long index : shown) {
                double v = values.floats[Math.toIntExact(index)];
                if (Double.isFinite(v) && v != 0) finite.add(v);
            }
            if (finite.isEmpty()) return formatter;
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            for (double v : finite) {
                min = Math.min(min, Math.abs(v));
                max = Math.max(max, Math.abs(v));
                if (v != Math.ceil(v)) formatter.integerMode = false;
            }
            if (formatter.integerMode) {
                formatter.scientific = max / min > 1000 || max > 1e8;
                for (double v : finite) {
                    int length = formatter.scientific ? scientific(v).length() : fixed(v, 0).length() + 1;
                    formatter.width = Math.max(formatter.width, length);
                }
            } else {
                formatter.scientific = max / min > 1000 || max > 1e8 || min < 1e-4;
                for (double v : finite) {
                    int length = formatter.scientific ? scientific(v).length() : fixed(v, PRECISION).length();
                    formatter.width = Math.max(formatter.width, length);
                }
            }
            return formatter;
        }

        String format(double value) {
            String text;
            if (scientific) {
                text = scientific(value);
            } else if (integerMode) {
                text = fixed(value, 0);
                if (Double.isFinite(value)) text += ".";
            } else {
                text = fixed(value, PRECISION);
            }
            return pad(text);
        }

        String pad(String text) {
            return text.length() >= width ? text : " ".repeat(width - text.length()) + text;
        }
    }

    /** Python's {@code '{:.Nf}'}: exact decimal expansion of the double, rounded half to even. */
    static String fixed(double value, int decimals) {
        if (Double.isNaN(value)) return "nan";
        if (Double.isInfinite(value)) return value > 0 ? "inf" : "-inf";
        String digits = new BigDecimal(Math.abs(value)).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        return (negative(value) ? "-" : "") + digits;
    }

    /** Python's {@code '{:.4e}'}: {@code 1.2346e+10}, exponent of at least two digits. */
    static String scientific(double value) {
        if (Double.isNaN(value)) return "nan";
        if (Double.isInfinite(value)) return value > 0 ? "inf" : "-inf";
        String sign = negative(value) ? "-" : "";
        if (value == 0) return sign + "0." + "0".repeat(PRECISION) + "e+00";
        BigDecimal rounded = new BigDecimal(Math.abs(value)).round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        String mantissa = rounded.movePointLeft(exponent).setScale(PRECISION, RoundingMode.UNNECESSARY).toPlainString();
        int magnitude = Math.abs(exponent);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + magnitude;
    }

    private static boolean negative(double value) {
        return value < 0 || (value == 0 && 1 / value < 0);
    }
}
