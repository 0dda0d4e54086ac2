#!/usr/bin/env python3
"""Writes the C library's double log(1 - u), sin(2 pi u) and cos(2 pi u) for random uniforms
u = k * 2^-53 (PyTorch's scalar normal sampler's inputs), as CPython's math.log/sin/cos compute them:
they call the C library's log, sin and cos (glibc on Debian). For a one-off comparison with
noise-torch's GlibcLog / GlibcSinCos (DumpCheck libm64); see README.md.

    /usr/bin/python3 tools/torch-noise/libm_double_dump.py OUT SEED COUNT

OUT holds COUNT little-endian records (uint64 k, float64 log, float64 sin, float64 cos). Half the k are
uniform on [0, 2^53); the other half are uniform shifted right by a uniform 0..52 bits, and half of
those reflected (2^53 - k), so that u near 0 (log near 1, tiny angles) and u near 1 are well covered.
"""
import math
import random
import struct
import sys


def main():
    out, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    two53 = 1 << 53
    pack = struct.Struct("<Qddd").pack
    with open(out + ".tmp", "wb") as f:
        buf = []
        for i in range(count):
            k = rng.getrandbits(53)
            if i & 1:
                k >>= rng.randrange(53)
                if i & 2:
                    k = two53 - 1 - k
            u = k * 2.0 ** -53
            theta = 2.0 * math.pi * u
            buf.append(pack(k, math.log(1.0 - u), math.sin(theta), math.cos(theta)))
            if len(buf) == 65536:
                f.write(b"".join(buf))
                buf = []
        f.write(b"".join(buf))
    import os
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
