#!/usr/bin/env python3
"""memopt end to end: a generated tosa model, planned by memopt, lowered to
LLVM and run, against the same model without memopt.

usage: run.py [--build DIR] [--model NAME] [--keep DIR]
              [--mlir-runner PATH] [--runtime-libs DIR]
              [-- generator options...]

The model comes from utils/modelgen/memopt-modelgen.py with --with-main (its
@main calls @forward on constant inputs and prints the output). Two
programs are built from it and run with mlir-runner:

  without memopt  tosa-to-linalg, one-shot bufferization, lowering to LLVM
  with memopt     memory-schedule and memopt-assign-offsets on tosa, then
                  the same lowering with memopt-arena after bufferization

It prints both outputs and the memory of @forward: the allocations of the
program without memopt, the activation peak in the input and the scheduled
order, the tensor-level plan and the one arena that replaces the
allocations. Exits non-zero when the outputs differ or a step fails.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The lowering of test/lit.cfg.py's %lower_to_llvm: memopt's attributes go
# first, since mlir-runner does not know the dialect.
LOWER_TO_LLVM = [
    "--memopt-strip-annotations=all", "--convert-linalg-to-loops",
    "--convert-scf-to-cf", "--expand-strided-metadata", "--lower-affine",
    "--finalize-memref-to-llvm", "--convert-math-to-llvm",
    "--convert-arith-to-llvm", "--convert-func-to-llvm",
    "--convert-cf-to-llvm", "--reconcile-unrealized-casts"]
TO_BUFFERS = ["--tosa-to-linalg-pipeline", "--tosa-to-tensor",
              "--one-shot-bufferize=bufferize-function-boundaries"]
ELEMENT_BYTES = {"i1": 1, "i8": 1, "i16": 2, "f16": 2, "bf16": 2, "i32": 4,
                 "f32": 4, "i64": 8, "f64": 8, "index": 8}


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit("run.py: failed: %s\n%s" % (" ".join(command), result.stderr))
    return result.stdout


def function_body(ir, name):
    """The text of func.func @name in printed IR."""
    match = re.search(r"func\.func @%s\(.*?\n  }\n" % re.escape(name), ir, re.S)
    if not match:
        sys.exit("run.py: no function @%s in the bufferized program" % name)
    return match.group(0)


def allocations(body):
    """Bytes of each memref.alloc in `body`."""
    sizes = []
    for shape in re.findall(
            r"memref\.alloc\(\)(?: \{[^}]*\})? : memref<([^>]*)>", body):
        *dims, element = shape.split("x")
        bytes_ = ELEMENT_BYTES[element]
        for dim in dims:
            bytes_ *= int(dim)
        sizes.append(bytes_)
    return sizes


def report(memopt_opt, path, function):
    out = run([memopt_opt, path, "--memopt-report=format=json", "-o",
               os.devnull])
    for entry in json.loads(out):
        if entry["function"] == function:
            return entry
    sys.exit("run.py: no report for @%s" % function)


def execute(args, memopt_opt, path):
    lowered = run([memopt_opt, path] + LOWER_TO_LLVM)
    libs = ",".join(os.path.join(args.runtime_libs, lib + ".so") for lib in
                    ("libmlir_runner_utils", "libmlir_c_runner_utils"))
    out = run([args.mlir_runner, "-e", "main",
               "--entry-point-result=void", "-shared-libs=" + libs],
              input=lowered)
    # The first line names the buffer's address, which differs run to run.
    return "\n".join(line for line in out.splitlines() if "base@" not in line)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--memopt-opt", help="default: BUILD/bin/memopt-opt")
    parser.add_argument("--model", default="tiny_cnn")
    parser.add_argument("--mlir-runner",
                        default="/usr/lib/llvm-22/bin/mlir-runner")
    parser.add_argument("--runtime-libs", default="/usr/lib/llvm-22/lib",
                        help="directory of libmlir_(c_)runner_utils.so")
    parser.add_argument("--keep", help="keep the programs in this directory")
    parser.add_argument("generator", nargs="*",
                        help="more memopt-modelgen.py options")
    args = parser.parse_args()
    memopt_opt = args.memopt_opt or os.path.join(args.build, "bin", "memopt-opt")
    work = args.keep or tempfile.mkdtemp(prefix="memopt-e2e-")
    os.makedirs(work, exist_ok=True)
    path = lambda name: os.path.join(work, name)
    try:
        run([sys.executable,
             os.path.join(ROOT, "utils", "modelgen", "memopt-modelgen.py"),
             "--model", args.model, "--with-main", "-o", path("model.mlir")]
            + args.generator)

        # Without memopt.
        run([memopt_opt, path("model.mlir")] + TO_BUFFERS +
            ["-o", path("reference.mlir")])
        reference_output = execute(args, memopt_opt, path("reference.mlir"))

        # With memopt: plan on tosa, lower, one arena after bufferization.
        run([memopt_opt, path("model.mlir"), "--memory-schedule",
             "--memopt-assign-offsets", "-o", path("planned.mlir")])
        run([memopt_opt, path("planned.mlir"), "--memopt-strip-annotations"]
            + TO_BUFFERS + ["--memopt-arena", "-o", path("arena.mlir")])
        arena_output = execute(args, memopt_opt, path("arena.mlir"))

        planned = report(memopt_opt, path("planned.mlir"), "forward")
        arena = report(memopt_opt, path("arena.mlir"), "forward")
        with open(path("reference.mlir")) as f:
            before = allocations(function_body(f.read(), "forward"))
        with open(path("arena.mlir")) as f:
            after = allocations(function_body(f.read(), "forward"))
        # The arena is the first allocation of the function.
        left = after[1:] if arena.get("arena_bytes") else after

        print("memopt end to end: %s (%s)" % (args.model, work if args.keep
                                              else "temporary files"))
        print("output without memopt:\n" + reference_output)
        print("output with memopt:\n" + arena_output)
        same = reference_output == arena_output
        print("outputs identical" if same else "OUTPUTS DIFFER")
        print("memory of @forward (weights are arguments, not counted):")
        print("  without memopt      %9d B in %d allocations, none reused" %
              (sum(before), len(before)))
        print("  input-order peak    %9d B live at once in the model's order" %
              planned["input_peak_bytes"])
        print("  scheduled peak      %9d B (memory-schedule, %s; lower bound "
              "%d B)" % (planned["peak_bytes"], planned["status"],
                         planned["lower_bound_bytes"]))
        print("  tensor plan         %9d B (memopt-assign-offsets, %s)" %
              (planned["arena_bytes"], planned["arena_status"]))
        print("  with memopt         %9d B in one arena (memopt-arena) + %d B "
              "in %d allocations left in place" %
              (arena.get("arena_bytes", 0), sum(left), len(left)))
        if not same:
            return 1
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
