#!/usr/bin/python3
"""The benchmark UNet of issue 12 and the Python baseline it is measured against.

Run with Debian's interpreter (``/usr/bin/python3``: python3-torch 1.13, python3-onnx):

    /usr/bin/python3 tools/bench/bench_unet.py export OUT_DIR
        writes OUT_DIR/bench_unet.onnx (opset 17, dynamic batch) and OUT_DIR/bench_unet.pt (traced)
    /usr/bin/python3 tools/bench/bench_unet.py baseline OUT_DIR [--threads 2] [--quick]
        times, on OUT_DIR/bench_unet.pt, bare forwards and DDIM-50 + CFG (one 2B call per step, B = 16),
        and a training step at batch 64 (Adam, epsilon-MSE) on the eager module; prints one JSON object
    /usr/bin/python3 tools/bench/bench_unet.py train OUT_DIR [--threads 2] [--steps 10]
        times the training step alone (OUT_DIR is not used); prints one JSON object

The network follows diffusers' ``UNet2DModel`` (Ho et al. 2020, arXiv:2006.11239, Appendix B; the
class-conditional variant of Dhariwal & Nichol 2021, arXiv:2105.05233, section 3, with the class
embedding added to the time embedding): block_out_channels (32, 64, 64), one residual block per down
level and two per up level, GroupNorm(8 groups, eps 1e-5) + SiLU residual blocks with the projected
time embedding added after the first convolution, stride-2 convolution down, nearest x2 + convolution
up, a mid block residual / single-head self-attention / residual at 7x7, sinusoidal time embedding of
dimension 32 (Vaswani et al. 2017, arXiv:1706.03762, section 3.5) -> Linear-SiLU-Linear to 128, and
``Embedding(11, 128)`` for the class (label 10 is the null condition of classifier-free guidance, Ho &
Salimans 2022, arXiv:2207.12598). Input [B, 1, 28, 28], output epsilon of the same shape.

The weights are random with a fixed seed: the benchmark measures time, not samples.

Input signature (both files): ``sample: float32 [B,1,28,28]``, ``timestep: int64 [B]``,
``class_labels: int64 [B]``; output ``out_sample: float32 [B,1,28,28]`` -- the diffusers names that
the SDK's ONNX backend (ModelBinding) and DJL TorchScript predictor (InputRole) bind by default.
"""
import json
import math
import os
import sys
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 1234
OPSET = 17
NUM_CLASSES = 10          # labels 0..9; label 10 is the null condition
TEMB = 128
NAME = "bench_unet"


