#!/usr/bin/env python3
"""Compares the numbers two runs printed, within a tolerance.

Usage: compare-outputs.py REFERENCE OUTPUT [--rtol R] [--atol A]

Every number of both files is read in order; the files must print the same
count, and each pair must satisfy |a - b| <= atol + rtol * |a|. Exits 1 with
the first difference otherwise.
"""
import argparse
import re
import sys

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:inf|nan)")


def numbers(path):
    with open(path) as f:
        return [float(token) for token in NUMBER.findall(f.read())]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("reference")
    parser.add_argument("output")
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-5)
    args = parser.parse_args()
    ref, out = numbers(args.reference), numbers(args.output)
    if len(ref) != len(out):
        print(f"{args.output}: {len(out)} numbers, reference has {len(ref)}")
        return 1
    worst = 0.0
    for i, (a, b) in enumerate(zip(ref, out)):
        if not abs(a - b) <= args.atol + args.rtol * abs(a):
            print(f"{args.output}: number {i} is {b}, reference {a}")
            return 1
        worst = max(worst, abs(a - b))
    print(f"{len(ref)} numbers within atol {args.atol} + rtol {args.rtol}; "
          f"largest difference {worst:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
