package org.diffusion4j.mixture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The oracle's closed forms against numerical differentiation of its own log-densities: ε* = −σ ∇ log p_t
 * (unconditional and per component) and the classifier gradient ∇ log p(k | x_t), by central differences.
 *
 * <p>Error bound of a central difference D_h = (f(x + h e_j) − f(x − h e_j)) / 2h of f = log-sum-exp of
 * quadratics a_k(s) = log π_k + log N(x + s e_j; α μ_k, v_k I) along coordinate j:
 * <ul>
 *   <li>truncation: |D_h − f'| ≤ h²/6 · max|f'''| on [x − h, x + h]. With a_k''' = 0 and r_k the softmax
 *       weights, f''' = 3 Cov_r(a', a'') + κ₃,r(a') (the cumulant expansion of log-sum-exp). With
 *       A = max_k max_s |a_k'(s)| = max_k (|x_j − α μ_kj| + h)/v_k and B = max_k 1/v_k:
 *       |Cov| ≤ A·B and |κ₃| ≤ (2A)³, so |f'''| ≤ 3AB + 8A³. log p(k | x) = a_k − f has the same f''';</li>
 *   <li>roundoff: f is computed in double with absolute error ε_f ≤ (d + K + 8) u M, u = 2⁻⁵³, M = 1 +
 *       max_k (|log π_k| + q_k/2v_k + (d/2)|log 2π v_k|): γ_{d+2} for the sum of squares q_k, one
 *       rounding for each log/exp/division, γ_K for the sum of K exponentials. The two evaluations'
 *       errors reach D_h as ≤ 2 ε_f / 2h = ε_f / h. The points are dyadic with ≤ 12 fractional bits and
 *       h = 2⁻¹⁶, so x ± h and the difference 2h are exact;</li>
 *   <li>the oracle's output is float32: rounding adds 2⁻²⁴ |value|, and its double computation
 *       ≤ (d + K + 8) u per unit of magnitude, below the float rounding by far and bounded with it.</li>
 * </ul>
 */
class GaussianMixtureDerivativesTest {
    private static final double U = 0x1p-53;
    private static final double H = 0x1p-16;

    /** Mixtures: the stock 2-D one and a 3-D one with unequal widths and an overlapping pair. */
    static List<GaussianMixture> mixtures() {
        return List.of(
                GaussianMixture.threeBlobs2d(),
                new GaussianMixture(
                        new double[] {0.2, 0.5, 0.3},
                        new double[][] {{1, 0, -1}, {1.5, 0.25, -0.5}, {-2, 2, 0}},
                        new double[] {0.25, 0.8, 0.5}));
    }

    private static final double[] ALPHA_BARS = {0.9999, 0.9, 0.5, 0.05};

