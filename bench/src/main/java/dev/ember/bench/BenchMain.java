package dev.ember.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Ember's side of {@code bench/run}: runs the workloads of one group and prints
 * {@link Results} lines. {@code bench/pytorch/main.py} is PyTorch's side, with the same groups
 * and workload names.
 *
 * <pre>
 * java ... dev.ember.bench.BenchMain matmul [--quick] [--only REGEX] [--seed N]
 * java ... dev.ember.bench.BenchMain --list          # group/name of every workload
 * </pre>
 */
public final class BenchMain {
    private BenchMain() {}

    static List<Workload> all() {
        List<Workload> list = new ArrayList<>();
        list.addAll(MatmulBenchmarks.workloads());
        list.addAll(RawBlasBenchmarks.workloads());
        list.addAll(ElementwiseBenchmarks.workloads());
        list.addAll(OverheadBenchmarks.workloads());
        list.addAll(ReductionBenchmarks.workloads());
        list.addAll(ConvolutionBenchmarks.workloads());
        list.addAll(SequenceBenchmarks.workloads());
        list.add(new LoaderBenchmark());
        list.add(new TrainingBenchmark("train_mlp", Models::mlp));
        list.add(new TrainingBenchmark("train_cnn", Models::cnn));
        return list;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: BenchMain GROUP [--quick] [--only REGEX] [--seed N] | --list");
        }
        Settings settings = Settings.parse(args);
        if (args[0].equals("--list")) {
            for (Workload workload : all()) {
                if (settings.selects(workload.group(), workload.name())) {
                    System.out.println(workload.group() + "/" + workload.name());
                }
            }
            return;
        }
        String group = args[0];
        Environment.print();
        boolean known = false;
        for (Workload workload : all()) {
            if (!workload.group().equals(group)) continue;
            known = true;
            if (settings.selects(workload.group(), workload.name())) workload.run(settings);
        }
        if (!known) throw new IllegalArgumentException("no workload group " + group + " (see --list)");
    }
}
