"""Checks memopt-report's HTML and CSV against its JSON report.

The HTML must be well-formed XML with one timeline SVG per modelled
function, whose marked peak is the JSON `peak_bytes`; an arena map where the
JSON has `arena_bytes`; the CSV's largest live bytes per function is the
peak. Prints one line per function for FileCheck.
"""
import argparse
import csv
import json
import os
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def fail(message):
    sys.exit("check-report: " + message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", required=True)
    parser.add_argument("--html")
    parser.add_argument("--csv")
    parser.add_argument("--max-html-bytes", type=int)
    args = parser.parse_args()

    with open(args.json) as f:
        functions = json.load(f)
    modelled = [f for f in functions if "skipped" not in f]

    if args.html:
        size = os.path.getsize(args.html)
        if args.max_html_bytes and size > args.max_html_bytes:
            fail(f"{args.html} has {size} bytes, above {args.max_html_bytes}")
        root = ET.parse(args.html).getroot()
        if root.find(".//{http://www.w3.org/1999/xhtml}script") is not None:
            fail("the HTML has a script")
        timelines = [s for s in root.iter(SVG + "svg")
                     if s.get("class") == "timeline"]
        arenas = {s.get("data-function"): s for s in root.iter(SVG + "svg")
                  if s.get("class") == "arena"}
        if len(timelines) != len(modelled):
            fail(f"{len(timelines)} timelines for {len(modelled)} functions")
        by_name = {s.get("data-function"): s for s in timelines}
        for function in modelled:
            name = function["function"]
            svg = by_name.get(name)
            if svg is None:
                fail(f"no timeline for @{name}")
            # Each picture is a standalone, well-formed SVG document too.
            ET.fromstring(ET.tostring(svg))
            peaks = [t for t in svg.iter(SVG + "text") if t.get("class") == "peak"]
            if function["ops"] and len(peaks) != 1:
                fail(f"@{name}: {len(peaks)} peak marks")
            if peaks and int(peaks[0].get("data-bytes")) != function["peak_bytes"]:
                fail(f"@{name}: marked peak {peaks[0].get('data-bytes')} is not "
                     f"peak_bytes {function['peak_bytes']}")
            if peaks and f"{function['peak_bytes']:,} B" not in peaks[0].text:
                fail(f"@{name}: peak label '{peaks[0].text}' lacks the peak")
            orders = [p.get("data-order") for p in svg.iter(SVG + "path")
                      if "order" in (p.get("class") or "").split()]
            arena = arenas.get(name)
            if (function.get("arena_bytes", 0) > 0) != (arena is not None):
                fail(f"@{name}: arena map and arena_bytes disagree")
            line = f"@{name}: peak {function['peak_bytes']} orders {','.join(orders)}"
            if arena is not None:
                if int(arena.get("data-arena-bytes")) > function["arena_bytes"]:
                    fail(f"@{name}: arena map size {arena.get('data-arena-bytes')}")
                line += f" arena {arena.get('data-arena-bytes')} buffers {arena.get('data-buffers')}"
            print(line)
        print(f"html ok: {len(timelines)} timelines")

    if args.csv:
        with open(args.csv, newline="") as f:
            rows = list(csv.DictReader(f))
        for function in modelled:
            name = function["function"]
            mine = [r for r in rows if r["function"] == name]
            if len(mine) != function["ops"]:
                fail(f"@{name}: {len(mine)} CSV rows for {function['ops']} ops")
            if [int(r["step"]) for r in mine] != list(range(len(mine))):
                fail(f"@{name}: CSV steps out of order")
            live = [int(r["live_bytes"]) for r in mine]
            if mine and max(live) != function["peak_bytes"]:
                fail(f"@{name}: CSV peak {max(live)} is not {function['peak_bytes']}")
            for r in mine:
                if max(int(r["live_bytes_before"]), int(r["live_bytes_after"])) > int(r["live_bytes"]):
                    fail(f"@{name}: step {r['step']} before/after above live")
            if mine and mine[function["peak_step"]]["op"] != function["peak_op"]:
                fail(f"@{name}: CSV op at the peak step is not {function['peak_op']}")
        print(f"csv ok: {len(rows)} rows")


if __name__ == "__main__":
    main()
