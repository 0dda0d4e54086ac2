package org.diffusion4j.testkit;

import static org.diffusion4j.testkit.ErrorBound.U32;
import static org.diffusion4j.testkit.ErrorBound.gamma32;

import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Tensor;

/**
 * Float32 error bounds of the committed fixture networks of {@code tools/fixtures/make_fixtures.py}
 * (sample shape [1, 8, 8], K = 3 classes, label 3 = ∅, the linear β schedule baked in as a float32
 * ᾱ table), against their exact real-valued functions. Any implementation that evaluates the same
 * graph in float32, in any summation order and with or without FMA (PyTorch and ONNX Runtime with any
 * CPU kernel), is within the bound of the exact value, so two of them differ by at most twice the
 * bound. The derivations use {@link ErrorBound}'s model; each method says what it counts.
 */
public final class FixtureBounds {
    /** Components of the fixtures' mixture. */
    public static final int K = 3;
    /** Elements of one sample (1 × 8 × 8). */
    public static final int D = 64;
    /** Safety factor on every bound below: covers second-order terms and 1-ulp library functions. */
    public static final double SAFETY = 2;

    /**
     * Reduction lengths and elementwise operations along the tiny UNet's paths (make_fixtures.py,
     * {@code TinyUNet}: 8 channels, 16-dim embeddings, GroupNorm(4)). A convolution with c input channels
     * and a 3×3 kernel is a (9c + 1)-term dot product (with its bias); GroupNorm over m elements is a
     * mean (m terms), a variance (m terms) and five elementwise operations; SiLU three (exp, add,
     * divide); a residual add one. The rounding errors along the network add up (GroupNorm rescales
     * each block to unit size, so no block amplifies the relative error of the next), hence the
     * growth factor is the sum of these lengths.
     */
    public static final int TINY_UNET_OPERATIONS = tinyUnetOperations();

    private FixtureBounds() {}

    private static int tinyUnetOperations() {
        int gn128 = 128 + 128 + 5; // GroupNorm over 2 channels × 8 × 8
        int gn64 = 64 + 64 + 5; // GroupNorm over 4 channels × 4 × 4
        int silu = 3;
        int conv8 = 9 * 8 + 1;
        int conv16 = 9 * 16 + 1;
        int embedding =
                4 + 17 + silu + 33 + 1 + 17; // sinusoid, Linear(16,32), SiLU, Linear(32,16), + class, Linear(16,ch)
        int convIn = 9 + 1;
        int res1 = gn128 + silu + conv8 + 1 + gn128 + silu + conv8 + 1;
        int down = conv8;
        int res2 = gn64 + silu + conv16 + 1 + gn64 + silu + conv16 + 1;
        int up = conv16;
        int merge = conv16;
        int out = gn128 + silu + conv8;
        return embedding + convIn + res1 + down + res2 + up + merge + out;
    }

    /**
     * The tiny UNet's ε relative to max(1, |ε|): u · {@link #TINY_UNET_OPERATIONS} · {@link #SAFETY}
     * (about 2.4e-4: 2,025 operations). Two implementations differ by at most twice this.
     */
    public static double tinyUnet() {
        return ErrorBound.float32(1, TINY_UNET_OPERATIONS, SAFETY);
    }

    /**
     * The analytic model ε = (0.1 + 0.4 t/1000) x + 0.5 E[y], relative to max(1, |ε|), for inputs with
     * max |x| ≤ {@code maxAbsX}: c = a + b t/T takes five roundings (the constants a, b to float32, the
     * division, the product, the sum; t is exact), c·x one, E[y] = cos(…) one (float32 table), the sum
     * one: |error| ≤ γ_7 (|c x| + 0.5 |E|) ≤ γ_7 (0.5 max|x| + 0.5), and max(1, |ε|) ≥ 1.
     */
    public static double linear(double maxAbsX) {
        return gamma32(7) * (0.5 * maxAbsX + 0.5) * SAFETY;
    }

