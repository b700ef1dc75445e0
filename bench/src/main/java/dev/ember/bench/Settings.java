package dev.ember.bench;

import java.util.regex.Pattern;

/**
 * How long and how often to measure, shared by every workload of one run. The full mode is what
 * {@code bench/RESULTS.md} reports; the quick mode only proves that every workload runs.
 *
 * <pre>{@code
 * Settings settings = Settings.parse(new String[] {"--quick", "--only", "matmul"});
 * }</pre>
 *
 * @param quick           fewer repeats and a fraction of each training epoch
 * @param only            a workload runs when this finds a match in {@code group/name}
 * @param seed            the seed of data order and initial weights (bench/run passes the round)
 * @param warmUpNanos     a micro-benchmark's shortest warm-up, which also estimates the time per call
 * @param maxWarmUpNanos  a micro-benchmark's longest warm-up (see {@link Measurement})
 * @param repeatNanos     the time one repeat aims at (calls per repeat follow from the estimate)
 * @param repeats         timed repeats per micro-benchmark
 * @param warmUpBatches   training batches run before the timed epoch
 * @param timedBatches    training batches timed; 0 means one whole epoch
 * @param loaderWarmUpBatches batches of the data loader's untimed first pass
 * @param loaderEpochs    timed passes of the data loader
 * @param loaderBatches   batches per timed loader pass; 0 means the whole epoch
 */
record Settings(boolean quick, Pattern only, long seed, long warmUpNanos, long maxWarmUpNanos, long repeatNanos, int repeats,
                int warmUpBatches, int timedBatches, int loaderWarmUpBatches, int loaderEpochs, int loaderBatches) {

    static Settings parse(String[] args) {
        boolean quick = false;
        Pattern only = Pattern.compile("");
        long seed = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--only" -> only = Pattern.compile(value(args, ++i, "--only"));
                case "--seed" -> seed = Long.parseLong(value(args, ++i, "--seed"));
                default -> {
                    if (i > 0 || (args[i].startsWith("-") && !args[i].equals("--list"))) {
                        throw new IllegalArgumentException("unknown option " + args[i]
                                + " (usage: BenchMain GROUP [--quick] [--only REGEX] [--seed N] | --list)");
                    }
                }
            }
        }
        return quick
                ? new Settings(true, only, seed, 200_000_000L, 1_000_000_000L, 20_000_000L, 3, 10, 100, 20, 1, 150)
                : new Settings(false, only, seed, 3_000_000_000L, 10_000_000_000L, 100_000_000L, 10, 938, 0, 100, 3, 0);
    }

    boolean selects(String group, String name) { return only.matcher(group + "/" + name).find(); }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[index];
    }
}
