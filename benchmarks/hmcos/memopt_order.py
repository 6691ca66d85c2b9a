#!/usr/bin/env python3
"""Write the op order memopt's --memory-schedule chooses as a schedule file.

Runs memopt-opt on a memopt-modelgen style tosa MLIR file with
--mlir-print-debuginfo (locations inline), maps every op of the scheduled function back to its
result name in the input through its source line, and prints one name per
line: the format eval_schedule.py reads, so memopt's and HMCOS's orders are
evaluated by the same code under the same memory model.

usage: memopt_order.py MODEL.mlir MEMOPT_OPT [schedule options...] > order.txt
  e.g. memopt_order.py m.mlir build/bin/memopt-opt algorithm=auto in-place=true
"""
import re
import subprocess
import sys

RESULT_RE = re.compile(r'^\s*%([\w.$-]+)(?::\d+)?\s*=\s*"?tosa\.')
LOC_RE = re.compile(r'loc\("[^"]*":(\d+):\d+\)')


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    model, opt, options = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(model) as f:
        name_of_line = {}
        for number, line in enumerate(f, start=1):
            match = RESULT_RE.match(line)
            if match:
                name_of_line[number] = match.group(1)
    cmd = [opt, model, "--memory-schedule=" + " ".join(options),
           "--mlir-print-debuginfo", "--mlir-print-local-scope"]
    scheduled = subprocess.run(cmd, check=True, capture_output=True,
                               text=True).stdout
    for line in scheduled.splitlines():
        if "= tosa." not in line or "tosa.const" in line:
            continue
        locs = LOC_RE.findall(line)
        if locs and int(locs[-1]) in name_of_line:
            print(name_of_line[int(locs[-1])])


if __name__ == "__main__":
    main()
