"""Formats bench/run's measurements as bench/RESULTS.md."""
import os
import platform
import sys


def load(path):
    rows = {}
    with open(path) as f:
        for line in f:
            name, median, low, high = line.split("\t")
            rows[name] = (float(median), float(low), float(high))
    return rows


def fmt(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def main():
    out = sys.argv[1]
    ember = load(os.path.join(out, "ember.tsv"))
    torch1 = load(os.path.join(out, "pytorch_1.tsv"))
    torch2 = load(os.path.join(out, "pytorch_2.tsv"))
    print("# Benchmarks: Ember against PyTorch on this machine\n")
    print("Reproduce: `bench/run` (builds Ember, runs both sides in one run, rewrites this file).\n")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores. PyTorch: Debian's python3-torch 1.13 with "
          "OpenBLAS 0.3.21 (OpenMP build, libopenblas0-openmp) via LD_LIBRARY_PATH. "
          "Ember: OpenBLAS 0.3.31 from org.bytedeco:openblas (pthreads), Vector API kernels, both cores.\n")
    print("Times are per call: median (min–max) over repeats after a 1 s warm-up. "
          "Ratio = Ember median / the faster PyTorch median (1 or 2 threads); lower is better.\n")
    print("| workload | Ember | PyTorch 1 thread | PyTorch 2 threads | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for name, (median, low, high) in ember.items():
        if name.startswith("openblas_"):
            continue
        t1 = torch1.get(name)
        t2 = torch2.get(name)
        best = min(x[0] for x in (t1, t2) if x)
        cell = lambda r: f"{fmt(r[0])} ({fmt(r[1])}–{fmt(r[2])})" if r else "—"
        print(f"| {name} | {cell((median, low, high))} | {cell(t1)} | {cell(t2)} | {median / best:.2f} |")
    print("\n## Ember's GEMM against raw OpenBLAS\n")
    print("| n | Ember matmul | raw cblas_sgemm | Ember GFLOPS | raw GFLOPS | Ember / raw rate |")
    print("| --- | --- | --- | --- | --- | --- |")
    for n in (512, 1024):
        e = ember.get(f"matmul_{n}")
        r = ember.get(f"openblas_sgemm_{n}")
        if not e or not r:
            continue
        flops = 2 * n ** 3
        print(f"| {n} | {fmt(e[0])} | {fmt(r[0])} | {flops / e[0]:.1f} | {flops / r[0]:.1f} | {r[0] / e[0]:.2f} |")


if __name__ == "__main__":
    main()