def timestep_embedding(t, dim=32):
    """Sinusoidal embedding [cos | sin] of the (integer) model time, as diffusers' Timesteps(dim,
    flip_sin_to_cos=True, downscale_freq_shift=0)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.norm1 = nn.GroupNorm(8, cin, eps=1e-5)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(TEMB, cout)
        self.norm2 = nn.GroupNorm(8, cout, eps=1e-5)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class Attention(nn.Module):
    """Single-head self-attention over the H*W positions, with a residual connection."""

    def __init__(self, c):
        super().__init__()
        self.norm = nn.GroupNorm(8, c, eps=1e-5)
        self.q = nn.Linear(c, c)
        self.k = nn.Linear(c, c)
        self.v = nn.Linear(c, c)
        self.out = nn.Linear(c, c)
        self.scale = 1.0 / math.sqrt(c)

    def forward(self, x):
        b, c, h, w = x.shape
        s = self.norm(x).reshape(b, c, h * w).transpose(1, 2)        # [B, HW, C]
        a = torch.softmax(torch.bmm(self.q(s), self.k(s).transpose(1, 2)) * self.scale, dim=-1)
        o = self.out(torch.bmm(a, self.v(s)))                          # [B, HW, C]
        return x + o.transpose(1, 2).reshape(b, c, h, w)


class BenchUNet(nn.Module):
    def __init__(self, channels=(32, 64, 64)):
        super().__init__()
        c0, c1, c2 = channels
        self.time_mlp = nn.Sequential(nn.Linear(32, TEMB), nn.SiLU(), nn.Linear(TEMB, TEMB))
        self.class_emb = nn.Embedding(NUM_CLASSES + 1, TEMB)
        self.conv_in = nn.Conv2d(1, c0, 3, padding=1)
        # down: one res block per level, stride-2 conv after every level but the last
        self.down0 = ResBlock(c0, c0)
        self.ds0 = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        self.down1 = ResBlock(c0, c1)
        self.ds1 = nn.Conv2d(c1, c1, 3, stride=2, padding=1)
        self.down2 = ResBlock(c1, c2)
        # mid at 7x7
        self.mid1 = ResBlock(c2, c2)
        self.mid_attn = Attention(c2)
        self.mid2 = ResBlock(c2, c2)
        # up: two res blocks per level, each on the concatenation with one skip (diffusers' channel rule)
        self.up0a = ResBlock(c2 + c2, c2)        # skip: down2 (c2)
        self.up0b = ResBlock(c2 + c1, c2)        # skip: ds1 (c1)
        self.us0 = nn.Conv2d(c2, c2, 3, padding=1)
        self.up1a = ResBlock(c2 + c1, c1)        # skip: down1 (c1)
        self.up1b = ResBlock(c1 + c0, c1)        # skip: ds0 (c0)
        self.us1 = nn.Conv2d(c1, c1, 3, padding=1)
        self.up2a = ResBlock(c1 + c0, c0)        # skip: down0 (c0)
        self.up2b = ResBlock(c0 + c0, c0)        # skip: conv_in (c0)
        self.norm_out = nn.GroupNorm(8, c0, eps=1e-5)
        self.conv_out = nn.Conv2d(c0, 1, 3, padding=1)

    def forward(self, sample, timestep, class_labels):
        emb = self.time_mlp(timestep_embedding(timestep)) + self.class_emb(class_labels)
        h0 = self.conv_in(sample)
        r0 = self.down0(h0, emb)
        d0 = self.ds0(r0)
        r1 = self.down1(d0, emb)
        d1 = self.ds1(r1)
        r2 = self.down2(d1, emb)
        h = self.mid2(self.mid_attn(self.mid1(r2, emb)), emb)
        h = self.up0a(torch.cat([h, r2], 1), emb)
        h = self.up0b(torch.cat([h, d1], 1), emb)
        h = self.us0(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = self.up1a(torch.cat([h, r1], 1), emb)
        h = self.up1b(torch.cat([h, d0], 1), emb)
        h = self.us1(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = self.up2a(torch.cat([h, r0], 1), emb)
        h = self.up2b(torch.cat([h, h0], 1), emb)
        return self.conv_out(F.silu(self.norm_out(h)))


def make_model():
    torch.manual_seed(SEED)
    return BenchUNet().eval()


def example_inputs(b=2):
    g = torch.Generator().manual_seed(SEED)
    return (torch.randn(b, 1, 28, 28, generator=g), torch.tensor([999, 10][:b] + [500] * max(0, b - 2)),
            torch.tensor([3, NUM_CLASSES][:b] + [0] * max(0, b - 2)))


def atomic(path, write):
    """Writes through write(tmp) in a temporary folder beside path, then renames into place."""
    d = os.path.dirname(os.path.abspath(path))
    tmpdir = tempfile.mkdtemp(dir=d, prefix=".tmp-")
    tmp = os.path.join(tmpdir, os.path.basename(path))
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
        os.rmdir(tmpdir)


def export(out):
    import onnx
    os.makedirs(out, exist_ok=True)
    model = make_model()
    inputs = example_inputs()
    names = ["sample", "timestep", "class_labels"]
    dyn = {n: {0: "batch"} for n in names + ["out_sample"]}

    def write_onnx(p):
        torch.onnx.export(model, inputs, p, input_names=names, output_names=["out_sample"], dynamic_axes=dyn,
                          opset_version=OPSET, do_constant_folding=True)
        onnx.checker.check_model(onnx.load(p))

    with torch.no_grad():
        atomic(os.path.join(out, NAME + ".onnx"), write_onnx)
        traced = torch.jit.trace(model, inputs, check_trace=False)
        atomic(os.path.join(out, NAME + ".pt"), lambda p: traced.save(p))
        # the traced graph must not have baked in the example batch size
        x4 = example_inputs(4)
        assert torch.allclose(torch.jit.load(os.path.join(out, NAME + ".pt"))(*x4), model(*x4), atol=1e-5)
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"wrote": [NAME + ".onnx", NAME + ".pt"], "parameters": params}))


def alphas_cumprod(n=1000):
    """diffusers' linear schedule, beta = linspace(1e-4, 0.02, 1000), in float64."""
    betas = torch.linspace(1e-4, 0.02, n, dtype=torch.float64)
    return torch.cumprod(1.0 - betas, 0)


