#!/usr/bin/env python3
"""Benchmark memopt's scheduling and packing passes on real models.

Runs memopt-opt on the models the generator emits (ResNet, RandWire, NASNet,
AmoebaNet, DARTS) and on ../shared/models (frontend dialects, declared pure),
once per scheduling algorithm and once per packing algorithm, and prints
markdown tables:

* schedule: ops, input-order peak, each algorithm's peak and time, the lower
  bound, and whether the best order is proven optimal;
* packing (after `auto` scheduling): the max-live lower bound and each packing
  algorithm's arena and time.

Every number comes from memopt-report's JSON. Usage:

  benchmarks/run-models.py [--build build] [--time-limit 10] [--in-place]
                           [--models darts,nasnet] [--json results.json]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELGEN = os.path.join(ROOT, "utils", "modelgen", "memopt-modelgen.py")
PURE = "mhlo,stablehlo,onnx,ttir"
SCHEDULERS = ["rpo", "list", "dfs", "lpmf", "heuristics", "dp", "ilp", "auto"]
PACKERS = ["size-best-fit", "start-best-fit", "conflicts", "best", "auto"]

# (name, generator arguments)
GENERATED = [
    ("resnet18", ["--model", "resnet18"]),
    ("resnet50", ["--model", "resnet50"]),
    ("randwire_ws", ["--model", "randwire_ws"]),
    ("randwire_er", ["--model", "randwire_er"]),
    ("randwire_ba", ["--model", "randwire_ba"]),
    ("nasnet_cifar", ["--model", "nasnet"]),
    ("amoebanet_cifar", ["--model", "amoebanet"]),
    ("darts_cifar", ["--model", "darts"]),
    ("nasnet_imagenet", ["--model", "nasnet", "--imagenet"]),
    ("amoebanet_imagenet", ["--model", "amoebanet", "--imagenet"]),
    ("darts_imagenet", ["--model", "darts", "--imagenet"]),
]


def run_report(opt, model, passes, pure, in_place):
    """Runs memopt-opt with `passes` then memopt-report, under the same memory
    model as the passes; returns the report's JSON."""
    options = (f"pure-dialects={PURE}" if pure else "") + (
        " in-place=true" if in_place else "")
    cmd = [opt, model, "--allow-unregistered-dialect"] + passes + [
        f"--memopt-report=format=json {options}".strip(), "-o", os.devnull]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    reports = [r for r in json.loads(proc.stdout) if "peak_bytes" in r]
    # The model's main function is the one with the most ops.
    return max(reports, key=lambda r: r["ops"])


def schedule_pass(algorithm, args, pure):
    opts = [f"algorithm={algorithm}", f"time-limit={args.time_limit}",
            "record-times=true"]
    if pure:
        opts.append(f"pure-dialects={PURE}")
    if args.in_place:
        opts.append("in-place=true")
    return "--memory-schedule=" + " ".join(opts)


def bench_model(opt, name, path, pure, args):
    row = {"model": name, "schedule": {}, "packing": {}}
    for algorithm in SCHEDULERS:
        report = run_report(opt, path, [schedule_pass(algorithm, args, pure)],
                            pure, args.in_place)
        row["ops"] = report["ops"]
        row["input_peak"] = report["input_peak_bytes"]
        row["schedule"][algorithm] = {
            "peak": report["peak_bytes"],
            "seconds": report.get("schedule_seconds", 0.0),
            "status": report["status"],
            "lower_bound": report["lower_bound_bytes"],
        }
    row["lower_bound"] = max(s["lower_bound"] for s in row["schedule"].values())
    row["best_peak"] = min(s["peak"] for s in row["schedule"].values())
    row["proven"] = any(s["status"] == "optimal"
                        for s in row["schedule"].values())
    for packer in PACKERS:
        passes = [schedule_pass("auto", args, pure),
                  f"--memopt-assign-offsets=algorithm={packer} "
                  f"time-limit={args.time_limit} record-times=true"
                  + (f" pure-dialects={PURE}" if pure else "")
                  + (" in-place=true" if args.in_place else "")]
        report = run_report(opt, path, passes, pure, args.in_place)
        row["max_live"] = report["peak_bytes"]
        row["packing"][packer] = {
            "arena": report["arena_bytes"],
            "seconds": report.get("arena_seconds", 0.0),
            "status": report.get("arena_status", ""),
        }
    return row


def mib(b):
    return f"{b / 2**20:.2f}"


def print_tables(rows):
    print("## Scheduling: activation peak in MiB (seconds)\n")
    head = ["model", "ops", "input"] + SCHEDULERS + ["lower bound", "proven"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = [r["model"], str(r["ops"]), mib(r["input_peak"])]
        for a in SCHEDULERS:
            s = r["schedule"][a]
            cells.append(f"{mib(s['peak'])} ({s['seconds']:.3f})")
        cells += [mib(r["lower_bound"]), "yes" if r["proven"] else "no"]
        print("| " + " | ".join(cells) + " |")
    print("\n## Packing after `auto` scheduling: arena / max-live (seconds)\n")
    head = ["model", "max-live MiB"] + PACKERS
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = [r["model"], mib(r["max_live"])]
        for p in PACKERS:
            s = r["packing"][p]
            ratio = s["arena"] / r["max_live"] if r["max_live"] else 1.0
            mark = " *" if s["status"] == "optimal" else ""
            cells.append(f"{ratio:.4f}{mark} ({s['seconds']:.3f})")
        print("| " + " | ".join(cells) + " |")
    print("\n`*`: arena proven minimal.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--in-place", action="store_true")
    parser.add_argument("--models", default="",
                        help="comma-separated subset of model names")
    parser.add_argument("--shared", default=os.environ.get(
        "MEMOPT_SHARED_DIR", os.path.join(ROOT, "..", "shared")))
    parser.add_argument("--no-shared", action="store_true")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    opt = os.path.join(args.build, "bin", "memopt-opt")
    wanted = set(filter(None, args.models.split(",")))

    models = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, gen_args in GENERATED:
            if wanted and name not in wanted:
                continue
            path = os.path.join(tmp, name + ".mlir")
            subprocess.run([sys.executable, MODELGEN] + gen_args + ["-o", path],
                           check=True)
            models.append((name, path, False))
        shared_models = os.path.join(args.shared, "models")
        if args.no_shared:
            pass
        elif os.path.isdir(shared_models):
            for file in sorted(os.listdir(shared_models)):
                name = file[:-len(".mlir")]
                if file.endswith(".mlir") and (not wanted or name in wanted):
                    models.append((name, os.path.join(shared_models, file), True))
        else:
            print(f"note: {shared_models} not found; shared models skipped",
                  file=sys.stderr)
        rows = []
        for name, path, pure in models:
            print(f"benchmarking {name} ...", file=sys.stderr)
            rows.append(bench_model(opt, name, path, pure, args))
    print_tables(rows)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
