#!/usr/bin/env python3
"""Picks hard cases for noise-torch's GlibcLog / GlibcSinCos test from dumps of libm_double_dump.py:
inputs where glibc's double log(1 - u), sin(2 pi u) or cos(2 pi u) is NOT the correctly rounded value
(so a correctly rounded or differently computed function gives another double), found by evaluating
each function to 50 digits with Python's decimal module; plus the edge inputs of each code path.

    /usr/bin/python3 tools/torch-noise/libm_double_fixture.py DUMP SCAN OUT.json

reads the first SCAN records of DUMP, writes OUT.json: {"cases": [[k, log, sin, cos], ...]} with k the
53-bit integer (u = k 2^-53) and the three results as 16-hex-digit IEEE 754 bit patterns.
"""
import json
import math
import os
import struct
import sys
from decimal import Decimal, getcontext

getcontext().prec = 50
PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494459")
TINY = Decimal(10) ** -48


def dsin(x):
    x = x % (2 * PI)
    s, t, n = Decimal(0), x, 1
    while abs(t) > TINY:
        s += t
        t = -t * x * x / ((n + 1) * (n + 2))
        n += 2
    return s


def dcos(x):
    x = x % (2 * PI)
    s, t, n = Decimal(0), Decimal(1), 0
    while abs(t) > TINY:
        s += t
        t = -t * x * x / ((n + 1) * (n + 2))
        n += 2
    return s


def bits(v):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]


def main():
    dump, scan, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    per_function = 300
    picked = {}
    counts = [0, 0, 0]
    with open(dump, "rb") as f:
        for _ in range(scan):
            rec = f.read(32)
            if len(rec) < 32:
                break
            k, lg, sn, cs = struct.unpack("<Qddd", rec)
            u = k * 2.0 ** -53
            theta = 2.0 * math.pi * u  # the double the C library received
            exact = [float(Decimal(1.0 - u).ln()) if u < 1 else None, float(dsin(Decimal(theta))),
                     float(dcos(Decimal(theta)))]
            for j, got in enumerate((lg, sn, cs)):
                if exact[j] is not None and got != exact[j] and counts[j] < per_function:
                    counts[j] += 1
                    picked[k] = (lg, sn, cs)
            if min(counts) >= per_function:
                break
    # the edges of every path: u = 0, tiny u (log's path near 1, sin's Taylor path), 1 - u tiny, the
    # thresholds of log's near-1 interval, and angles around pi/2, pi, 3 pi/2 (each reduction quadrant)
    edges = [0, 1, 2, 3, 1 << 20, 1 << 26, 1 << 40, 1 << 48, (1 << 49) - 1, 1 << 49, (1 << 49) + 1,
             (1 << 53) - 1, (1 << 53) - 2, (1 << 53) - (1 << 20)]
    for q in (1, 2, 3):
        c = q * (1 << 51)  # u = q/4: theta = q pi/2
        edges += [c - 1, c, c + 1]
    for k in edges:
        u = k * 2.0 ** -53
        theta = 2.0 * math.pi * u
        picked[k] = (math.log(1.0 - u), math.sin(theta), math.cos(theta))
    cases = [[k, bits(v[0]), bits(v[1]), bits(v[2])] for k, v in sorted(picked.items())]
    doc = {"about": "glibc 2.36 double log(1 - u), sin(2 pi u), cos(2 pi u), u = k 2^-53, via CPython math; "
                    "cases where glibc is not correctly rounded, and path edges (tools/torch-noise/libm_double_fixture.py)",
           "notCorrectlyRounded": {"log": counts[0], "sin": counts[1], "cos": counts[2]},
           "cases": cases}
    with open(out + ".tmp", "w") as f:
        json.dump(doc, f, indent=0)
        f.write("\n")
    os.replace(out + ".tmp", out)
    print("cases", len(cases), "not correctly rounded", counts)


if __name__ == "__main__":
    main()
