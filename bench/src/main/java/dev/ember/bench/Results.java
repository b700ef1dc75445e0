package dev.ember.bench;

import java.util.Locale;
import java.util.StringJoiner;

/**
 * The lines a benchmark process prints on standard output, which {@code bench/report.py} reads:
 * {@code result<TAB>group/name<TAB>unit<TAB>v1,v2,...} for measurements and
 * {@code info<TAB>key<TAB>value} for the environment. Units: {@code ns} per call,
 * {@code samples/s}, {@code batches/s}, {@code accuracy} (a fraction), {@code bytes}.
 *
 * <pre>{@code
 * Results.result("matmul", "matmul_64", "ns", 1520.0, 1498.5);
 * }</pre>
 */
final class Results {
    private Results() {}

    static void result(String group, String name, String unit, double... values) {
        StringJoiner joined = new StringJoiner(",");
        for (double value : values) joined.add(String.format(Locale.ROOT, "%.6g", value));
        System.out.println("result\t" + group + "/" + name + "\t" + unit + "\t" + joined);
        System.out.flush();
    }

    static void info(String key, String value) {
        System.out.println("info\t" + key + "\t" + value.replace('\t', ' ').replace('\n', ' '));
        System.out.flush();
    }
}
