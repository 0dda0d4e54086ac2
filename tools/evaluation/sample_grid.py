"""Draws docs/images/tradeoff-samples.png: 8 samples of each class at four guidance scales, from the
.npy files that `diffusion4j evaluate --config docs/evaluation/tradeoff-eval.json` writes
(results/tradeoff/eval/tradeoff-<i>.npy, [500, 1, 28, 28], 50 samples per class, label-major).
Run from the repository root with Debian's python3 (numpy, PIL): /usr/bin/python3 tools/evaluation/sample_grid.py
"""
import numpy as np
from PIL import Image, ImageDraw

SCALES = [(0, 0), (1, 1), (3, 3), (7.5, 5)]  # (gamma, index of the sweep value)
PER_CLASS, SHOWN = 50, 8

tiles = []
for _, i in SCALES:
    x = np.load(f"results/tradeoff/eval/tradeoff-{i}.npy")
    rows = []
    for c in range(10):
        row = [np.pad(x[c * PER_CLASS + j, 0], 1, constant_values=1) for j in range(SHOWN)]
        rows.append(np.concatenate(row, axis=1))
    tiles.append(np.concatenate(rows, axis=0))
gap = np.ones((tiles[0].shape[0], 8))
img = np.concatenate(sum([[t, gap] for t in tiles], [])[:-1], axis=1)
img = ((np.clip(img, -1, 1) + 1) * 127.5).astype(np.uint8)
im = Image.fromarray(img).resize((img.shape[1] * 2, img.shape[0] * 2), Image.NEAREST)
canvas = Image.new("L", (im.width, im.height + 24), 255)
canvas.paste(im, (0, 24))
draw = ImageDraw.Draw(canvas)
width = tiles[0].shape[1] * 2 + 16
for k, (g, _) in enumerate(SCALES):
    draw.text((k * width + 4, 6), f"gamma = {g}", fill=0)
canvas.save("docs/images/tradeoff-samples.png")
