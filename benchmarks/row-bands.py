#!/usr/bin/env python3
"""Benchmark memopt-row-bands: activation peak of VGG-16, ResNet-50 and
MobileNetV2 at 224x224, batch 1, f32 inference, after tosa-to-linalg.

For each model: the peak memory-schedule reaches on the unbanded program (and
whether it is proven optimal), then for each mode (overlap, boundary, auto)
the peak memory-schedule reaches after memopt-row-bands, the factor, the
segments banded, the added MACs over the banded segments' MACs (from the
pass's remarks) and the CPU time of the pass. Every peak comes from
memopt-report's JSON. Prints a markdown table. Usage:

  benchmarks/row-bands.py [--build build] [--models vgg16,resnet50,...]
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELGEN = os.path.join(ROOT, "utils", "modelgen", "memopt-modelgen.py")
LOWER = ("--pass-pipeline=builtin.module(func.func(tosa-to-linalg-named,"
         "tosa-to-linalg,tosa-to-arith,tosa-to-tensor))")
MODES = ("overlap", "boundary", "auto")


def run(args):
    """Runs memopt-opt; returns (stdout, stderr, CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(args, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{result.stderr}")
    seconds = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return result.stdout, result.stderr, seconds


def report(opt, path, passes):
    out, _, _ = run([opt, path, "-o", "/dev/null", *passes,
                     "--memory-schedule", "--memopt-report=format=json"])
    return json.loads(out)[0]


def rows(opt, name, path):
    base = report(opt, path, [])
    peak = base["peak_bytes"]
    yield (f"| {name} | schedule optimum, unbanded | {peak:,} | 1x "
           f"({base['status']}) | - | 0 | - |")
    for mode in MODES:
        bands = f"--memopt-row-bands=mode={mode}"
        _, remarks, seconds = run([opt, path, "-o", "/dev/null", bands])
        added = sum(int(m) for m in re.findall(r"added MACs (-?\d+) of", remarks))
        total = sum(int(m) for m in re.findall(r"added MACs -?\d+ of (\d+)",
                                               remarks))
        segments = len(re.findall(r"bands of \d+ rows", remarks))
        after = report(opt, path, [bands])["peak_bytes"]
        share = f" ({100.0 * added / total:+.1f}%)" if total else ""
        yield (f"| {name} | row bands, mode={mode} | {after:,} | "
               f"{peak / after:.2f}x | {segments} | {added:,}{share} | "
               f"{seconds:.2f} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--models", default="vgg16,resnet50,mobilenetv2")
    args = parser.parse_args()
    opt = os.path.join(args.build, "bin", "memopt-opt")
    print("| model | program | activation peak (B) | lower by | segments "
          "| added MACs (of the banded segments') | pass CPU s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            tosa = os.path.join(tmp, name + ".mlir")
            linalg = os.path.join(tmp, name + ".linalg.mlir")
            subprocess.run([sys.executable, MODELGEN, "--model", name,
                            "--image", "224", "-o", tosa], check=True)
            run([opt, tosa, LOWER, "-o", linalg])
            for line in rows(opt, name, linalg):
                print(line, flush=True)


if __name__ == "__main__":
    main()