    /** What a mixture network returns. */
    public enum MixtureOutput {
        /** {@code gmm_eps}: ε = σ (x − α m)/v with m = μ_y, or μ̄ for ∅. */
        EPSILON,
        /** {@code gmm_grad}: ∇ log p(y | x_t) = α (μ_y − μ̄)/v, zero for ∅. */
        GRADIENT,
        /**
         * The same gradient by reverse-mode autograd through {@code gmm_logits}: the backward pass forms
         * ∂ℓ_k/∂x = −(x − α μ_k)/v for every k and sums them with weights (δ_ky − p_k), terms of size
         * (|x_i| + α |μ_ki|)/v that cancel down to g; on top of the softmax sensitivity both routes
         * share, that adds γ_{K+6} (|x_i| + α max_k |μ_ki|)/v.
         */
        GRADIENT_BY_AUTOGRAD
    }

    /** ᾱ_t of the fixtures' linear schedule, β = linspace(1e-4, 0.02, 1000), as a double product. */
    public static double alphaBar(int t) {
        double ab = 1;
        for (int s = 0; s <= t; s++) {
            ab *= 1 - (1e-4 + (0.02 - 1e-4) * s / 999);
        }
        return ab;
    }

    /** μ_k[n] = 1.5 cos(0.7 (k + 1) i + 0.3 j) for element n = 8 i + j (make_fixtures.py, GMM_SCALE). */
    public static double mean(int k, int n) {
        return 1.5 * Math.cos(0.7 * (k + 1) * (n / 8) + 0.3 * (n % 8));
    }

    /**
     * {@code b} images [b, 64] near the mixture's components: image i is μ_{i mod 3} plus Gaussian noise of
     * scale 0.7 drawn by {@code java.util.Random(seed)}, so rows have posteriors that are neither one-hot nor
     * flat.
     */
    public static float[] mixtureImages(int b, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[b * D];
        for (int i = 0; i < b; i++) {
            for (int n = 0; n < D; n++) {
                x[i * D + n] = (float) (mean(i % K, n) + 0.7 * r.nextGaussian());
            }
        }
        return x;
    }

    /**
     * The exact logits of {@code gmm_logits}, ℓ_k = −S_k/(2v) with S_k = Σ_i (x_i − α μ_ki)² and
     * v = ᾱ s² + 1 − ᾱ (s = 0.5), at {@code x} ([B, 64]) and the level whose exact ᾱ is {@code alphaBar};
     * row-major [B, K], in double.
     */
    public static double[] mixtureLogits(float[] x, double alphaBar) {
        return logitTerms(x, alphaBar, false);
    }

    /**
     * Per-logit absolute bounds on |float32 {@code gmm_logits} − {@link #mixtureLogits}|: the logit item of
     * {@link #mixture}'s derivation, (γ_71 S_k + 2 γ_4 Σ_i |d_i| |α μ_ki|)/(2v), times {@link #SAFETY};
     * row-major [B, K].
     */
    public static double[] mixtureLogitBounds(float[] x, double alphaBar) {
        return logitTerms(x, alphaBar, true);
    }

    private static double[] logitTerms(float[] x, double alphaBar, boolean bounds) {
        if (x.length % D != 0) {
            throw new IllegalArgumentException(x.length + " values are not rows of " + D);
        }
        int rows = x.length / D;
        double alpha = Math.sqrt(alphaBar);
        double v = alphaBar * 0.25 + 1 - alphaBar;
        double[] out = new double[rows * K];
        for (int b = 0; b < rows; b++) {
            for (int k = 0; k < K; k++) {
                double sum = 0;
                double cross = 0;
                for (int n = 0; n < D; n++) {
                    double am = alpha * mean(k, n);
                    double d = x[b * D + n] - am;
                    sum += d * d;
                    cross += Math.abs(d) * Math.abs(am);
                }
                out[b * K + k] =
                        bounds ? SAFETY * (gamma32(71) * sum + 2 * gamma32(4) * cross) / (2 * v) : -sum / (2 * v);
            }
        }
        return out;
    }

