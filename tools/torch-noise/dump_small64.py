#!/usr/bin/env python3
"""Writes float64 draws of fewer than 16 values (sizes 1, 2, 3, 5, 7, 11, 13, 15 in turn) from one
torch.Generator: PyTorch's scalar normal sampler without the final rounding to float32, so its doubles,
including glibc's log/sin/cos results, can be compared bit for bit (DumpCheck small64).

    /usr/bin/python3 tools/torch-noise/dump_small64.py OUT.f64 SEED COUNT
    /usr/bin/python3 tools/torch-noise/dump_small64.py OUT.json SEED COUNT   # the committed test vector:
        noise-torch/src/test/resources/org/diffusion4j/noise/torch/small-float64.json, SEED 77, COUNT 3000
"""
import base64
import json
import os
import sys

import torch

SIZES = [1, 2, 3, 5, 7, 11, 13, 15]


def main():
    out, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    g = torch.Generator().manual_seed(seed)
    parts, total, i = [], 0, 0
    while total < count:
        n = SIZES[i % len(SIZES)]
        parts.append(torch.randn(n, dtype=torch.float64, generator=g))
        total += n
        i += 1
    data = torch.cat(parts).numpy().astype("<f8").tobytes()
    with open(out + ".tmp", "wb") as f:
        if out.endswith(".json"):
            doc = {"torch": torch.__version__, "seed": seed, "sizes": SIZES, "count": total,
                   "float64LittleEndianBase64": base64.b64encode(data).decode("ascii")}
            f.write((json.dumps(doc, indent=1) + "\n").encode("ascii"))
        else:
            f.write(data)
    os.replace(out + ".tmp", out)
    print("wrote", total, "values to", out, "(torch", torch.__version__ + ")")


if __name__ == "__main__":
    main()
