#!/usr/bin/python3
"""Times bench_unet.py's training step (batch 64, Adam, epsilon-MSE, eager module) like the baseline, with
process CPU time per step, and optionally writes torch.autograd.profiler's Chrome trace of 2 more steps
(sum it by operator with op_profile.py). Run with /usr/bin/python3 (python3-torch 1.13):

    /usr/bin/python3 tools/bench/train_profile.py [--threads 2] [--steps 10] [--rounds 1] [--trace FILE]
"""
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_unet  # noqa: E402


def opt(args, name, default):
    return args[args.index(name) + 1] if name in args else default


def main():
    args = sys.argv[1:]
    threads = int(opt(args, "--threads", 2))
    steps = int(opt(args, "--steps", 10))
    rounds = int(opt(args, "--rounds", 1))
    trace = opt(args, "--trace", None)
    torch.set_num_threads(threads)
    model = bench_unet.make_model().train()
    opt_ = torch.optim.Adam(model.parameters(), lr=2e-4)
    ab = bench_unet.alphas_cumprod().float()
    g = torch.Generator().manual_seed(7)
    data = torch.randn(64, 1, 28, 28, generator=g).clamp(-1, 1)
    labels = torch.randint(0, bench_unet.NUM_CLASSES, (64,), generator=g)

    def step():
        t = torch.randint(0, 1000, (64,), generator=g)
        y = torch.where(torch.rand(64, generator=g) < 0.1, torch.full_like(labels, bench_unet.NUM_CLASSES), labels)
        noise = torch.randn(data.shape, generator=g)
        a = ab[t].view(-1, 1, 1, 1)
        xt = a.sqrt() * data + (1 - a).sqrt() * noise
        loss = F.mse_loss(model(xt, t, y), noise)
        opt_.zero_grad(set_to_none=True)
        loss.backward()
        opt_.step()

    for _ in range(3):
        step()
    rates, cpus = [], []
    for r in range(rounds):
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(steps / (time.perf_counter() - t0))
        cpus.append((time.process_time() - c0) / steps)
        print("round %d: %.3f steps/s (%.1f images/s), process CPU %.3f s/step, load %.2f"
              % (r, rates[-1], 64 * rates[-1], cpus[-1], os.getloadavg()[0]))
    print("median: %.3f steps/s (%.1f images/s), process CPU %.3f s/step"
          % (statistics.median(rates), 64 * statistics.median(rates), statistics.median(cpus)))
    if trace:
        with torch.autograd.profiler.profile(record_shapes=True) as prof:
            step()
            step()
        prof.export_chrome_trace(trace)
        print("trace written to " + trace)


if __name__ == "__main__":
    main()
