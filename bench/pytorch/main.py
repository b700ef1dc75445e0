"""PyTorch's side of bench/run: runs the workloads of one group and prints result lines.
BenchMain.java is Ember's side, with the same groups and workload names.

    python3 bench/pytorch/main.py GROUP --threads N [--quick] [--only REGEX] [--seed N]
    python3 bench/pytorch/main.py --list
"""
import sys

import convolution
import elementwise
import environment
import loader
import matmul
import models
import overhead
import reductions
import sequence
import settings as settings_module
import training


def all_workloads():
    return (matmul.workloads() + elementwise.workloads() + overhead.workloads() + reductions.workloads()
            + convolution.workloads() + sequence.workloads() + [loader.LoaderBenchmark(),
                                         training.TrainingBenchmark("train_mlp", models.mlp),
                                         training.TrainingBenchmark("train_cnn", models.cnn)])


def main(argv):
    group, settings = settings_module.parse(argv)
    if group == "--list":
        for workload in all_workloads():
            if settings.selects(workload.group, workload.name):
                print(f"{workload.group}/{workload.name}")
        return
    environment.print_info(settings.threads)
    in_group = [w for w in all_workloads() if w.group == group]
    if not in_group:
        sys.exit(f"no workload group {group} on PyTorch's side (see --list)")
    for workload in in_group:
        if settings.selects(workload.group, workload.name):
            workload.run(settings)


if __name__ == "__main__":
    main(sys.argv[1:])