    /**
     * Per-element absolute bounds on |float32 network − exact| of {@code gmm_eps} / {@code gmm_grad}
     * at the inputs {@code x} ([B, 64] row-major) with {@code labels} (3 = ∅) and the level whose exact
     * ᾱ is {@code alphaBar}. Per row:
     * <ul>
     *   <li>logits ℓ_k = −S_k/(2v), S_k = Σ_i d_i², d_i = x_i − α μ_ki: α carries the rounding of ᾱ
     *       to the float32 table plus the square root (γ_2), α μ_ki one more product (γ_4 with μ's own
     *       rounding), so |δd_i| ≤ γ_4 |α μ_ki| + u |d_i|; squaring and the 64-term sum add γ_66 S_k;
     *       v's relative error is at most γ_5 (ᾱ's rounding enters v = ᾱ s² + 1 − ᾱ with weight
     *       ᾱ (1 − s²)/v ≤ 3). Together |δℓ_k| ≤ (γ_71 S_k + 2 γ_4 Σ_i |d_i| |α μ_ki|)/(2v);</li>
     *   <li>softmax: δp_k = p_k (δℓ_k − Σ_j p_j δℓ_j) to first order, and since Σ_k δp_k = 0,
     *       Σ_k |δp_k| ≤ 2 (1 − p_max) · 2 max_k |δℓ_k|, plus γ_6 for exp and the normalisation — so a
     *       row whose posterior is nearly one-hot is nearly exact, and the bound uses the exact
     *       posterior p of that row;</li>
     *   <li>μ̄_i = Σ_k p_k μ_ki: |δμ̄_i| ≤ max_k |μ_ki| Σ_k |δp_k| + γ_6 Σ_k p_k |μ_ki|;</li>
     *   <li>gradient α (μ_y − μ̄)/v: (α/v)(|δμ̄_i| + u |μ_yi|) + γ_8 |g_i|;</li>
     *   <li>ε = σ (x − α m)/v: σ = √(1 − ᾱ) from the float32 ᾱ has relative error u/(2σ²) + γ_2
     *       (the subtraction cancels when ᾱ → 1), so |δε_i| ≤ (σα/v)(|δm_i| + γ_4 |m_i|)
     *       + (σ/v)(|x_i| + α |m_i|)(γ_8 + u/(2σ²)).</li>
     * </ul>
     * Each bound is multiplied by {@link #SAFETY}. The null label's gradient is exactly zero on every
     * path (μ_y − μ̄ with μ_y := μ̄), so its bound is 0.
     */
    public static double[] mixture(MixtureOutput output, float[] x, int[] labels, double alphaBar) {
        if (x.length != labels.length * D) {
            throw new IllegalArgumentException(x.length + " values for " + labels.length + " samples of " + D);
        }
        double alpha = Math.sqrt(alphaBar);
        double sigma2 = 1 - alphaBar;
        double sigma = Math.sqrt(sigma2);
        double v = alphaBar * 0.25 + sigma2;
        double[] bound = new double[x.length];
        double[] logits = mixtureLogits(x, alphaBar);
        double[] logitBounds = mixtureLogitBounds(x, alphaBar);
        double[] logit = new double[K];
        double[] p = new double[K];
        for (int b = 0; b < labels.length; b++) {
            int off = b * D;
            System.arraycopy(logits, b * K, logit, 0, K);
            double maxLogit = Math.max(logit[0], Math.max(logit[1], logit[2]));
            double z = 0;
            double maxDeltaLogit = 0;
            for (int k = 0; k < K; k++) {
                p[k] = Math.exp(logit[k] - maxLogit);
                z += p[k];
                // the logit bound without the safety factor, which the final bound applies once
                maxDeltaLogit = Math.max(maxDeltaLogit, logitBounds[b * K + k] / SAFETY);
            }
            double pMax = 0;
            for (int k = 0; k < K; k++) {
                p[k] /= z;
                pMax = Math.max(pMax, p[k]);
            }
            double sumDeltaP = 4 * (1 - pMax) * maxDeltaLogit + gamma32(6);
            int y = labels[b];
            for (int n = 0; n < D; n++) {
                double maxMu = 0;
                double pMu = 0;
                double muBar = 0;
                for (int k = 0; k < K; k++) {
                    double mu = mean(k, n);
                    maxMu = Math.max(maxMu, Math.abs(mu));
                    pMu += p[k] * Math.abs(mu);
                    muBar += p[k] * mu;
                }
                double deltaMuBar = maxMu * sumDeltaP + gamma32(6) * pMu;
                double e;
                if (output != MixtureOutput.EPSILON) {
                    if (y >= K) {
                        e = 0;
                    } else {
                        double muY = mean(y, n);
                        e = alpha / v * (deltaMuBar + U32 * Math.abs(muY))
                                + gamma32(8) * alpha * Math.abs(muY - muBar) / v;
                        if (output == MixtureOutput.GRADIENT_BY_AUTOGRAD) {
                            e += gamma32(K + 6) * (Math.abs(x[off + n]) + alpha * maxMu) / v;
                        }
                    }
                } else {
                    double m = y >= K ? muBar : mean(y, n);
                    double deltaM = y >= K ? deltaMuBar : U32 * Math.abs(m);
                    e = sigma * alpha / v * (deltaM + gamma32(4) * Math.abs(m))
                            + sigma
                                    / v
                                    * (Math.abs(x[off + n]) + alpha * Math.abs(m))
                                    * (gamma32(8) + U32 / (2 * sigma2));
                }
                bound[off + n] = SAFETY * e;
            }
        }
        return bound;
    }

