package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The Beta CDF and quantile against closed forms: I_x(½, ½) = (2/π)·arcsin √x; I_x(1, b) = 1 − (1 − x)^b;
 * I_x(a, 1) = x^a; Γ(½) = √π, Γ(n) = (n − 1)!; symmetry of Beta(a, a); and, for diffusers' Beta(0.6, 0.6), the
 * CDF against a numerical integral of the density (substituting x = sin²θ, which removes the endpoint singularities:
 * the integrand 2·sin^{2a−1}θ·cos^{2b−1}θ/B(a, b) is smooth for a = b = 0.6, Simpson with 4000 panels has error
 * ≤ h⁴/180·max|f''''|·(π/2) ≈ 1e-13 at h = 4e-4).
 *
 * <p>Tolerances: the continued fraction stops at a relative step of 1e-16 and ln Γ has relative error ≤ 1e-15 (Lanczos
 * g = 7), so I_x is good to a few 1e-15 relative; asserted 1e-13 (×100 for the exp of sums of logs, |ln| ≤ 3).
 */
class BetaQuantileTest {
    static final double TOL = 1e-13;

    @Test
    void logGammaMatchesFactorialsAndSqrtPi() {
        assertThat(BetaQuantile.logGamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI), within(TOL));
        assertThat(BetaQuantile.logGamma(5)).isCloseTo(Math.log(24), within(TOL));
        assertThat(BetaQuantile.logGamma(1)).isCloseTo(0, within(TOL));
    }

    @Test
    void cdfMatchesClosedForms() {
        for (double x = 0.01; x < 1; x += 0.07) {
            assertThat(BetaQuantile.cdf(x, 0.5, 0.5))
                    .as("arcsine, x=%s", x)
                    .isCloseTo(2 / Math.PI * Math.asin(Math.sqrt(x)), within(TOL));
            assertThat(BetaQuantile.cdf(x, 1, 2.5)).isCloseTo(1 - Math.pow(1 - x, 2.5), within(TOL));
            assertThat(BetaQuantile.cdf(x, 0.6, 1)).isCloseTo(Math.pow(x, 0.6), within(TOL));
        }
    }

    @Test
    void cdfOfBetaPointSixAgreesWithTheIntegratedDensity() {
        double a = 0.6;
        double lnB = 2 * BetaQuantile.logGamma(a) - BetaQuantile.logGamma(2 * a);
        for (double x : new double[] {0.001, 0.1, 0.37, 0.5}) {
            // ∫_0^x t^{a−1}(1 − t)^{a−1} dt = (1/a)·∫_0^{x^a} (1 − u^{1/a})^{a−1} du  (t = u^{1/a}), a bounded
            // integrand
            double top = Math.pow(x, a);
            int panels = 4000;
            double h = top / panels;
            double sum = 0;
            for (int i = 0; i <= panels; i++) {
                double f = Math.pow(1 - Math.pow(i * h, 1 / a), a - 1);
                sum += f * (i == 0 || i == panels ? 1 : i % 2 == 1 ? 4 : 2);
            }
            double integral = sum * h / 3 / a / Math.exp(lnB);
            // Simpson's error: u^{1/a} = u^{5/3} has an unbounded second derivative at 0, which lowers the first
            // panels'
            // error to O(h^{8/3}) ≈ (1.7e-4)^{8/3} ≈ 1e-10; the rest is O(h⁴); asserted 1e-9
            assertThat(BetaQuantile.cdf(x, a, a)).as("x=%s", x).isCloseTo(integral, within(1e-9));
        }
    }

    @Test
    void quantileInvertsTheCdfAndIsSymmetric() {
        for (double p = 0; p <= 1.0001; p += 0.05) {
            double q = Math.min(p, 1);
            double x = BetaQuantile.ppf(q, 0.6, 0.6);
            assertThat(BetaQuantile.cdf(x, 0.6, 0.6)).isCloseTo(q, within(TOL));
            assertThat(BetaQuantile.ppf(1 - q, 0.6, 0.6)).isCloseTo(1 - x, within(TOL));
        }
        assertThat(BetaQuantile.ppf(0.5, 0.6, 0.6)).isCloseTo(0.5, within(TOL));
        assertThat(BetaQuantile.ppf(0.3, 0.5, 0.5)).isCloseTo(Math.pow(Math.sin(0.3 * Math.PI / 2), 2), within(TOL));
    }
}
