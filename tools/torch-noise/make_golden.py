#!/usr/bin/python3
"""Writes the golden vectors that diffusion4j-noise-torch's tests compare against bit for bit.

Run with a Python that has PyTorch (Debian: ``apt-get install python3-torch``, then ``/usr/bin/python3``):

    /usr/bin/python3 tools/torch-noise/make_golden.py \
        noise-torch/src/test/resources/org/diffusion4j/noise/torch/golden.json

PyTorch's CPU normal sampler for float32 tensors of 16 or more elements depends on the ATen CPU
capability the process dispatches to: ``AVX2`` (also used on AVX-512 machines, where the normal kernel
has no AVX-512 variant) evaluates Box-Muller with the avx_mathfun polynomials; ``DEFAULT`` (no AVX2,
ARM, or ``ATEN_CPU_CAPABILITY=default``) calls libm's logf/sincosf. The script runs itself once per
capability in a child process with ``ATEN_CPU_CAPABILITY`` set and records both.

Every draw stores its float32 values as little-endian bytes in base64 when it has at most
``FULL_LIMIT`` values, otherwise a SHA-256 of all the bytes plus a sample of (index, bits) pairs.
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

FULL_LIMIT = 4096
U64 = (1 << 64) - 1

SEEDS = [0, 1, 5, 42, 12345, (1 << 32) + 5, (1 << 63) - 1, (1 << 64) - 1, 0xDEADBEEFCAFEBABE, -1, -7]
SIZES = [1, 2, 5, 15, 16, 17, 31, 32, 33, 100, 257]


def encode(t):
    """One draw: shape, n, sha256 of the little-endian float32 bytes, and the values or a sample."""
    import numpy as np
    a = t.contiguous().numpy().astype('<f4', copy=False).ravel()
    raw = a.tobytes()
    out = {"shape": list(t.shape), "n": int(a.size), "sha256": hashlib.sha256(raw).hexdigest()}
    if a.size <= FULL_LIMIT:
        out["base64"] = base64.b64encode(raw).decode("ascii")
    else:
        n = a.size
        idx = sorted(set(list(range(32)) + list(range(n - 48, n)) + [i * (n // 64) for i in range(64)]))
        bits = a.view('<u4')
        out["samples"] = [[int(i), int(bits[i])] for i in idx]
    return out


def seed_str(s):
    return str(s)


def generator(torch, seed):
    return torch.Generator().manual_seed(seed)


def cases(torch):
    out = []
    # 1. One draw from a fresh generator, every seed x size (scalar path < 16, vector path >= 16).
    for s in SEEDS:
        for n in SIZES:
            g = generator(torch, s)
            out.append({"name": f"single seed={s} n={n}", "kind": "draws", "seed": seed_str(s),
                        "draws": [encode(torch.randn(n, generator=g))]})
    # Multi-dimensional shapes are the flat draw in row-major order.
    for s, shape in [(42, (2, 4, 8, 8)), (7, (3, 5)), (9, (1, 1, 3))]:
        g = generator(torch, s)
        out.append({"name": f"shape seed={s} {shape}", "kind": "draws", "seed": seed_str(s),
                    "draws": [encode(torch.randn(shape, generator=g))]})
    # 2. Large draws (vector path, several mt19937 state refills, tail recomputed or not).
    for s, shape in [(42, (4, 4, 64, 100)), ((1 << 32) + 5, (131071,)), (0, (64, 1, 28, 28))]:
        g = generator(torch, s)
        out.append({"name": f"large seed={s} {shape}", "kind": "draws", "seed": seed_str(s),
                    "draws": [encode(torch.randn(shape, generator=g))]})
    # 3. Consecutive draws from one generator: the scalar path caches a normal between calls.
    for s, shapes in [
        (42, [(5,), (3,), (16,), (1,), (17,), (7,), (100,), (2,), (15,), (1,), (33,)]),
        (0xDEADBEEFCAFEBABE, [(1,)] * 7 + [(16,)] + [(1,)] * 3 + [(700,)] + [(3,)]),
        (1234, [(2, 4, 8, 8)] * 6),
        (99, [(1,), (20000,), (1,), (1,)]),
    ]:
        g = generator(torch, s)
        out.append({"name": f"sequence seed={s}", "kind": "draws", "seed": seed_str(s),
                    "draws": [encode(torch.randn(sh, generator=g)) for sh in shapes]})
    # 4. Per-sample generators, as diffusers' randn_tensor does for a list of generators: sample i is
    #    drawn with shape (1, ...) from generator i and the samples are concatenated; repeated per step.
    for seeds, sample_shape, steps in [
        ([42, 43, (1 << 32) + 5, 0], (4, 8, 8), 3),
        ([7, 8], (3,), 4),
        ([1, 2, 3], (1, 5, 5), 3),
    ]:
        gens = [generator(torch, s) for s in seeds]
        draws = []
        for _ in range(steps):
            parts = [torch.randn((1,) + sample_shape, generator=g) for g in gens]
            draws.append(encode(torch.cat(parts, dim=0)))
        out.append({"name": f"per-sample seeds={seeds} {sample_shape}", "kind": "perSample",
                    "seeds": [seed_str(s) for s in seeds], "sampleShape": list(sample_shape),
                    "draws": draws})
    return out


def child():
    import torch
    config = torch.__config__.show()
    capability = next((line.split(":", 1)[1].strip() for line in config.splitlines()
                       if "CPU capability usage" in line), "unknown")
    json.dump({"torch": torch.__version__, "capability": capability, "cases": cases(torch)}, sys.stdout)


def dumps(doc):
    """Compact JSON with one case per line, so a diff of the file shows which cases changed."""
    compact = dict(separators=(",", ":"), sort_keys=True)
    lines = ['{"format":%d,"writer":%s,"kernels":{' % (doc["format"], json.dumps(doc["writer"]))]
    names = list(doc["kernels"])
    for k, name in enumerate(names):
        data = doc["kernels"][name]
        lines.append('%s:{"torch":%s,"capability":%s,"cases":[' % (
            json.dumps(name), json.dumps(data["torch"]), json.dumps(data["capability"])))
        cs = data["cases"]
        for i, c in enumerate(cs):
            lines.append(json.dumps(c, **compact) + ("," if i + 1 < len(cs) else ""))
        lines.append("]}" + ("," if k + 1 < len(names) else ""))
    lines.append("}}")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--child":
        child()
        return
    if len(sys.argv) != 2:
        sys.exit("usage: make_golden.py OUTPUT.json")
    target = sys.argv[1]
    kernels = {}
    for name, env_value, expected in [("avx2", "avx2", "AVX2"), ("default", "default", "NO AVX")]:
        env = dict(os.environ, ATEN_CPU_CAPABILITY=env_value)
        res = subprocess.run([sys.executable, __file__, "--child"], env=env, check=True,
                             capture_output=True, text=True)
        data = json.loads(res.stdout)
        if data["capability"] != expected:
            sys.exit(f"ATEN_CPU_CAPABILITY={env_value} ran with capability {data['capability']!r}, "
                     f"expected {expected!r}; this machine cannot produce the '{name}' vectors")
        kernels[name] = data
    doc = {"format": 1, "writer": "tools/torch-noise/make_golden.py", "kernels": kernels}
    directory = os.path.dirname(os.path.abspath(target))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        f.write(dumps(doc))
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    print(f"wrote {target} ({os.path.getsize(target)} bytes)")


if __name__ == "__main__":
    main()
