#!/usr/bin/env python3
"""Compare what memopt predicts on tensors with what bufferization allocates.

For each generated model: lower tosa to linalg, schedule and assign offsets
on tensors (the prediction: activation peak and arena), then bufferize the
scheduled program with one-shot-bufferize and run --memopt-arena on it (the
realization: the bufferized program's activation peak in the same order and
the arena memopt-arena plans). Prints a markdown table; a difference is a
model error unless the table's note explains it. Usage:

  benchmarks/ground-truth.py [--build build] [--models tiny_cnn,darts]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELGEN = os.path.join(ROOT, "utils", "modelgen", "memopt-modelgen.py")
LOWER = ("builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,"
         "tosa-to-arith,tosa-to-tensor))")
MODELS = ["tiny_cnn", "mlp", "resnet18", "resnet50", "randwire_ws",
          "randwire_er", "randwire_ba", "nasnet", "amoebanet", "darts"]


def run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return proc.stdout


def main_report(stdout):
    reports = [r for r in json.loads(stdout) if "peak_bytes" in r]
    return max(reports, key=lambda r: r["ops"])


def measure(opt, name, tmp):
    tosa = os.path.join(tmp, name + ".mlir")
    linalg = os.path.join(tmp, name + ".linalg.mlir")
    planned = os.path.join(tmp, name + ".planned.mlir")
    buffers = os.path.join(tmp, name + ".buffers.mlir")
    run([sys.executable, MODELGEN, "--model", name, "-o", tosa])
    run([opt, tosa, "--pass-pipeline=" + LOWER, "-o", linalg])
    predicted = main_report(run(
        [opt, linalg, "--memory-schedule", "--memopt-assign-offsets",
         "--memopt-report=format=json", "-o", planned]))
    run([opt, planned, "--memopt-strip-annotations=all",
         "--one-shot-bufferize=bufferize-function-boundaries", "-o", buffers])
    realized = main_report(run(
        [opt, buffers, "--memopt-arena", "--memopt-report=format=json",
         "-o", os.devnull]))
    bufferized_peak = main_report(run(
        [opt, buffers, "--memopt-report=format=json", "-o", os.devnull]))
    return {"model": name, "ops": predicted["ops"],
            "predicted_peak": predicted["peak_bytes"],
            "predicted_arena": predicted["arena_bytes"],
            "bufferized_peak": bufferized_peak["peak_bytes"],
            "realized_arena": realized.get("arena_bytes", 0)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--models", default=",".join(MODELS))
    args = parser.parse_args()
    opt = os.path.join(args.build, "bin", "memopt-opt")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            print(f"measuring {name} ...", file=sys.stderr)
            rows.append(measure(opt, name, tmp))
    head = ["model", "ops", "predicted peak", "bufferized peak",
            "predicted arena", "realized arena", "arena difference"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        diff = r["realized_arena"] - r["predicted_arena"]
        print(f"| {r['model']} | {r['ops']} | {r['predicted_peak']:,} | "
              f"{r['bufferized_peak']:,} | {r['predicted_arena']:,} | "
              f"{r['realized_arena']:,} | {diff:+,} |")


if __name__ == "__main__":
    main()