def ddim_cfg(model, b, steps, gamma=3.0, seed=0):
    """DDIM (eta = 0, Song et al. 2021, arXiv:2010.02502, eq. 12) with classifier-free guidance
    eps = eps_u + gamma (eps_c - eps_u) (arXiv:2207.12598, eq. 6), cond and uncond as one 2B call."""
    ab = alphas_cumprod()
    ts = list(range(0, 1000, 1000 // steps))[::-1]   # "leading" spacing (the time grid does not change the cost)
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(b, 1, 28, 28, generator=g)
    labels = torch.cat([torch.arange(b) % NUM_CLASSES, torch.full((b,), NUM_CLASSES)])
    for i, t in enumerate(ts):
        a_t = ab[t].item()
        a_prev = ab[ts[i + 1]].item() if i + 1 < len(ts) else 1.0
        tt = torch.full((2 * b,), t, dtype=torch.int64)
        e = model(torch.cat([x, x]), tt, labels)
        ec, eu = e[:b], e[b:]
        eps = eu + gamma * (ec - eu)
        # x' = sqrt(a') (x - sqrt(1-a) eps)/sqrt(a) + sqrt(1-a') eps, written as c_x x + c_e eps
        cx = math.sqrt(a_prev / a_t)
        ce = math.sqrt(1 - a_prev) - math.sqrt(a_prev * (1 - a_t) / a_t)
        x = cx * x + ce * eps
    return x


def timed(f, repeats):
    """Median wall time of f() over repeats calls."""
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2]


def baseline(out, threads, quick):
    torch.set_num_threads(threads)
    pt = os.path.join(out, NAME + ".pt")
    if not os.path.exists(pt):
        export(out)
    ts_model = torch.jit.load(pt).eval()
    res = {"torch": torch.__version__, "threads": torch.get_num_threads(), "python": sys.version.split()[0]}
    b = 16
    with torch.inference_mode():
        for bb in (2 * b, 32):
            xin = torch.randn(bb, 1, 28, 28)
            tt = torch.full((bb,), 500, dtype=torch.int64)
            yy = torch.arange(bb) % (NUM_CLASSES + 1)
            for _ in range(5):
                ts_model(xin, tt, yy)
            res["forward_b%d_s" % bb] = timed(lambda: ts_model(xin, tt, yy), 10 if quick else 30)
        ddim_cfg(ts_model, b, 5)   # warm-up
        res["ddim50_cfg_b16_s"] = timed(lambda: ddim_cfg(ts_model, b, 50), 1 if quick else 3)
    res["loop_overhead"] = res["ddim50_cfg_b16_s"] / (50 * res["forward_b32_s"]) - 1

    res.update(train_rate(5 if quick else 20))
    print(json.dumps(res))


def train_rate(n):
    """Steps per second of the training step (eager module, batch 64, Adam, epsilon-MSE with 10 % of labels
    dropped to the null class), timed over n steps after 3 warm-up steps, at the current thread count."""
    model = make_model().train()
    opt = torch.optim.Adam(model.parameters(), lr=2e-4)
    ab = alphas_cumprod().float()
    g = torch.Generator().manual_seed(7)
    data = torch.randn(64, 1, 28, 28, generator=g).clamp(-1, 1)
    labels = torch.randint(0, NUM_CLASSES, (64,), generator=g)

    def step():
        t = torch.randint(0, 1000, (64,), generator=g)
        y = torch.where(torch.rand(64, generator=g) < 0.1, torch.full_like(labels, NUM_CLASSES), labels)
        noise = torch.randn(data.shape, generator=g)
        a = ab[t].view(-1, 1, 1, 1)
        xt = a.sqrt() * data + (1 - a).sqrt() * noise
        loss = F.mse_loss(model(xt, t, y), noise)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    t0 = time.perf_counter()
    for _ in range(n):
        step()
    dt = (time.perf_counter() - t0) / n
    return {"train_b64_steps_per_s": 1 / dt, "train_b64_images_per_s": 64 / dt,
            "parameters": sum(p.numel() for p in model.parameters())}


def main():
    args = sys.argv[1:]
    if len(args) < 2 or args[0] not in ("export", "baseline", "train"):
        sys.exit(__doc__)
    if args[0] == "export":
        export(args[1])
        return
    threads = int(args[args.index("--threads") + 1]) if "--threads" in args else 2
    if args[0] == "train":
        torch.set_num_threads(threads)
        steps = int(args[args.index("--steps") + 1]) if "--steps" in args else 10
        res = {"torch": torch.__version__, "threads": torch.get_num_threads()}
        res.update(train_rate(steps))
        print(json.dumps(res))
    else:
        baseline(args[1], threads, "--quick" in args)


if __name__ == "__main__":
    main()
