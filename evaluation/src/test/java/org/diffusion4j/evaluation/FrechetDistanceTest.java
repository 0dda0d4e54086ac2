package org.diffusion4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;

/** The Fréchet distance against closed forms, and sample estimates against the population value. */
class FrechetDistanceTest {

    /** A random symmetric positive definite matrix Q diag(λ) Qᵀ with eigenvalues in [lo, hi]. */
    static double[][] randomSpd(Random r, int d, double lo, double hi) {
        double[][] q = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                q[i][j] = r.nextGaussian();
            }
        }
        // Gram–Schmidt: an orthogonal Q
        for (int j = 0; j < d; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += q[i][j] * q[i][k];
                }
                for (int i = 0; i < d; i++) {
                    q[i][j] -= dot * q[i][k];
                }
            }
            double norm = 0;
            for (int i = 0; i < d; i++) {
                norm += q[i][j] * q[i][j];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < d; i++) {
                q[i][j] /= norm;
            }
        }
        double[] lambda = new double[d];
        for (int i = 0; i < d; i++) {
            lambda[i] = lo + (hi - lo) * r.nextDouble();
        }
        double[][] s = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double v = 0;
                for (int k = 0; k < d; k++) {
                    v += q[i][k] * lambda[k] * q[j][k];
                }
                s[i][j] = v;
                s[j][i] = v;
            }
        }
        return s;
    }

    static double[] randomVector(Random r, int d) {
        double[] m = new double[d];
        for (int i = 0; i < d; i++) {
            m[i] = r.nextGaussian();
        }
        return m;
    }

    static double trace(double[][] s) {
        double t = 0;
        for (int i = 0; i < s.length; i++) {
            t += s[i][i];
        }
        return t;
    }

    static double dist2(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return s;
    }

    /**
     * The error bound of the computed distance for d-dimensional covariances with eigenvalues in
     * [λmin, λmax]: each symmetric eigendecomposition is backward stable with error O(d u ‖A‖) (Golub &amp;
     * Van Loan, 4th ed., §8.3), so by Weyl's inequality every eigenvalue of Σ₁^½ Σ₂ Σ₁^½ moves by at most
     * c · d u λmax² (the square root's error, λmax/√λmin · d u, times ‖Σ₂‖, plus the two products' γ_d),
     * and its square root by that over 2√(λmin²); the trace sums d of them, and the traces and mean term
     * add γ_d of their magnitude. c = 8 covers the constants of the three decompositions and products.
     */
    static double bound(int d, double lambdaMin, double lambdaMax, double magnitude) {
        double perEigen = 8 * d * ErrorBound.U64 * lambdaMax * lambdaMax * (1 + Math.sqrt(lambdaMax / lambdaMin));
        return 2 * d * perEigen / (2 * lambdaMin) + ErrorBound.gamma64(4 * d) * magnitude;
    }

    @Test
    void oneDimensionIsTheDistanceOfMeansAndStandardDeviations() {
        // d² = (μ₁ − μ₂)² + (σ₁ − σ₂)² for d = 1
        GaussianStatistics a = GaussianStatistics.of(new double[] {1.5}, new double[][] {{4.0}}, 100);
        GaussianStatistics b = GaussianStatistics.of(new double[] {-0.5}, new double[][] {{0.25}}, 100);
        double expected = 2.0 * 2.0 + (2.0 - 0.5) * (2.0 - 0.5);
        assertThat(FrechetDistance.between(a, b)).isCloseTo(expected, within(bound(1, 0.25, 4, 10)));
        assertThat(FrechetDistance.between(b, a)).isCloseTo(expected, within(bound(1, 0.25, 4, 10)));
    }

    @Test
    void twoByTwoAgainstTheDeterminantFormula() {
        // for 2 × 2 matrices, √λ₁ + √λ₂ = √(λ₁ + λ₂ + 2√(λ₁λ₂)), so with λ the eigenvalues of Σ₁Σ₂:
        // tr (Σ₁Σ₂)^½ = √(tr(Σ₁Σ₂) + 2 √(det Σ₁ det Σ₂))
        Random r = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            double[][] s1 = randomSpd(r, 2, 0.2, 5);
            double[][] s2 = randomSpd(r, 2, 0.2, 5);
            double[] m1 = randomVector(r, 2);
            double[] m2 = randomVector(r, 2);
            double trProd = s1[0][0] * s2[0][0] + s1[0][1] * s2[1][0] + s1[1][0] * s2[0][1] + s1[1][1] * s2[1][1];
            double det1 = s1[0][0] * s1[1][1] - s1[0][1] * s1[1][0];
            double det2 = s2[0][0] * s2[1][1] - s2[0][1] * s2[1][0];
            double expected =
                    dist2(m1, m2) + trace(s1) + trace(s2) - 2 * Math.sqrt(trProd + 2 * Math.sqrt(det1 * det2));
            double got = FrechetDistance.between(GaussianStatistics.of(m1, s1, 10), GaussianStatistics.of(m2, s2, 10));
            // both sides' errors: bound() for the eigendecompositions, and the formula's own roundoff,
            // γ_8 of the magnitude of its terms (at most 2 · 5 · 2 for each trace, 25 for tr Σ₁Σ₂)
            double magnitude =
                    dist2(m1, m2) + trace(s1) + trace(s2) + 2 * Math.sqrt(trProd + 2 * Math.sqrt(det1 * det2));
            assertThat(got)
                    .as("trial %d", trial)
                    .isCloseTo(expected, within(bound(2, 0.2, 5, magnitude) + ErrorBound.gamma64(8) * magnitude * 25));
        }
    }

    @Test
    void aScaledCovarianceInSixteenDimensions() {
        // Σ₂ = c Σ₁: (Σ₁^½ c Σ₁ Σ₁^½)^½ = √c Σ₁, so d² = ‖μ₁ − μ₂‖² + (1 − √c)² tr Σ₁
        Random r = new Random(8);
        int d = 16;
        double[][] s1 = randomSpd(r, d, 0.5, 3);
        for (double c : new double[] {0.25, 1.0, 2.0, 9.0}) {
            double[][] s2 = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    s2[i][j] = c * s1[i][j];
                }
            }
            double[] m1 = randomVector(r, d);
            double[] m2 = randomVector(r, d);
            double expected = dist2(m1, m2) + (1 - Math.sqrt(c)) * (1 - Math.sqrt(c)) * trace(s1);
            double got = FrechetDistance.between(GaussianStatistics.of(m1, s1, 10), GaussianStatistics.of(m2, s2, 10));
            double lmin = Math.min(0.5, 0.5 * c);
            double lmax = Math.max(3, 3 * c);
            double magnitude = dist2(m1, m2) + (1 + c) * trace(s1) * 2;
            assertThat(got).as("c = %s", c).isCloseTo(expected, within(bound(d, lmin, lmax, magnitude)));
        }
    }

    @Test
    void sampleStatisticsAgainstThePopulationWithinACltBound() {
        // n draws of N(0, I_d): Σ̂ = I + E with n·‖E‖_F² ≈ 2 χ²_{d(d+1)/2} and n·‖μ̂‖² ~ χ²_d, and
        // d²(N(μ̂, Σ̂), N(0, I)) = ‖μ̂‖² + ‖Σ̂^½ − I‖_F² ≈ ‖μ̂‖² + ‖E‖_F²/4, so to first order
        // n · d² ≈ χ²_d + ½ χ²_{d(d+1)/2}: mean d + d(d+1)/4, variance 2d + d(d+1)/4.
        int d = 4;
        int n = 20_000;
        Random r = new Random(2026);
        float[][] x = new float[n][d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        double[][] identity = new double[d][d];
        for (int i = 0; i < d; i++) {
            identity[i][i] = 1;
        }
        GaussianStatistics population = GaussianStatistics.of(new double[d], identity, Integer.MAX_VALUE);
        double fd = FrechetDistance.between(GaussianStatistics.of(x), population);
        double mean = (d + d * (d + 1) / 4.0) / n;
        double sd = Math.sqrt(2 * d + d * (d + 1) / 4.0) / n;
        // 6 standard deviations: a chi-square tail beyond it has probability < 1e-4 for these degrees of freedom
        assertThat(fd).isBetween(0.0, mean + 6 * sd);

        // two populations N(0, I) and N(δ, I): the estimate's error is dominated by 2δ·(μ̂₁ − μ̂₂), normal with
        // variance 4‖δ‖² · 2/n, plus the two sets' bias terms above (each at most mean + 6 sd)
        double[] delta = {0.5, -0.25, 0, 1};
        float[][] y = new float[n][d];
        for (float[] row : y) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) (delta[j] + r.nextGaussian());
            }
        }
        double d2 = dist2(delta, new double[d]);
        double est = FrechetDistance.between(GaussianStatistics.of(x), GaussianStatistics.of(y));
        double tol = 6 * Math.sqrt(8 * d2 / n) + 2 * (mean + 6 * sd);
        assertThat(est).isCloseTo(d2, within(tol));
    }

    @Test
    void badInputs() {
        GaussianStatistics a = GaussianStatistics.of(new double[] {0, 0}, new double[][] {{1, 0}, {0, 1}}, 5);
        GaussianStatistics b = GaussianStatistics.of(new double[] {0}, new double[][] {{1}}, 5);
        assertThatThrownBy(() -> FrechetDistance.between(a, b))
                .hasMessageContaining("feature dimensions differ: 2 and 1");
        assertThatThrownBy(() -> GaussianStatistics.of(new double[] {0, 0}, new double[][] {{1, 0.5}, {0, 1}}, 5))
                .hasMessageContaining("not symmetric at (1, 0)");
        assertThatThrownBy(() -> GaussianStatistics.of(new float[][] {{1}})).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> GaussianStatistics.of(new float[][] {{1, 2}, {1}}))
                .hasMessageContaining("vector 1 has 1");
        assertThatThrownBy(() -> GaussianStatistics.of(new float[][] {{1, 2}, {1, Float.NaN}}))
                .hasMessageContaining("vector 1, component 1 is NaN");
    }

    @Test
    void meanAndUnbiasedCovarianceOfAKnownSet() {
        // rows (1, 2), (3, 6), (5, 4) shifted by 10⁶: mean (3, 4) + 10⁶, centred rows (−2, −2), (0, 2), (2, 0),
        // covariance Σ c cᵀ / (n − 1) = [[4, 2], [2, 4]]; every value and step is exact in double
        float s = 1e6f;
        GaussianStatistics g = GaussianStatistics.of(new float[][] {{1 + s, 2 + s}, {3 + s, 6 + s}, {5 + s, 4 + s}});
        assertThat(g.mean()).containsExactly(3 + 1e6, 4 + 1e6);
        assertThat(g.covariance()).isDeepEqualTo(new double[][] {{4, 2}, {2, 4}});
        assertThat(g.n()).isEqualTo(3);
    }
}
