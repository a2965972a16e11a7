#!/usr/bin/env python3
"""Compare two W1 feature tables (CSV) as multisets of rows.

Usage: w1cmp.py A.csv B.csv

Columns are matched by name (order may differ); rows are compared after
sorting, numbers with a relative tolerance of 1e-9 (engines print floats
differently), empty, NaN, null and NA cells as null. Prints "same (N rows)"
and exits 0, or prints the first difference and exits 1.
"""
import csv
import math
import sys

NULLS = {"", "nan", "NaN", "null", "NULL", "NA", "None"}


def load(path):
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        rows = [row for row in r]
    return header, rows


def cell(s):
    if s in NULLS:
        return (0, 0.0, "")
    try:
        return (1, float(s.replace(",", "")), "")
    except ValueError:
        return (2, 0.0, s)


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    (ha, ra), (hb, rb) = load(sys.argv[1]), load(sys.argv[2])
    if sorted(ha) != sorted(hb):
        print(f"columns differ: {ha} vs {hb}")
        sys.exit(1)
    idx = [hb.index(c) for c in ha]
    a = sorted(tuple(cell(v) for v in row) for row in ra)
    b = sorted(tuple(cell(row[i]) for i in idx) for row in rb)
    if len(a) != len(b):
        print(f"{len(a)} rows vs {len(b)}")
        sys.exit(1)
    for n, (x, y) in enumerate(zip(a, b)):
        for c, u, v in zip(ha, x, y):
            same = u[0] == v[0] and u[2] == v[2] and (
                u[0] != 1 or math.isclose(u[1], v[1], rel_tol=1e-9, abs_tol=1e-9))
            if not same:
                print(f"sorted row {n + 1}, column {c}: {u} vs {v}\n  {x}\n  {y}")
                sys.exit(1)
    print(f"same ({len(a)} rows)")


if __name__ == "__main__":
    main()
