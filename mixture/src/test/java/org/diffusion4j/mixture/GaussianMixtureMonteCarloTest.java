package org.diffusion4j.mixture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The oracle's marginals against Monte Carlo with a fixed seed: its draws, their diffusion, and the
 * identities its exact ε* and x0* must satisfy in expectation under the diffused marginal.
 *
 * <p>Every check compares a sample mean of n i.i.d. terms with its expectation and allows Z standard
 * errors, the standard error being the terms' sample standard deviation over √n (CLT; n ≥ 20 000 and
 * the terms have all moments, so the normal approximation is accurate to O(n^{-1/2}) in the tail
 * probability). Z = 5: a wrong-free implementation fails a given check with probability ≈ 5.7e-7, and the
 * seed is fixed, so the outcome is deterministic. float32 storage of the draws adds ≤ 2⁻²⁴ · max|term| to
 * each mean, orders of magnitude below the standard errors here, and is added to the tolerance.
 */
class GaussianMixtureMonteCarloTest {
    private static final int N = 40_000;
    private static final double Z = 5;
    private static final GaussianMixture MIX = new GaussianMixture(
            new double[] {0.2, 0.5, 0.3},
            new double[][] {{1, 0, -1}, {1.5, 0.25, -0.5}, {-2, 2, 0}},
            new double[] {0.25, 0.8, 0.5});

    /** Sample mean of the terms and its tolerance: Z standard errors plus the float32 storage bound. */
    private static void assertMean(double[] terms, double expected, String what) {
        double mean = 0;
        double maxAbs = 0;
        for (double t : terms) {
            mean += t;
            maxAbs = Math.max(maxAbs, Math.abs(t));
        }
        mean /= terms.length;
        double ss = 0;
        for (double t : terms) {
            ss += (t - mean) * (t - mean);
        }
        double se = Math.sqrt(ss / (terms.length - 1) / terms.length);
        double tol = Z * se + 0x1p-24 * maxAbs * 4;
        assertThat(mean).as("%s (standard error %s)", what, se).isCloseTo(expected, offset(tol));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void drawsHaveTheMixturesWeightsMeanAndCovariance(long seed) {
        GaussianMixture.Draws draws = MIX.sample(N, seed);
        float[] x = draws.x().toFloatArray();
        int[] labels = draws.labels();
        int d = MIX.dim();
        for (int k = 0; k < MIX.components(); k++) {
            double[] indicator = new double[N];
            for (int i = 0; i < N; i++) {
                indicator[i] = labels[i] == k ? 1 : 0;
            }
            assertMean(indicator, MIX.weight(k), "frequency of component " + k);
        }
        double[] m = MIX.dataMean();
        double[][] c = MIX.dataCovariance();
        for (int p = 0; p < d; p++) {
            double[] coordinate = new double[N];
            for (int i = 0; i < N; i++) {
                coordinate[i] = x[i * d + p];
            }
            assertMean(coordinate, m[p], "mean[" + p + "]");
            for (int q = 0; q < d; q++) {
                double[] product = new double[N];
                for (int i = 0; i < N; i++) {
                    product[i] = (x[i * d + p] - m[p]) * (x[i * d + q] - m[q]); // centred at the true mean
                }
                assertMean(product, c[p][q], "covariance[" + p + "][" + q + "]");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.98, 0.5, 0.05})
    void theExactPredictionsSatisfyTheirIdentitiesUnderTheDiffusedMarginal(double alphaBar) {
        Timestep t = Timestep.ofAlphaBar(0, alphaBar);
        int d = MIX.dim();
        float[] x0 = MIX.sample(N, 3).x().toFloatArray();
        SdkNoise.Normal noise = SdkNoise.normal(4);
        float[] xt = new float[N * d];
        for (int i = 0; i < N * d; i++) {
            xt[i] = (float) (t.alpha() * x0[i] + t.sigma() * noise.nextGaussian());
        }
        Tensor x = ArrayTensor.wrap(xt, Shape.of(N, d));
        Conditions none = Conditions.unconditional(N);
        float[] eps = MIX.epsilonPredictor().predict(x, t, none).toFloatArray();
        float[] x0Hat = MIX.predictor(PredictionType.SAMPLE).predict(x, t, none).toFloatArray();
        double[] m = MIX.dataMean();
        double[][] c = MIX.dataCovariance();
        for (int p = 0; p < d; p++) {
            double[] a = new double[N];
            double[] b = new double[N];
            double[] e = new double[N];
            for (int i = 0; i < N; i++) {
                a[i] = xt[i * d + p];
                b[i] = eps[i * d + p];
                e[i] = x0Hat[i * d + p];
            }
            // the diffused marginal: E[x_t] = α m
            assertMean(a, t.alpha() * m[p], "E[x_t][" + p + "]");
            // the score integrates to zero: E[∇ log p_t] = 0, so E[ε*] = 0
            assertMean(b, 0, "E[ε*][" + p + "]");
            // Tweedie's x0* is E[x0 | x_t], so its mean is E[x0] = m
            assertMean(e, m[p], "E[x0*][" + p + "]");
            for (int q = 0; q < d; q++) {
                double[] cov = new double[N];
                double[] stein = new double[N];
                for (int i = 0; i < N; i++) {
                    double cp = xt[i * d + p] - t.alpha() * m[p];
                    cov[i] = cp * (xt[i * d + q] - t.alpha() * m[q]);
                    // Stein's identity (integration by parts): E[(x_t − E x_t) ∇ log p_tᵀ] = −I, so with
                    // ε* = −σ ∇ log p_t: E[(x_t − α m)_p ε*_q] = σ δ_pq
                    stein[i] = cp * eps[i * d + q];
                }
                // Cov[x_t] = α² Cov[x0] + σ² I
                assertMean(
                        cov,
                        t.alphaBar() * c[p][q] + (p == q ? t.sigmaSquared() : 0),
                        "Cov[x_t][" + p + "][" + q + "]");
                assertMean(stein, p == q ? t.sigma() : 0, "E[(x_t − αm) ε*ᵀ][" + p + "][" + q + "]");
            }
        }
        // responsibilities average to the weights: E[p(k | x_t)] = π_k
        for (int k = 0; k < MIX.components(); k++) {
            double[] r = new double[N];
            double[] point = new double[d];
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < d; j++) {
                    point[j] = xt[i * d + j];
                }
                r[i] = MIX.posterior(point, t)[k];
            }
            assertMean(r, MIX.weight(k), "E[p(" + k + " | x_t)]");
        }
    }
}