    /** Points near the data at each level: exact draws, diffused, rounded to 12 fractional bits. */
    private static double[][] points(GaussianMixture m, Timestep t, int n, long seed) {
        float[] x0 = m.sample(n, seed).x().toFloatArray();
        SdkNoise.Normal eps = SdkNoise.normal(seed + 1);
        double[][] out = new double[n][m.dim()];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m.dim(); j++) {
                double x = t.alpha() * x0[i * m.dim() + j] + t.sigma() * eps.nextGaussian();
                out[i][j] = Math.scalb((double) Math.round(Math.scalb(x, 12)), -12);
            }
        }
        return out;
    }

    private static double v(GaussianMixture m, int k, Timestep t) {
        return t.alphaBar() * m.std(k) * m.std(k) + t.sigmaSquared();
    }

    /** Bound on |D_h − f'| along coordinate j at x, both terms above. */
    private static double centralDifferenceBound(GaussianMixture m, double[] x, int j, Timestep t) {
        double a = 0;
        double b = 0;
        double bigM = 0;
        for (int k = 0; k < m.components(); k++) {
            double vk = v(m, k, t);
            double mu = t.alpha() * m.mean(k)[j];
            a = Math.max(a, (Math.abs(x[j] - mu) + H) / vk);
            b = Math.max(b, 1 / vk);
            double q = 0;
            for (int i = 0; i < m.dim(); i++) {
                double d = Math.abs(x[i] - t.alpha() * m.mean(k)[i]) + (i == j ? H : 0);
                q += d * d;
            }
            bigM = Math.max(
                    bigM,
                    Math.abs(Math.log(m.weight(k)))
                            + q / (2 * vk)
                            + m.dim() / 2.0 * Math.abs(Math.log(2 * Math.PI * vk)));
        }
        double truncation = H * H / 6 * (3 * a * b + 8 * a * a * a);
        double epsF = (m.dim() + m.components() + 8) * U * (1 + bigM);
        return truncation + epsF / H;
    }

    private interface Scalar {
        double at(double[] x);
    }

    private static double centralDifference(Scalar f, double[] x, int j) {
        double[] p = x.clone();
        double[] q = x.clone();
        p[j] += H;
        q[j] -= H;
        return (f.at(p) - f.at(q)) / (2 * H);
    }

    private static float[] evaluate(Tensor out) {
        return out.toFloatArray();
    }

    /** The oracle's float32 output against −σ D_h (or D_h), within the bound, and the bound kept meaningful. */
    private static void check(float got, double numeric, double numericBound, double scale, String what) {
        double tol = numericBound * scale + 0x1p-24 * Math.abs(got) + 16 * U * Math.abs(numeric);
        assertThat((double) got).as(what + " (tolerance %s)", tol).isCloseTo(numeric, offset(tol));
    }

    @ParameterizedTest
    @MethodSource("mixtures")
    void epsilonStarIsMinusSigmaTimesTheNumericalScore(GaussianMixture m) {
        int n = 24;
        int d = m.dim();
        double worstRelativeTolerance = 0;
        for (double alphaBar : ALPHA_BARS) {
            Timestep t = Timestep.ofAlphaBar(0, alphaBar);
            double[][] xs = points(m, t, n, 7);
            float[] flat = new float[n * d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    flat[i * d + j] = (float) xs[i][j]; // exact: 12 fractional bits, |x| < 2^10
                }
            }
            Tensor x = ArrayTensor.wrap(flat, Shape.of(n, d));
            for (int label = -1; label < m.components(); label++) {
                int k = label;
                Condition c = k < 0 ? Condition.none() : Condition.label(k);
                float[] eps = evaluate(m.epsilonPredictor().predict(x, t, Conditions.repeat(c, n)));
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < d; j++) {
                        Scalar logP = k < 0 ? p -> m.logDensity(p, t) : p -> m.logDensity(p, t, k);
                        double numeric = -t.sigma() * centralDifference(logP, xs[i], j);
                        double bound = centralDifferenceBound(m, xs[i], j, t);
                        check(
                                eps[i * d + j],
                                numeric,
                                bound,
                                t.sigma(),
                                "ε*(x_" + i + ", ᾱ=" + alphaBar + ", k=" + k + ")[" + j + "]");
                        worstRelativeTolerance = Math.max(worstRelativeTolerance, bound * t.sigma());
                    }
                }
            }
        }
        // the comparison has teeth: the numerical part of the tolerance stays far below ε*'s O(1) size
        assertThat(worstRelativeTolerance).isLessThan(1e-4);
    }

    @ParameterizedTest
    @MethodSource("mixtures")
    void classifierGradientIsTheNumericalGradientOfLogPosterior(GaussianMixture m) {
        int n = 24;
        int d = m.dim();
        for (double alphaBar : ALPHA_BARS) {
            Timestep t = Timestep.ofAlphaBar(0, alphaBar);
            double[][] xs = points(m, t, n, 11);
            float[] flat = new float[n * d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    flat[i * d + j] = (float) xs[i][j];
                }
            }
            Tensor x = ArrayTensor.wrap(flat, Shape.of(n, d));
            for (int k = 0; k < m.components(); k++) {
                int label = k;
                float[] g =
                        evaluate(m.classifierGradient().gradLogProb(x, t, Conditions.repeat(Condition.label(k), n)));
                for (int i = 0; i < n; i++) {
                    // log r_k: its error adds the normalisation's γ_{K+4} to ε_f, relative to |log r_k| ≥ 0
                    double logR = Math.log(m.posterior(xs[i], t)[label]);
                    assertThat(logR)
                            .as("the point keeps a representable posterior")
                            .isGreaterThan(-600);
                    for (int j = 0; j < d; j++) {
                        double numeric = centralDifference(p -> Math.log(m.posterior(p, t)[label]), xs[i], j);
                        double bound = centralDifferenceBound(m, xs[i], j, t)
                                + (m.components() + 4) * U * (1 + Math.abs(logR)) / H;
                        check(
                                g[i * d + j],
                                numeric,
                                bound,
                                1,
                                "∇log p(" + k + "|x_" + i + ", ᾱ=" + alphaBar + ")[" + j + "]");
                    }
                }
            }
            // the null condition has no class: its gradient is zero
            float[] none = evaluate(m.classifierGradient().gradLogProb(x, t, Conditions.repeat(Condition.none(), n)));
            for (float z : none) {
                assertThat(z).isZero();
            }
        }
    }

    @Test
    void theDensityIntegratesToOneAndMatchesTheComponentsBayesRule() {
        // 1-D mixture: trapezoid rule on [−L, L] with step δ. Truncation of the composite rule ≤ (2L) δ²/12 ·
        // max|p''| ≤ 2L δ²/12 · max_k 1/(√(2π) v_k^{3/2}) (a Gaussian's |p''| ≤ p(μ)/v); the tails beyond
        // L = 12 (≥ 8 standard deviations of every component here) weigh < 1e-14; summation ≤ n u.
        GaussianMixture m = new GaussianMixture(
                new double[] {1, 2, 1}, new double[][] {{-1}, {0.5}, {2}}, new double[] {0.3, 0.6, 0.4});
        for (double alphaBar : ALPHA_BARS) {
            Timestep t = Timestep.ofAlphaBar(0, alphaBar);
            double l = 12;
            int steps = 48_000;
            double delta = 2 * l / steps;
            double sum = 0;
            double minV = Double.POSITIVE_INFINITY;
            for (int k = 0; k < 3; k++) {
                minV = Math.min(minV, v(m, k, t));
            }
            for (int i = 0; i <= steps; i++) {
                double w = i == 0 || i == steps ? 0.5 : 1;
                sum += w * Math.exp(m.logDensity(new double[] {-l + i * delta}, t));
            }
            double integral = sum * delta;
            double tol = 2 * l * delta * delta / 12 / (Math.sqrt(2 * Math.PI) * Math.pow(minV, 1.5))
                    + 1e-14
                    + (steps + 16) * U * integral;
            assertThat(integral).as("ᾱ=%s", alphaBar).isCloseTo(1, offset(tol));
            // Bayes: p(k | x) = π_k p(x | k) / p(x), each side from a different method
            for (double x = -3; x <= 3; x += 0.75) {
                double[] p = {x};
                double[] r = m.posterior(p, t);
                for (int k = 0; k < 3; k++) {
                    double bayes = Math.exp(Math.log(m.weight(k)) + m.logDensity(p, t, k) - m.logDensity(p, t));
                    // both sides: ≤ 16 roundings of magnitude-1 log-domain terms each, relative
                    assertThat(r[k]).isCloseTo(bayes, offset(64 * U * (1 + 20 * Math.abs(Math.log(r[k])))));
                }
            }
        }
    }

    @Test
    void aPointOfTheWrongDimensionOrAMissingComponentIsRejected() {
        GaussianMixture m = GaussianMixture.threeBlobs2d();
        Timestep t = Timestep.ofAlphaBar(0, 0.5);
        assertThatThrownBy(() -> m.logDensity(new double[3], t))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2-dimensional")
                .hasMessageContaining("3");
        assertThatThrownBy(() -> m.logDensity(new double[2], t, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("component 3 of a mixture of 3");
    }
}
