#!/usr/bin/env python3
"""Runs memopt's whole benchmark suite and writes docs/benchmarks.md.

The parts (each also runs alone, see benchmarks/README.md):

* run-models.py: every scheduling and packing algorithm on the generated
  models and, when present, ../shared/models;
* run-instances.sh: the papers' instances in ../shared/instances (Checkmate's
  and Moccasin's graphs, MiniMalloc's packing instances);
* memopt-remat-bench: rematerialization on the remat graphs, budgets of 0.9
  and 0.8 of the given order's peak.

It writes the tables and three SVG plots (peak per algorithm against the
lower bound, arena against max-live, solve times) into docs/benchmarks.md and
docs/benchmarks/, with the machine and the command. Python's standard
library only. Usage:

  benchmarks/bench-report.py [--build build] [--time-limit 5] [--no-shared]
                             [--models a,b] [--out docs/benchmarks.md]
"""

import argparse
import datetime
import json
import math
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEDULERS = ["input", "rpo", "list", "dfs", "lpmf", "heuristics", "dp",
              "ilp", "auto"]
PACKERS = ["size-best-fit", "start-best-fit", "conflicts", "best", "auto"]
COLORS = ["#7f7f7f", "#bcbd22", "#17becf", "#8c564b", "#e377c2", "#ff7f0e",
          "#2ca02c", "#9467bd", "#1f77b4", "#d62728", "#aec7e8", "#98df8a",
          "#ffbb78", "#c5b0d5"]


