package org.diffusion4j.djl.unet;

import org.diffusion4j.testkit.ErrorBound;

/**
 * The float32 error bound of the DJL Java {@link UNet} for a given {@link UNetConfig}, relative to
 * max(1, |output|), derived as in {@link org.diffusion4j.testkit.FixtureBounds#tinyUnet()}: the
 * rounding errors of every reduction and elementwise operation of the network add up (GroupNorm
 * rescales each block to unit size, so no block amplifies the relative error of the next), so the
 * growth factor is the total count of such operations, summed over <em>all</em> blocks (a
 * superset of any one path, so the bound is conservative), counted from the structure that
 * {@link UNet}'s constructor builds:
 * <ul>
 *   <li>3×3 convolution with c inputs: 9c + 1 terms; 1×1: c + 1; Linear with n inputs: n + 1;</li>
 *   <li>GroupNorm of c channels in g groups at size s: mean and variance over (c/g)·s² elements,
 *       plus five elementwise operations; SiLU: three (exp, add, divide);</li>
 *   <li>ResBlock(in → out): GN(in), SiLU, conv3(in), + Linear(emb), GN(out), SiLU, conv3(out),
 *       skip conv1(in) when in ≠ out, + residual;</li>
 *   <li>attention at size s with c channels: GN(c), conv1 q/k/v (c + 1), scores (c + 1 terms, with the
 *       scale), softmax over s² (s² + 3), weighted sum (s²), projection (c + 1), + residual;</li>
 *   <li>the embedding: sinusoid (4), Linear, SiLU, Linear, + class row.</li>
 * </ul>
 */
public final class UNetBounds {
    /** The safety factor, as in {@code FixtureBounds.SAFETY}: second-order terms and 1-ulp exp/sqrt. */
    public static final double SAFETY = 2;

    private UNetBounds() {}

    /** The operation count described above. */
    public static long operations(UNetConfig c) {
        int base = c.baseChannels();
        int g = c.groups();
        int emb = c.embeddingDim();
        long n = 4 + (base + 1) + 3 + (emb + 1) + 1; // embedding
        int size = c.imageSize();
        n += conv3(c.imageChannels());
        int ch = base;
        java.util.ArrayDeque<Integer> skips = new java.util.ArrayDeque<>();
        skips.push(ch);
        int levels = c.channelMultipliers().size();
        for (int i = 0; i < levels; i++) {
            int s = size >> i;
            int out = base * c.channelMultipliers().get(i);
            for (int r = 0; r < c.resBlocksPerLevel(); r++) {
                n += res(ch, out, emb, g, s);
                ch = out;
                if (c.attentionResolutions().contains(s)) {
                    n += attention(ch, g, s);
                }
                skips.push(ch);
            }
            if (i < levels - 1) {
                n += conv3(ch);
                skips.push(ch);
            }
        }
        int sMid = size >> (levels - 1);
        n += 2 * res(ch, ch, emb, g, sMid) + attention(ch, g, sMid);
        for (int i = levels - 1; i >= 0; i--) {
            int s = size >> i;
            int out = base * c.channelMultipliers().get(i);
            for (int r = 0; r <= c.resBlocksPerLevel(); r++) {
                n += res(ch + skips.pop(), out, emb, g, s);
                ch = out;
                if (c.attentionResolutions().contains(s)) {
                    n += attention(ch, g, s);
                }
            }
            if (i > 0) {
                n += conv3(ch);
            }
        }
        return n + groupNorm(ch, g, size) + 3 + conv3(ch);
    }

    /**
     * The same count for the time-conditioned classifier ({@code ClassifierNet}: convIn, one ResBlock
     * per level with stride-2 convolutions between levels, GN, SiLU, global average pooling over s²,
     * Linear to K logits), then log-softmax (K + 3), doubled for the backward pass of autograd, whose
     * reductions have the same lengths as the forward ones.
     */
    public static long classifierGradientOperations(org.diffusion4j.djl.classifier.ClassifierConfig c) {
        int base = c.baseChannels();
        int g = c.groups();
        int emb = 4 * base;
        long n = 4 + (base + 1) + 3 + (emb + 1) + conv3(c.imageChannels());
        int ch = base;
        int levels = c.channelMultipliers().size();
        for (int i = 0; i < levels; i++) {
            int s = c.imageSize() >> i;
            int out = base * c.channelMultipliers().get(i);
            n += res(ch, out, emb, g, s);
            ch = out;
            if (i < levels - 1) {
                n += conv3(ch);
            }
        }
        int s = c.imageSize() >> (levels - 1);
        n += groupNorm(ch, g, s) + 3 + (long) s * s + (ch + 1) + (c.numClasses() + 3);
        return 2 * n;
    }

    /** u · classifierGradientOperations · SAFETY: the autograd gradient's error relative to max(1, |∇|). */
    public static double classifierGradient(org.diffusion4j.djl.classifier.ClassifierConfig c) {
        return ErrorBound.float32(1, classifierGradientOperations(c), SAFETY);
    }

    /** u · operations · SAFETY: one float32 evaluation's error relative to max(1, |ε|). */
    public static double oneEvaluation(UNetConfig c) {
        return ErrorBound.float32(1, operations(c), SAFETY);
    }

    private static long conv3(int in) {
        return 9L * in + 1;
    }

    private static long groupNorm(int c, int groups, int s) {
        long m = (long) (c / Math.min(groups, c)) * s * s;
        return 2 * m + 5;
    }

    private static long res(int in, int out, int emb, int g, int s) {
        long n = groupNorm(in, g, s) + 3 + conv3(in) + (emb + 1) + 1 + groupNorm(out, g, s) + 3 + conv3(out) + 1;
        return in != out ? n + in + 1 : n;
    }

    private static long attention(int c, int g, int s) {
        return groupNorm(c, g, s) + (c + 1) + (c + 1) + ((long) s * s + 3) + (long) s * s + (c + 1) + 1;
    }
}
