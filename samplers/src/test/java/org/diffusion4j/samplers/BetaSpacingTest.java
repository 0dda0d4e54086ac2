package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.diffusion4j.api.Schedule;
import org.diffusion4j.schedules.Schedules;
import org.junit.jupiter.api.Test;

/**
 * The beta σ spacing (diffusers' {@code use_beta_sigmas}: σ_i = σ_min + F⁻¹(1 − i/(n−1))·(σ_max − σ_min), F the
 * Beta(0.6, 0.6) CDF) and model-time truncation. Closed forms: the ends are the table's; Beta(a, a) is symmetric, so
 * σ_i + σ_{n−1−i} = σ_min + σ_max and the middle level of an odd n is their mean; F(x) for the level's fraction
 * (σ_i − σ_min)/(σ_max − σ_min) is 1 − i/(n−1). Tolerance: the quantile is exact to ~1e-15 (BetaQuantileTest), times
 * σ_max ≈ 157 (the linear table), ×4: 1e-12.
 */
class BetaSpacingTest {
    static final Schedule LINEAR = Schedules.linear(1000);

    @Test
    void betaLevelsAreTheQuantilesBetweenTheTablesEnds() {
        int n = 7;
        SigmaTrajectory tr = SigmaTrajectory.of(LINEAR, n, SigmaSpacing.beta());
        double max = SigmaTrajectory.sigmaOf(LINEAR.at(999));
        double min = SigmaTrajectory.sigmaOf(LINEAR.at(0));
        double tol = 1e-12;
        assertThat(tr.sigma(0)).isCloseTo(max, within(tol));
        assertThat(tr.sigma(n - 1)).isCloseTo(min, within(tol));
        assertThat(tr.sigma(n)).isZero();
        assertThat(tr.sigma(3)).isCloseTo((min + max) / 2, within(tol));
        for (int i = 0; i < n; i++) {
            assertThat(tr.sigma(i) + tr.sigma(n - 1 - i)).isCloseTo(min + max, within(tol));
            double frac = (tr.sigma(i) - min) / (max - min);
            assertThat(BetaQuantile.cdf(frac, 0.6, 0.6)).isCloseTo(1 - i / (double) (n - 1), within(1e-12));
        }
        assertThat(tr.modelTimes()[0]).isEqualTo(999);
        assertThat(SigmaSpacing.parse("beta")).isEqualTo(SigmaSpacing.beta());
    }

    @Test
    void truncationCastsTheFractionalModelTimesTowardZero() {
        SigmaTrajectory frac = SigmaTrajectory.of(LINEAR, 6, SigmaSpacing.beta());
        SigmaTrajectory cut = SigmaTrajectory.of(LINEAR, 6, SigmaSpacing.beta().truncated());
        double[] f = frac.modelTimes();
        double[] c = cut.modelTimes();
        boolean anyFractional = false;
        for (int i = 0; i < f.length; i++) {
            assertThat(c[i]).isEqualTo(Math.floor(f[i]));
            assertThat(cut.sigma(i)).isEqualTo(frac.sigma(i)); // σ is kept; only the model's timestep is cast
            anyFractional |= f[i] != Math.floor(f[i]);
        }
        assertThat(anyFractional).isTrue();
        SigmaTrajectory both =
                SigmaTrajectory.of(LINEAR, 6, SigmaSpacing.karras().rounded().truncated());
        SigmaTrajectory rounded =
                SigmaTrajectory.of(LINEAR, 6, SigmaSpacing.karras().rounded());
        assertThat(both.modelTimes()).containsExactly(rounded.modelTimes());
        assertThatThrownBy(() -> SigmaSpacing.parse("betas")).hasMessageContaining("beta");
    }
}
