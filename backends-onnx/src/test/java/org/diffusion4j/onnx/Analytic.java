package org.diffusion4j.onnx;

import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;

/**
 * The closed forms of the analytic fixtures (see tools/fixtures/README.md), computed in double from
 * their definitions, independently of the exported graphs.
 */
final class Analytic {
    static final int K = 3;
    static final int T = 1000;
    static final int H = 8;
    static final int W = 8;
    static final int D = H * W;
    static final Shape SAMPLE = Shape.of(1, H, W);

    private Analytic() {}

    /** E[k, 0, i, j] = cos(0.7 (k+1) i + 0.3 j) for k < K; E[K] = 0. */
    static double pattern(int k, int i, int j) {
        return k >= K ? 0 : Math.cos(0.7 * (k + 1) * i + 0.3 * j);
    }

    static double pattern(int k, int pixel) {
        return pattern(k, pixel / W, pixel % W);
    }

    /** c(t) = 0.1 + 0.4 t / T. */
    static double c(double t) {
        return 0.1 + 0.4 * t / T;
    }

    /** The label of the linear and GMM models: the null condition is class K. */
    static int label(Condition c) {
        return c instanceof Condition.Label l ? l.value() : K;
    }

    /** ε = c(t) x + 0.5 E[y]. */
    static final NoisePredictor LINEAR = (x, time, cs) -> {
        float[] xs = x.toFloatArray();
        int per = xs.length / x.batchSize();
        float[] out = new float[xs.length];
        double ct = c(time.modelTime());
        for (int b = 0; b < x.batchSize(); b++) {
            int y = label(cs.get(b));
            for (int p = 0; p < per; p++) {
                out[b * per + p] = (float) (ct * xs[b * per + p] + 0.5 * pattern(y, p));
            }
        }
        return ArrayTensor.of(out, x.shape());
    };

    /** ᾱ_t of the linear schedule β_s = 1e-4 + (0.02 − 1e-4) s/(T−1), in double. */
    static double alphaBar(int t) {
        double ab = 1;
        for (int s = 0; s <= t; s++) {
            ab *= 1 - (1e-4 + (0.02 - 1e-4) * s / (T - 1));
        }
        return ab;
    }

    static Timestep level(int t) {
        return Timestep.ofAlphaBar(t, alphaBar(t));
    }

    /** μ_k = 1.5 E[k], component std 0.5. */
    static double mu(int k, int p) {
        return 1.5 * pattern(k, p);
    }

    static final double S = 0.5;

    /** Responsibilities p(k | x_t) of one sample (row-major, length D). */
    static double[] responsibilities(float[] x, int off, double alpha, double v) {
        double[] logp = new double[K];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < K; k++) {
            double d2 = 0;
            for (int p = 0; p < D; p++) {
                double d = x[off + p] - alpha * mu(k, p);
                d2 += d * d;
            }
            logp[k] = -d2 / (2 * v);
            max = Math.max(max, logp[k]);
        }
        double z = 0;
        for (int k = 0; k < K; k++) {
            logp[k] = Math.exp(logp[k] - max);
            z += logp[k];
        }
        for (int k = 0; k < K; k++) {
            logp[k] /= z;
        }
        return logp;
    }

    /** The exact ε of the Gaussian mixture, conditional on y or (y = K) marginal. */
    static Tensor gmmEps(Tensor x, int t, Conditions cs) {
        return gmm(x, t, cs, false);
    }

    /** ∇_x log p(y | x_t) = α (μ_y − μ̄)/v; zero for the null label. */
    static Tensor gmmGrad(Tensor x, int t, Conditions cs) {
        return gmm(x, t, cs, true);
    }

    private static Tensor gmm(Tensor x, int t, Conditions cs, boolean grad) {
        double ab = alphaBar(t);
        double alpha = Math.sqrt(ab);
        double sigma = Math.sqrt(1 - ab);
        double v = ab * S * S + (1 - ab);
        float[] xs = x.toFloatArray();
        float[] out = new float[xs.length];
        for (int b = 0; b < x.batchSize(); b++) {
            int off = b * D;
            double[] r = responsibilities(xs, off, alpha, v);
            int y = label(cs.get(b));
            for (int p = 0; p < D; p++) {
                double muBar = 0;
                for (int k = 0; k < K; k++) {
                    muBar += r[k] * mu(k, p);
                }
                double muY = y == K ? muBar : mu(y, p);
                out[off + p] = (float) (grad ? alpha * (muY - muBar) / v : sigma * (xs[off + p] - alpha * muY) / v);
            }
        }
        return ArrayTensor.of(out, x.shape());
    }

    /** x[b, 0, i, j] = 1.3 sin(0.37 (64 b + 8 i + j) + 0.5), the probe input of the expected files. */
    static Tensor probe(int batch) {
        float[] x = new float[batch * D];
        for (int n = 0; n < x.length; n++) {
            x[n] = (float) (1.3 * Math.sin(0.37 * n + 0.5));
        }
        return ArrayTensor.of(x, SAMPLE.withBatch(batch));
    }

    /** A seeded standard-normal batch. */
    static Tensor gaussian(int batch, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[batch * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return ArrayTensor.of(x, SAMPLE.withBatch(batch));
    }

    /** max |a − b| over all elements. */
    static double maxAbsDiff(Tensor a, Tensor b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        if (x.length != y.length) {
            throw new IllegalArgumentException("sizes differ: " + a.shape() + " vs " + b.shape());
        }
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs((double) x[i] - y[i]));
        }
        return m;
    }
}
