#!/usr/bin/env python3
"""Compare memopt's schedule with HMCOS's on the same NAS graphs.

For every MODEL.mlir in MODELS_DIR that has an HMCOS schedule
SCHED_DIR/MODEL.hmcos.txt, runs memopt-opt --memory-schedule (algorithm
auto, in-place reuse on by default), and evaluates both orders with
eval_schedule.py under HMCOS's memory model (input counted, in-place rule) and
under plain liveness. Prints a markdown table with memopt's scheduling time
from its report.

usage: compare.py MEMOPT_OPT MODELS_DIR SCHED_DIR [schedule options...]
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PEAK_RE = re.compile(r'plain_peak=(\d+) hmcos_model_peak=(\d+)')


def evaluate(model, schedule):
    out = subprocess.run([sys.executable, os.path.join(HERE, "eval_schedule.py"),
                          model, schedule], check=True, capture_output=True,
                         text=True).stdout
    plain, hmcos = PEAK_RE.search(out).groups()
    return int(plain), int(hmcos)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    opt, models, scheds = sys.argv[1:4]
    options = sys.argv[4:] or ["algorithm=auto", "in-place=true"]
    print("| model | HMCOS peak KiB | memopt peak KiB | memopt/HMCOS | "
          "memopt s | plain: HMCOS | plain: memopt |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for file in sorted(os.listdir(models)):
        name, ext = os.path.splitext(file)
        hmcos_order = os.path.join(scheds, name + ".hmcos.txt")
        if ext != ".mlir" or not os.path.exists(hmcos_order):
            continue
        model = os.path.join(models, file)
        memopt_order = os.path.join(scheds, name + ".memopt.txt")
        with open(memopt_order, "w") as f:
            subprocess.run([sys.executable, os.path.join(HERE, "memopt_order.py"),
                            model, opt] + options, check=True, stdout=f)
        report = json.loads(subprocess.run(
            [opt, model, "--memory-schedule=" + " ".join(options + ["record-times=true"]),
             "--memopt-report=format=json", "-o", os.devnull],
            check=True, capture_output=True, text=True).stdout)[0]
        h_plain, h_model = evaluate(model, hmcos_order)
        m_plain, m_model = evaluate(model, memopt_order)
        print(f"| {name} | {h_model / 1024:.1f} | {m_model / 1024:.1f} | "
              f"{m_model / h_model:.3f} | {report['schedule_seconds']:.3f} | "
              f"{h_plain / 1024:.1f} | {m_plain / 1024:.1f} |")


if __name__ == "__main__":
    main()
