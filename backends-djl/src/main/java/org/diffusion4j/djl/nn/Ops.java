package org.diffusion4j.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Stateless tensor functions the blocks share. */
public final class Ops {

    /** DJL's interpolation mode code of nearest-neighbour ({@code JniUtils.interpolate}). */
    private static final int NEAREST = 0;

    private Ops() {}

    /** SiLU (swish with β = 1): x · sigmoid(x). */
    public static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /**
     * {@code x · s} for a scalar s, safe under autograd. DJL's {@code mul(Number)} wraps s in a temporary
     * array over a Java direct buffer and closes it at once; when a gradient collector is open PyTorch
     * saves that array for the backward pass, which may then read freed memory after a garbage
     * collection. Here s becomes an array of {@code x}'s manager, alive until the call's scope closes.
     */
    public static NDArray scale(NDArray x, float s) {
        return x.mul(x.getManager().create(s));
    }

    /**
     * Group normalisation without the affine part (Wu &amp; He 2018): the channels of each sample are
     * split into {@code groups} groups and each group is normalised to mean 0 and variance 1 over its
     * channels and pixels. Runs as one layer norm over the reshaped array {@code [B, G, C/G·H·W]}.
     */
    public static NDArray groupNorm(NDArray x, int groups, float eps) {
        Shape s = x.getShape();
        long per = s.size() / (s.get(0) * groups);
        NDManager m = x.getManager();
        NDArray ones = m.ones(new Shape(per), DataType.FLOAT32, x.getDevice());
        NDArray zeros = m.zeros(new Shape(per), DataType.FLOAT32, x.getDevice());
        return groupNorm(x, groups, eps, ones, zeros);
    }

    /**
     * {@link #groupNorm(NDArray, int, float)} with the layer norm's unit scale and zero shift given: two
     * arrays of {@code C/G·H·W} ones and zeros that a caller can make once and reuse (PyTorch's layer norm
     * does not differentiate them when they do not require a gradient).
     */
    public static NDArray groupNorm(NDArray x, int groups, float eps, NDArray ones, NDArray zeros) {
        Shape s = x.getShape();
        long b = s.get(0);
        long per = s.size() / (b * groups);
        NDList n = LayerNorm.layerNorm(x.reshape(b, groups, per), new Shape(per), ones, zeros, eps);
        return n.singletonOrThrow().reshape(s);
    }

    /**
     * Nearest-neighbour ×2 upsampling of {@code [B, C, H, W]}: out[.., i, j] = x[.., ⌊i/2⌋, ⌊j/2⌋], as one
     * PyTorch {@code upsample_nearest2d} (whose backward sums each 2×2 block) instead of two
     * {@code repeat_interleave}s; both copy values, so the result is the same bit for bit.
     */
    public static NDArray upsampleNearest2(NDArray x) {
        Shape s = x.getShape();
        if (x instanceof PtNDArray p && s.dimension() == 4) {
            return JniUtils.interpolate(p, new long[] {2 * s.get(2), 2 * s.get(3)}, NEAREST, false);
        }
        return x.repeat(2, 2).repeat(3, 2);
    }

    /**
     * The sinusoidal embedding of model times (Vaswani et al. 2017, as in DDPM): for
     * {@code half = dim/2} frequencies ω_i = exp(−ln(10000)·i/half), the features
     * [sin(t·ω_0..half−1), cos(t·ω_0..half−1)].
     *
     * @param times one (already scaled) model time per sample
     * @param dim   embedding width, even
     * @return row-major {@code [times.length, dim]}
     */
    public static float[] sinusoidal(double[] times, int dim) {
        if (dim <= 0 || dim % 2 != 0) {
            throw new IllegalArgumentException("sinusoidal embedding width must be even and positive, got " + dim);
        }
        int half = dim / 2;
        float[] out = new float[times.length * dim];
        for (int b = 0; b < times.length; b++) {
            for (int i = 0; i < half; i++) {
                double omega = Math.exp(-Math.log(10000.0) * i / half);
                double arg = times[b] * omega;
                out[b * dim + i] = (float) Math.sin(arg);
                out[b * dim + half + i] = (float) Math.cos(arg);
            }
        }
        return out;
    }
}
