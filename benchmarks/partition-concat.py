#!/usr/bin/env python3
"""Benchmark memopt-partition-concat: scheduled peak with and without the
rewrite on every generated NAS and RandWire model (CIFAR and ImageNet stems)
and, where given, on concat-heavy models of ../shared/models.

For each model: the peak memory-schedule reaches alone (and whether it is
proven optimal), the peak after memopt-partition-concat and memory-schedule,
the change, the concats partitioned, the ops added, and the CPU time of the
partition pass (which schedules the input, the rewrite and the selection
trials). Every number comes from memopt-report's JSON. A second table does
the same on the NAS models lowered first by --tosa-to-linalg-pipeline
--tosa-to-arith --tosa-to-tensor (the linalg form), and a third composes
the rewrite with memopt-row-bands (mode=auto) on the linalg form that
benchmarks/row-bands.py lowers: the peak memory-schedule
reaches after row bands alone, the partition alone, and row bands then the
partition (memopt-plan's row-bands=true partition-concat=true), the lower
bound memory-schedule proves on every order of the input and how far below
it the composition is, the ops added by the composition and the CPU time of
its two rewrite passes. Prints
markdown tables. Usage:

  benchmarks/partition-concat.py [--build build] [--shared ../shared]
      [--only composed]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELGEN = os.path.join(ROOT, "utils", "modelgen", "memopt-modelgen.py")

GENERATED = [(f"{m}{'_imagenet' if i else ''}",
              ["--model", m] + (["--imagenet"] if i else []))
             for i in (False, True)
             for m in ("darts", "nasnet", "amoebanet", "randwire_ws",
                       "randwire_er", "randwire_ba")]
LINALG = [name for name, _ in GENERATED if not name.startswith("randwire")]
LOWER = ["--tosa-to-linalg-pipeline", "--tosa-to-arith", "--tosa-to-tensor"]
# The lowering of benchmarks/row-bands.py (no tosa validation or
# decompositions: more ops, the same peaks), for the composed table.
LOWER_BANDS = ("--pass-pipeline=builtin.module(func.func(tosa-to-linalg-named,"
               "tosa-to-linalg,tosa-to-arith,tosa-to-tensor))")
# Concat-heavy models of ../shared/models and the frontend dialect whose ops
# are assumed pure.
SHARED = [("inception_v1_onnx.mlir", "onnx"), ("shufflenet_onnx.mlir", "onnx"),
          ("squeezenet_onnx.mlir", "onnx"), ("yolov8_ttir.mlir", "ttir")]


def run(opt, path, passes, pure):
    """Runs memopt-opt; returns (report of the first function, CPU seconds)."""
    extra = [f"pure-dialects={pure}"] if pure else []
    args = [opt, path, "-o", "/dev/null", "--allow-unregistered-dialect"]
    for name in passes:
        args.append(f"--{name}" + (f"={' '.join(extra)}" if extra else ""))
    args.append("--memopt-report=format=json" +
                (f" pure-dialects={pure}" if pure else ""))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(args, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{result.stderr}")
    seconds = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return json.loads(result.stdout)[0], seconds


def row(opt, name, path, pure):
    base, _ = run(opt, path, ["memory-schedule"], pure)
    # The rewrite pass alone, to time it; then the full pipeline.
    _, seconds = run(opt, path, ["memopt-partition-concat"], pure)
    after, _ = run(opt, path, ["memopt-partition-concat", "memory-schedule"],
                   pure)
    partition = after.get("concat_partition", {})
    peak, new = base["peak_bytes"], after["peak_bytes"]
    return (f"| {name} | {base['ops']} | {peak:,} | {base['status']} | "
            f"{new:,} | {100.0 * (new - peak) / peak:+.1f}% | "
            f"{partition.get('partitioned', 0)} | "
            f"{partition.get('ops_added', 0)} | {seconds:.2f} |")


BANDS = "memopt-row-bands=mode=auto"


def composed_row(opt, name, path):
    """Peaks of the schedule optimum, each rewrite alone and both composed."""
    base, _ = run(opt, path, ["memory-schedule"], None)
    peaks = [run(opt, path, [*passes, "memory-schedule"], None)[0]
             for passes in ([BANDS], ["memopt-partition-concat"],
                            [BANDS, "memopt-partition-concat"])]
    _, seconds = run(opt, path, [BANDS, "memopt-partition-concat"], None)
    peak, bound = base["peak_bytes"], base["lower_bound_bytes"]
    cells = [f"{p['peak_bytes']:,} ({100.0 * (p['peak_bytes'] - peak) / peak:+.1f}%)"
             for p in peaks]
    below = 100.0 * (peaks[2]["peak_bytes"] - bound) / bound
    return (f"| {name} | {peak:,} | {base['status']} | {bound:,} | "
            f"{' | '.join(cells)} | {below:+.1f}% | "
            f"{peaks[2]['ops'] - base['ops']} | {seconds:.2f} |")


def header():
    print("| model | ops | scheduled peak (B) | status | with partition (B) "
          "| change | concats | ops added | pass CPU s |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    parser.add_argument("--only", choices=["composed"],
                        help="print only the table of the composition")
    args = parser.parse_args()
    opt = os.path.join(args.build, "bin", "memopt-opt")
    with tempfile.TemporaryDirectory() as tmp:
        for name, gen in GENERATED:
            path = os.path.join(tmp, name + ".mlir")
            subprocess.run([sys.executable, MODELGEN, *gen, "-o", path],
                           check=True)
            if name in LINALG:
                subprocess.run([opt, path, *LOWER, "-o",
                                os.path.join(tmp, name + ".linalg.mlir")],
                               check=True)
                subprocess.run([opt, path, LOWER_BANDS, "-o",
                                os.path.join(tmp, name + ".bands.mlir")],
                               check=True)
        if not args.only:
            tables(opt, args, tmp)
        print("\nLinalg form, composed with row bands:\n")
        print("| model | schedule optimum (B) | status | proven bound (B) "
              "| row bands | partition | row bands, then partition "
              "| vs bound | ops added | rewrite CPU s |")
        print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
        for name in LINALG:
            print(composed_row(opt, name,
                               os.path.join(tmp, name + ".bands.mlir")),
                  flush=True)


def tables(opt, args, tmp):
    """The tables of the partition alone, on tosa and on the linalg form."""
    header()
    for name, _ in GENERATED:
        print(row(opt, name, os.path.join(tmp, name + ".mlir"), None),
              flush=True)
    for model, pure in SHARED:
        path = os.path.join(args.shared, "models", model)
        if os.path.exists(path):
            print(row(opt, model, path, pure), flush=True)
        else:
            print(f"| {model} | skipped: {path} not found |")
    print("\nLinalg form:\n")
    header()
    for name in LINALG:
        print(row(opt, name, os.path.join(tmp, name + ".linalg.mlir"), None),
              flush=True)


if __name__ == "__main__":
    main()