def machine():
    """One line naming the machine the numbers come from."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
            memory = f", {kib / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{memory}, "
            f"{platform.system()} {platform.release()}")


def load():
    try:
        return ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def run(cmd, required=True):
    """Runs `cmd`, returns its standard output. A failure stops the run when
    `required`, else is noted in the output and the run goes on."""
    print("bench: " + " ".join(shlex.quote(c) for c in cmd), file=sys.stderr)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        message = f"{os.path.basename(cmd[0])} failed with {proc.returncode}"
        if required:
            sys.exit("bench: " + message)
        print("bench: " + message, file=sys.stderr)
        return proc.stdout + f"\n\n(**{message}**; see its error output)\n"
    return proc.stdout


def color_of(name):
    """The same colour for an algorithm in every plot."""
    names = SCHEDULERS + PACKERS
    return COLORS[names.index(name) % len(COLORS)] if name in names else "#000"


def dot_plot(path, title, rows, series, x_label, log=False, reference=None):
    """A horizontal dot plot: a row per model, a marker per series.

    rows: list of (label, {series: value}); values <= 0 are left out.
    reference: x of a vertical reference line (1.0 for ratios).
    """
    values = [v for _, row in rows for v in row.values() if v and v > 0]
    if not values:
        return False
    lo, hi = min(values), max(values)
    if log:
        lo = 10 ** math.floor(math.log10(lo))
        hi = 10 ** math.ceil(math.log10(hi))
    else:
        lo = min(lo, reference or lo)
        hi = hi + (hi - lo) * 0.05 or lo + 1
    left, right, top, row_h = 190, 30, 58, 18
    width = 900
    height = top + row_h * len(rows) + 40
    plot_w = width - left - right

    def x_of(v):
        if log:
            return left + plot_w * (math.log10(v) - math.log10(lo)) / (
                math.log10(hi) - math.log10(lo))
        return left + plot_w * (v - lo) / (hi - lo)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" '
           'font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="#fff"/>',
           f'<text x="10" y="18" font-size="14" font-weight="bold">'
           f'{escape(title)}</text>']
    # Legend.
    lx = 10
    for i, name in enumerate(series):
        color = color_of(name)
        out.append(f'<circle cx="{lx + 5}" cy="36" r="4" fill="{color}"/>'
                   f'<text x="{lx + 13}" y="40">{escape(name)}</text>')
        lx += 22 + 7 * len(name)
    # Grid and ticks.
    if log:
        ticks = []
        t = lo
        while t <= hi * 1.0001:
            ticks.append(t)
            t *= 10
    else:
        step = (hi - lo) / 5
        ticks = [lo + step * i for i in range(6)]
    bottom = top + row_h * len(rows)
    for t in ticks:
        x = x_of(t)
        label = f"{t:g}" if log else f"{t:.2f}"
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 6}" '
                   f'y2="{bottom}" stroke="#ddd"/><text x="{x:.1f}" '
                   f'y="{bottom + 14}" text-anchor="middle">{label}</text>')
    if reference is not None and lo <= reference <= hi:
        x = x_of(reference)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 6}" '
                   f'y2="{bottom}" stroke="#000" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{bottom + 32}" '
               f'text-anchor="middle">{escape(x_label)}</text>')
    for r, (label, row) in enumerate(rows):
        y = top + row_h * r + row_h / 2
        if r % 2 == 0:
            out.append(f'<rect x="{left}" y="{y - row_h / 2:.1f}" '
                       f'width="{plot_w}" height="{row_h}" fill="#f6f6f6"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" '
                   f'text-anchor="end">{escape(label)}</text>')
        for i, name in enumerate(series):
            v = row.get(name)
            if not v or v <= 0:
                continue
            # Markers of equal values are spread vertically a little.
            dy = (i - (len(series) - 1) / 2) * 1.2
            out.append(f'<circle cx="{x_of(v):.1f}" cy="{y + dy:.1f}" r="3.5" '
                       f'fill="{color_of(name)}" fill-opacity="0.85">'
                       f'<title>{escape(label)} {escape(name)}: {v:g}'
                       f'</title></circle>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return True


def remat_table(build, shared):
    tool = os.path.join(build, "bin", "memopt-remat-bench")
    graphs_dir = os.path.join(shared, "instances", "remat-graphs")
    if not os.path.exists(tool) or not os.path.isdir(graphs_dir):
        return None
    graphs = sorted(os.path.join(graphs_dir, g) for g in os.listdir(graphs_dir)
                    if g.endswith(".json"))
    lines = ["| graph | nodes | ratio | budget | added cost | TDI % | status "
             "| s |", "|---|---|---|---|---|---|---|---|"]
    for ratio in ("0.9", "0.8"):
        out = run([tool, "--json", "--algorithm=greedy",
                   f"--budget-ratio={ratio}"] + graphs, required=False)
        for line in out.splitlines():
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            met = r["status"] != "infeasible"
            status = r["status"] if met else f"infeasible (floor {r['floor']})"
            added = r.get("added_cost", "-") if met else "-"
            tdi = f"{r.get('tdi_percent', 0):.3f}" if met else "-"
            lines.append(
                f"| {r['graph']} | {r['nodes']} | {ratio} | {r['budget']} | "
                f"{added} | {tdi} | {status} | {r.get('seconds', 0):.2f} |")
    return "\n".join(lines)


def demote(markdown):
    """The headings of a part's tables one level down, under the part's."""
    return "\n".join("#" + line if line.startswith("#") else line
                     for line in markdown.strip().splitlines())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--shared", default=os.environ.get(
        "MEMOPT_SHARED_DIR", os.path.join(ROOT, "..", "shared")))
    parser.add_argument("--no-shared", action="store_true")
    parser.add_argument("--time-limit", default="5",
                        help="seconds per algorithm and function")
    parser.add_argument("--models", default="",
                        help="comma-separated subset of run-models.py's models")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs",
                                                      "benchmarks.md"))
    args = parser.parse_args()
    command = os.environ.get("MEMOPT_BENCH_COMMAND") or " ".join(
        shlex.quote(a) for a in ["benchmarks/bench-report.py"] + sys.argv[1:])
    shared = not args.no_shared and os.path.isdir(args.shared)
    started = time.time()
    load_before = load()
    plots_dir = os.path.join(os.path.dirname(args.out), "benchmarks")
    os.makedirs(plots_dir, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        results = os.path.join(tmp, "models.json")
        cmd = [sys.executable, os.path.join(ROOT, "benchmarks", "run-models.py"),
               "--build", args.build, "--time-limit", args.time_limit,
               "--json", results]
        cmd += ["--shared", args.shared] if shared else ["--no-shared"]
        if args.models:
            cmd += ["--models", args.models]
        model_tables = run(cmd)
        with open(results) as f:
            rows = json.load(f)
    models_seconds = time.time() - started

    instances = None
    if shared and os.path.isdir(os.path.join(args.shared, "instances")):
        instances = run([os.path.join(ROOT, "benchmarks", "run-instances.sh"),
                         args.build, args.shared, args.time_limit],
                        required=False)
    remat = remat_table(args.build, args.shared) if shared else None

    # Plots.
    peaks = [(r["model"], dict(
        [("input", r["input_peak"] / r["lower_bound"])] +
        [(a, r["schedule"][a]["peak"] / r["lower_bound"])
         for a in SCHEDULERS[1:]])) for r in rows if r["lower_bound"]]
    dot_plot(os.path.join(plots_dir, "schedule-peaks.svg"),
             "Activation peak / lower bound, per scheduling algorithm",
             peaks, SCHEDULERS, "peak / lower bound (1 = proven optimal)",
             reference=1.0)
    arenas = [(r["model"], {p: r["packing"][p]["arena"] / r["max_live"]
                            for p in PACKERS}) for r in rows if r["max_live"]]
    dot_plot(os.path.join(plots_dir, "packing-arenas.svg"),
             "Arena / max-live after auto scheduling, per packing algorithm",
             arenas, PACKERS, "arena / max-live (1 = no fragmentation)",
             reference=1.0)
    times = [(r["model"], {a: max(r["schedule"][a]["seconds"], 1e-4)
                           for a in SCHEDULERS[1:]}) for r in rows]
    dot_plot(os.path.join(plots_dir, "solve-times.svg"),
             "Scheduling time per algorithm (s, log scale; 1e-4 = faster)",
             times, SCHEDULERS[1:], "seconds", log=True)

    elapsed = time.time() - started
    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short",
                                 "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    rel = os.path.relpath(plots_dir, os.path.dirname(args.out))
    doc = [
        "# Benchmarks",
        "",
        "Written by `utils/memopt.sh bench` (benchmarks/bench-report.py); do "
        "not edit by hand.",
        "",
        f"- command: `{command.strip()}`",
        f"- machine: {machine()}",
        f"- load average (1, 5, 15 min) before: {load_before}; after: {load()}",
        f"- memopt commit {commit}, build `{os.path.relpath(args.build, ROOT)}`"
        f", {now:%Y-%m-%d %H:%M} UTC, {elapsed / 60:.1f} min in all "
        f"({models_seconds / 60:.1f} min for the models)",
        f"- time limit per algorithm and function: {args.time_limit} s; "
        "times are wall-clock on a shared machine",
        "- shared models and instances: " + (
            f"`{os.path.relpath(args.shared, ROOT)}`" if shared
            else "absent or not asked for (skipped)"),
        "",
        f"![peak per algorithm against the lower bound]({rel}/schedule-peaks.svg)",
        "",
        f"![arena against max-live]({rel}/packing-arenas.svg)",
        "",
        f"![scheduling times]({rel}/solve-times.svg)",
        "",
        "## Models (`benchmarks/run-models.py`)",
        "",
        demote(model_tables),
        "",
    ]
    if instances:
        doc += ["## The papers' instances (`benchmarks/run-instances.sh`)", "",
                demote(instances), ""]
    if remat:
        doc += ["## Rematerialization (`memopt-remat-bench`, greedy)", "",
                "Budget = ratio x peak of the given order; TDI = added cost / "
                "sum of costs.", "", remat, ""]
    with open(args.out, "w") as f:
        f.write("\n".join(doc))
    print(f"bench: wrote {args.out} in {elapsed / 60:.1f} min", file=sys.stderr)


if __name__ == "__main__":
    main()
