#!/usr/bin/python3
"""Writes large PyTorch draws as raw little-endian float32 for a one-off comparison with the Java port
(too big to commit; see README.md). The ATen CPU capability is taken from ATEN_CPU_CAPABILITY.

    ATEN_CPU_CAPABILITY=avx2 /usr/bin/python3 dump_large.py large OUT.f32 SEED COUNT
    /usr/bin/python3 dump_large.py small OUT.f32 SEED DRAWS    # draws of 1,2,3,5,7,11,13,15 values in turn
"""
import os
import sys
import tempfile

import numpy as np
import torch

SMALL_SIZES = [1, 2, 3, 5, 7, 11, 13, 15]


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("large", "small"):
        sys.exit(__doc__)
    mode, target, seed, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    g = torch.Generator().manual_seed(seed)
    if mode == "large":
        values = torch.randn(count, generator=g).numpy()
    else:
        values = np.concatenate([torch.randn(SMALL_SIZES[i % len(SMALL_SIZES)], generator=g).numpy()
                                 for i in range(count)])
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(target)), suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(values.astype("<f4").tobytes())
    os.replace(tmp, target)
    capability = [l for l in torch.__config__.show().splitlines() if "CPU capability" in l]
    print(f"wrote {values.size} values to {target} (torch {torch.__version__}, {capability[0].strip()})")


if __name__ == "__main__":
    main()