    /**
     * A sampler trajectory's bound relative to max(1, |x|), given a per-call relative model bound:
     * every one of {@code steps} updates x ← a x + b ε̂ adds the model's error amplified by the
     * guidance combination (|γ| + |1 − γ| for classifier-free guidance at scale γ; 1 without) and its
     * own three roundings, and the update carries earlier relative errors forward without growth
     * (a = √(ᾱ_prev/ᾱ) scales x and its error alike). Hence steps · (amplification · model + γ_3).
     * This assumes that the model does not amplify an error of its input beyond the error's relative
     * size: the mixture model's ε is (σ/v)-Lipschitz with σ/v ≤ 2; for the random-weight UNet it is
     * the stated assumption, which the safety factor of the model bound is there to cover.
     */
    public static double trajectory(double modelBound, int steps, double guidanceAmplification) {
        return steps * (guidanceAmplification * modelBound + gamma32(3));
    }

    /** |γ| + |1 − γ|: how classifier-free guidance at scale γ amplifies errors of ε_c and ε_u. */
    public static double cfgAmplification(double gamma) {
        return Math.abs(gamma) + Math.abs(1 - gamma);
    }

    /** The fixtures' labels of conditions: class k, or 3 (= K) for ∅. */
    public static int[] labels(Conditions c) {
        int[] y = new int[c.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = c.get(i) instanceof Condition.Label l ? l.value() : K;
        }
        return y;
    }

    /** {@link #mixture(MixtureOutput, float[], int[], double)} for a batch x of samples of 64 elements. */
    public static double[] mixture(MixtureOutput output, Tensor x, Conditions c, Timestep level) {
        return mixture(output, x.toFloatArray(), labels(c), level.alphaBar());
    }

    /** rel · max(1, |want_i|) per element: a bound relative to max(1, |value|) as absolute bounds. */
    public static double[] relative(double rel, Tensor want) {
        float[] w = want.toFloatArray();
        double[] out = new double[w.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = rel * Math.max(1, Math.abs(w[i]));
        }
        return out;
    }

    /** {@code bound} plus u·|want_i|: the rounding of a double-precision reference to float32. */
    public static double[] plusReferenceRounding(double[] bound, Tensor want) {
        float[] w = want.toFloatArray();
        double[] out = new double[bound.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = bound[i] + U32 * Math.abs(w[i]);
        }
        return out;
    }

    /** Element-wise a·bound (2 for two implementations that each satisfy the bound). */
    public static double[] times(double a, double[] bound) {
        double[] out = new double[bound.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = a * bound[i];
        }
        return out;
    }

    /**
     * The per-element bound between two float32 evaluations of fixture {@code name} at x (two
     * backends, or a backend and the recorded PyTorch output), {@code want} being one of them: twice
     * one evaluation's bound — relative to max(1, |ε|) for the UNet and the linear models, per element
     * for the mixture.
     */
    public static double[] twoEvaluations(String name, Tensor x, Timestep level, Conditions c, Tensor want) {
        if (name.equals("gmm_eps")) {
            return times(2, mixture(MixtureOutput.EPSILON, x, c, level));
        }
        if (name.equals("gmm_grad")) {
            return times(2, mixture(MixtureOutput.GRADIENT, x, c, level));
        }
        return relative(2 * oneEvaluation(name, x), want);
    }

    /** One float32 evaluation's bound relative to max(1, |ε|), for the UNet and the linear models. */
    public static double oneEvaluation(String name, Tensor x) {
        if (name.startsWith("tiny_unet")) {
            return tinyUnet();
        }
        if (name.startsWith("linear")) {
            return linear(x.abs().max());
        }
        throw new IllegalArgumentException("no relative error bound for fixture " + name);
    }
}
