"""The lines a benchmark process prints, which bench/report.py reads (see Results.java):
result<TAB>group/name<TAB>unit<TAB>v1,v2,...  and  info<TAB>key<TAB>value."""
import sys


def result(group, name, unit, values):
    print(f"result\t{group}/{name}\t{unit}\t" + ",".join(f"{v:.6g}" for v in values))
    sys.stdout.flush()


def info(key, value):
    print(f"info\t{key}\t" + str(value).replace("\t", " ").replace("\n", " "))
    sys.stdout.flush()
