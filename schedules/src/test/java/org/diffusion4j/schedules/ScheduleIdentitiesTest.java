package org.diffusion4j.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.diffusion4j.testkit.ErrorBound.U64;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.stream.Stream;
import org.diffusion4j.api.Posterior;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.spi.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScheduleIdentitiesTest {

    /*
     * Error model (Higham §2.2, u = U64 = 2^-53): each +, −, ×, / and sqrt rounds to relative u; Math.exp, log,
     * log1p, expm1, tan, atan, cos and pow are within 1 ulp (≤ 2u relative) and may differ by that between JIT
     * tiers and CPUs. Every tolerance below is (the bound) × 2 safety, for the second-order terms dropped.
     */

    /**
     * |ᾱ_t − Π(1 − β_i)| for a DiscreteSchedule (ᾱ_t = exp(L_t), L_t = Σ_{i≤t} log1p(−β_i)) against the
     * cumulative product the tests compute: the sum of t+1 terms of one sign is off by γ_t |L| (Higham 3.1)
     * plus 1 ulp of each term (2u |L|); exp adds 2u. The product is t+1 roundings of 1 − β_i and t+1
     * multiplications: γ_{2t+2}. Relative: u ((t + 2)|L| + 2t + 4).
     */
    static double alphaBarBound(int t, double prod) {
        return U64 * prod * ((t + 2) * Math.abs(Math.log(prod)) + 2 * t + 4);
    }

    /**
     * |Δλ| for λ(u) = −2 log tan θ, θ = a u + b of a cosine LogSnrSchedule. θ is off by
     * Δθ ≤ u (u_param (4a + 1) + 5b + θ) (two atan at 1 ulp, exp's error through atan ≤ u, the −, ×, +);
     * d log tan θ/dθ = 1/(sin θ cos θ) = 2 cosh(λ/2); tan adds 2u, log 1 ulp of |λ|/2:
     * |Δλ| ≤ 2 (Δθ · 2 cosh(λ/2) + 2u + u |λ|/2).
     */
    static double lambdaBound(LogSnrSchedule s, double uParam) {
        double b = Math.atan(Math.exp(-s.lambdaMax() / 2));
        double a = Math.atan(Math.exp(-s.lambdaMin() / 2)) - b;
        double theta = a * uParam + b;
        double l = s.lambda(uParam);
        double dTheta = U64 * (uParam * (4 * a + 1) + 5 * b + theta);
        return 2 * (dTheta * 2 * Math.cosh(l / 2) + 2 * U64 + U64 * Math.abs(l) / 2);
    }

    /** |Δ| of Timestep.lambda() = log σ(λ) − log σ(−λ) for a Timestep built from λ: ≤ (10 + 3|λ|) u. */
    static double timestepLambdaBound(double l) {
        // σ(±λ) to 3u and 4u (exp 2u, +, /); logs add 1 ulp of |log σ(λ)| + |log σ(−λ)| ≤ |λ| + 1.4; − adds u|λ|
        return (10 + 3 * Math.abs(l)) * U64;
    }

    static Stream<DiscreteSchedule> discrete() {
        return Stream.of(
                Schedules.linear(1000),
                Schedules.scaledLinear(1000),
                Schedules.cosine(1000),
                Schedules.sigmoid(1000),
                Schedules.linear(50, 0.001, 0.2));
    }

    @ParameterizedTest
    @MethodSource("discrete")
    void alphaBarIsTheProductOfAlphasAndVariancesSumToOne(DiscreteSchedule s) {
        double prod = 1;
        for (int t = 0; t < s.length(); t++) {
            prod *= 1 - s.beta(t);
            assertThat(s.alpha(t)).isEqualTo(1 - s.beta(t));
            assertThat(s.alphaBar(t)).as("alphaBar[%d]", t).isCloseTo(prod, offset(2 * alphaBarBound(t, prod)));
            Timestep lvl = s.level(t);
            // exp(L) and −expm1(L) of the same L are each within 1 ulp (2u), the sum adds u: 3u
            assertThat(lvl.alphaBar() + lvl.sigmaSquared()).isCloseTo(1, offset(2 * 3 * U64));
            // σ² = −expm1(L) vs 1 − prod: ᾱ's error (alphaBarBound, absolute) plus 2u σ² (expm1) and u (the −);
            // sqrt halves the relative error (÷ 2σ) and rounds (u σ) on each side
            double sigmaSq = 1 - prod;
            double dSigmaSq = alphaBarBound(t, prod) + 3 * U64 * sigmaSq + U64;
            assertThat(s.sigma(t))
                    .isCloseTo(
                            Math.sqrt(sigmaSq),
                            offset(2 * (dSigmaSq / (2 * Math.sqrt(sigmaSq)) + 2 * U64 * Math.sqrt(sigmaSq))));
            // λ = log ᾱ − log σ² against log(prod/(1 − prod)): with L = log ᾱ and n = t + 1 terms, the sum of every
            // term above (L's error (t+2)u|L| seen through 1/σ², 1 − prod's error (2t+3)u/σ², 1 ulp of each log,
            // the ÷ and −) is ≤ (2t + 6) u (1 + |L| + |λ|)(1 + 1/σ²)
            double lam = Math.log(prod / sigmaSq);
            double dLambda = (2 * t + 6) * U64 * (1 + Math.abs(Math.log(prod)) + Math.abs(lam)) * (1 + 1 / sigmaSq);
            assertThat(s.lambda(t)).isCloseTo(lam, offset(2 * dLambda));
            if (t > 0) {
                assertThat(s.alphaBar(t)).isLessThan(s.alphaBar(t - 1));
            }
        }
    }

    @Test
    void betaTablesMatchTheirDefinitions() {
        double[] lin = BetaSchedules.linear(1000, 1e-4, 0.02);
        assertThat(lin[0]).isEqualTo(1e-4);
        // β_i = β_0 + (β_1 − β_0)·i/999: four roundings, each ≤ u of a quantity ≤ 0.02
        assertThat(lin[999]).isCloseTo(0.02, offset(2 * 4 * U64 * 0.02));
        // two such values ≈ 0.01 (the difference of neighbours is then exact, Sterbenz); the reference has 2 roundings
        assertThat(lin[500] - lin[499])
                .isCloseTo((0.02 - 1e-4) / 999, offset(2 * (2 * 4 * U64 * 0.0101 + 2 * U64 * 2e-5)));
        double[] sl = BetaSchedules.scaledLinear(1000, 0.00085, 0.012);
        // √β_i: s_i = √β_0 + (√β_1 − √β_0)·i/999 to 4u (+ sqrt's u), squared (2× + u), sqrt (½× + u): ≤ 6u relative;
        // the reference sqrt adds u
        assertThat(Math.sqrt(sl[999])).isCloseTo(Math.sqrt(0.012), offset(2 * 7 * U64 * Math.sqrt(0.012)));
        // two such values ≈ 0.029, 6u each; the reference: two sqrt (u of 0.11 and 0.029), −, ÷ 999
        assertThat(Math.sqrt(sl[1]) - Math.sqrt(sl[0]))
                .isCloseTo(
                        (Math.sqrt(0.012) - Math.sqrt(0.00085)) / 999,
                        offset(2 * (2 * 6 * U64 * 0.0292 + 3 * U64 * 0.14 / 999)));
        // cosine: ᾱ_t = f(t+1)/f(0) with f(τ) = cos²((τ/T + s)/(1 + s)·π/2), until the 0.999 cap bites
        DiscreteSchedule cos = Schedules.cosine(1000);
        double f0 = Math.pow(Math.cos(0.008 / 1.008 * Math.PI / 2), 2);
        for (int t : new int[] {0, 10, 500, 900}) {
            double theta = ((t + 1) / 1000.0 + 0.008) / 1.008 * Math.PI / 2;
            double f = Math.pow(Math.cos(theta), 2);
            // Bound: β_i = 1 − f_{i+1}/f_i with the same f_i in neighbouring terms, so in L = Σ log1p(−β_i) the cosine
            // errors telescope to those of f_{t+1} and f_0; per term remain ÷, −, log1p (≤ 1.01u of 1 − β ≥ 0.99) and
            // the sum (alphaBarBound's (t+2)|L|). f's error: argument 4u relative, seen by cos² through 2θ tan θ,
            // cos and the square 5u: ≤ u (8θ tan θ + 5) for each of f_{t+1} (twice: schedule and reference) and
            // f_0 (θ_0 tan θ_0 ≈ 1.6e-4), plus exp, ÷, pow: 6u. Relative total ≤ u ((t+2)(1.01 + |L|) + 32(1 + θ tan
            // θ)).
            double ab = f / f0;
            double rel = U64 * ((t + 2) * (1.01 + Math.abs(Math.log(ab))) + 32 * (1 + theta * Math.tan(theta)));
            assertThat(cos.alphaBar(t)).isCloseTo(ab, offset(2 * rel * ab));
        }
        assertThat(cos.beta(999)).isEqualTo(0.999);
        double[] sg = BetaSchedules.sigmoid(1000, 1e-4, 0.02);
        // the same expression, evaluated the same way; only exp(6) may differ by 2 ulp (4u) between two calls,
        // seen through 1/(1 + e) (factor ≤ 1) on the term 0.0199/(1 + e^6) ≈ 4.9e-5
        assertThat(sg[0])
                .isCloseTo(
                        1 / (1 + Math.exp(6)) * (0.02 - 1e-4) + 1e-4, offset(2 * 4 * U64 * 0.0199 / (1 + Math.exp(6))));
        // symmetric about the midpoint: z_499 = −z_500 up to 2u·6 each, seen through σ' ≤ 1/4 (3u), σ's exp, +, ÷
        // (≤ 2u of 0.5), scaled by 0.0199, + β_0 (2u of 0.01): each ≤ 0.02 u (5 + 1); the sum adds u·0.02: ≤ 13 u·0.02
        assertThat(sg[499] + sg[500]).isCloseTo(0.02 + 1e-4, offset(2 * 13 * U64 * 0.02));
    }

    @Test
    void zeroTerminalSnrRescalingGivesAlphaBarTZeroAndKeepsTheFirstStep() {
        DiscreteSchedule base = Schedules.scaledLinear(1000);
        DiscreteSchedule z = base.toBuilder().rescaleZeroTerminalSnr().build();
        assertThat(z.alphaBar(999)).isEqualTo(0.0);
        assertThat(z.level(999).lambda()).isEqualTo(Double.NEGATIVE_INFINITY);
        // rescaled: s_0 = (a_0 − a_T)·a_0/(a_0 − a_T) = a_0 to 2u, squared 5u, β' = 1 − s_0² (+u), then exp(log1p(−β'))
        // (1/(1 − β') ≈ 1, 1 ulp each): ≤ 10u; base: exp(log1p(−β_0)) and a_0 = √Π(1 − β) to 4u; ≤ 16u in all
        assertThat(z.alphaBar(0)).isCloseTo(base.alphaBar(0), offset(2 * 16 * U64));
        // √ᾱ is an affine function of the original √ᾱ (Lin et al. Algorithm 1)
        double a0 = Math.sqrt(base.alphaBar(0));
        double aT = Math.sqrt(base.alphaBar(999));
        for (int t : new int[] {1, 100, 600, 998}) {
            double expected = (Math.sqrt(base.alphaBar(t)) - aT) * a0 / (a0 - aT);
            // the rescaling works on √Π(1 − β) (relative (t+1)u), the reference on √exp(L) (alphaBarBound / 2); errors
            // common to t and T (the shared first t factors) scale √ᾱ_t − a_T and do not see its cancellation, the
            // last T − t factors add ≤ (2(T − t) + 10) u a_T; z's own ᾱ = exp(Σ log1p(−β'_i)) with telescoping β'
            // (≤ 2u per term) and L_z = log s²: (t + 2)(|L_z| + 2) u on s², half of it on s
            double lz = Math.abs(Math.log(expected * expected));
            double lb = Math.abs(Math.log(base.alphaBar(t)));
            double bound =
                    U64 * ((t + 2) * (lz / 2 + lb / 2 + 3) * expected + (2 * (999 - t) + 10) * aT * a0 / (a0 - aT));
            assertThat(Math.sqrt(z.alphaBar(t))).isCloseTo(expected, offset(2 * bound));
        }
    }

    @Test
    void timestepSpacingFollowsDiffusers() {
        DiscreteSchedule s = Schedules.linear(1000);
        assertThat(s.timesteps(10)).containsExactly(900, 800, 700, 600, 500, 400, 300, 200, 100, 0);
        assertThat(s.toBuilder().stepsOffset(1).build().timesteps(10))
                .containsExactly(901, 801, 701, 601, 501, 401, 301, 201, 101, 1);
        assertThat(s.toBuilder().spacing(TimestepSpacing.TRAILING).build().timesteps(10))
                .containsExactly(999, 899, 799, 699, 599, 499, 399, 299, 199, 99);
        assertThat(s.toBuilder().spacing(TimestepSpacing.LINSPACE).build().timesteps(10))
                .containsExactly(999, 888, 777, 666, 555, 444, 333, 222, 111, 0);
        assertThat(s.toBuilder().spacing(TimestepSpacing.TRAILING).build().timesteps(3))
                .containsExactly(999, 666, 332);
        // numpy rounds half to even: linspace(0, 999, 3) = [0, 499.5, 999] → 500
        assertThat(s.toBuilder().spacing(TimestepSpacing.LINSPACE).build().timesteps(3))
                .containsExactly(999, 500, 0);
        assertThat(s.timesteps(1000)).startsWith(999, 998).endsWith(1, 0).hasSize(1000);
        assertThatThrownBy(() -> s.toBuilder().stepsOffset(1).build().timesteps(1000))
                .hasMessageContaining("gives timestep 1000 outside [0, 1000)");
    }

    @Test
    void stepPlansPairEachTimestepWithTheNextAndEndAtTheFinalLevel() {
        DiscreteSchedule s = Schedules.linear(1000).toBuilder()
                .spacing(TimestepSpacing.LINSPACE)
                .build();
        StepPlan plan = s.plan(4);
        assertThat(plan.modelTimes()).containsExactly(999, 666, 333, 0);
        for (int i = 0; i < 3; i++) {
            assertThat(plan.get(i).previous()).isEqualTo(plan.get(i + 1).current());
        }
        assertThat(plan.get(3).previous()).isEqualTo(Timestep.clean());
        assertThat(s.toBuilder()
                        .setAlphaToOne(false)
                        .build()
                        .plan(4)
                        .get(3)
                        .previous()
                        .alphaBar())
                .isEqualTo(s.alphaBar(0));
        assertThatThrownBy(() -> s.plan(0)).hasMessageContaining("[1, 1000]");
        assertThatThrownBy(() -> s.plan(1001)).hasMessageContaining("got 1001");
    }

    @Test
    void discretePosteriorMatchesADirectBayesComputation() {
        // q(x_{t−1}|x_0) = N(√ᾱ_{t−1} x0, 1−ᾱ_{t−1}), q(x_t|x_{t−1}) = N(√α_t x_{t−1}, β_t): the product, normalised in
        // x_{t−1}
        DiscreteSchedule s = Schedules.linear(1000);
        StepPlan plan = s.plan(1000);
        double x0 = 0.7;
        double xt = -1.3;
        for (int t : new int[] {999, 500, 10, 1}) {
            Step step = plan.get(999 - t);
            assertThat(step.current().modelTime()).isEqualTo(t);
            double abPrev = s.alphaBar(t - 1);
            double alpha = s.alpha(t);
            double beta = s.beta(t);
            double precision = 1 / (1 - abPrev) + alpha / beta;
            double var = 1 / precision;
            double mean = var * (Math.sqrt(abPrev) * x0 / (1 - abPrev) + Math.sqrt(alpha) * xt / beta);
            Posterior p = Posterior.of(step);
            // Relative bound. Posterior.of's β_s = −expm1(log ᾱ_t − log ᾱ_{t−1}): the logs are off by 2u + 1 ulp of
            // |L_t| each, L_t = L_{t−1} + log1p(−β_t) by u|L_t|, so β_s by u (4 + 5|L_t|) absolute, i.e. ÷ β_t
            // relative.
            // The reference's 1 − ᾱ_{t−1} cancels: 2u ᾱ/(1 − ᾱ) relative (the same for 1 − ᾱ_t, smaller). σ²'s
            // expm1, sqrt and the remaining ×, ÷, +: ≤ 21u.
            double lt = Math.abs(Math.log(s.alphaBar(t)));
            double rel = U64 * ((4 + 5 * lt) / beta + 4 * abPrev / (1 - abPrev) + 21);
            assertThat(p.variance()).isCloseTo(var, offset(2 * rel * var));
            double meanMagnitude = Math.abs(p.x0Coefficient() * x0) + Math.abs(p.xtCoefficient() * xt);
            assertThat(p.x0Coefficient() * x0 + p.xtCoefficient() * xt)
                    .isCloseTo(mean, offset(2 * rel * meanMagnitude));
            // docs/math.md, errata: the variance is β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t)·β_t, not β_t
            assertThat(p.variance()).isCloseTo((1 - abPrev) / (1 - s.alphaBar(t)) * beta, offset(2 * rel * var));
            // Step.stepBeta() = 1 − ᾱ_t/ᾱ_{t−1} cancels like β_s: two computations, each within rel
            assertThat(step.posteriorVariance()).isCloseTo(p.variance(), offset(2 * 2 * rel * var));
        }
    }

    @Test
    void continuousPosteriorOfSeed003EqualsTheGeneralPosterior() {
        LogSnrSchedule s = Schedules.cosineLogSnr();
        StepPlan plan = s.plan(20);
        for (int i = 0; i < 19; i++) { // the last step ends at λ_max, still finite
            Step step = plan.get(i);
            LogSnrPosterior seed003 =
                    new LogSnrPosterior(step.current().lambda(), step.previous().lambda());
            Posterior general = Posterior.of(step);
            double x = 0.4;
            double z = 1.1;
            // Relative bound (double). The levels are σ(±λ) (4u each) and λ = log σ(λ) − log σ(−λ) from them, off
            // by 8u + 2u (|log ᾱ| + |log σ²|); both posteriors cancel in 1 − ratio (1 − ᾱ_t/ᾱ_s ≤ 1 − e^{λ−λ'}),
            // so those absolute errors are divided by β_s = stepBeta; the remaining ×, ÷, σ(·), expm1: ≤ 24u.
            double logs = Math.abs(Math.log(step.current().alphaBar()))
                    + Math.abs(Math.log(step.current().sigmaSquared()))
                    + Math.abs(Math.log(step.previous().alphaBar()))
                    + Math.abs(Math.log(step.previous().sigmaSquared()));
            double rel = U64 * ((16 + 4 * logs) / step.stepBeta() + 24);
            assertThat(seed003.variance()).isCloseTo(general.variance(), offset(2 * rel * seed003.variance()));
            // float32: one linear (γ_3 of |c_z z| + |c_x x|) and the reference's cast (u32 of the result); the double
            // coefficients differ by ≤ rel ≤ 1e-12 relative, negligible at float32 (inside the ×2)
            double zc = seed003.zCoefficient() * z;
            double xc = seed003.xCoefficient() * x;
            double meanTol = 2
                    * (org.diffusion4j.testkit.ErrorBound.gamma32(3) * (Math.abs(zc) + Math.abs(xc))
                            + org.diffusion4j.testkit.ErrorBound.U32 * Math.abs(zc + xc));
            assertThat(seed003.mean(
                                    org.diffusion4j.api.tensor.ArrayTensor.of(
                                            new float[] {(float) z}, org.diffusion4j.api.tensor.Shape.of(1, 1)),
                                    org.diffusion4j.api.tensor.ArrayTensor.of(
                                            new float[] {(float) x}, org.diffusion4j.api.tensor.Shape.of(1, 1)))
                            .get(0, 0))
                    .isCloseTo((float) (general.x0Coefficient() * x + general.xtCoefficient() * z), offset((float)
                            meanTol));
            // σ²_{λ|λ'} = (1 − e^{λ−λ'}) σ_λ² is the forward variance β of the step; same cancellation, same bound
            assertThat(seed003.forwardVariance()).isCloseTo(step.stepBeta(), offset(2 * rel * step.stepBeta()));
            // exp((1 − v) log a + v log b) at v = 0, 1 is exp(log a) exactly in the arithmetic (0·log = ±0):
            // 1 ulp of |log a| (log), then exp's 2u and the + 's u: relative ≤ u (2|log a| + 3)
            double var = seed003.variance();
            double fwd = seed003.forwardVariance();
            assertThat(seed003.interpolatedVariance(0))
                    .isCloseTo(var, offset(2 * U64 * (2 * Math.abs(Math.log(var)) + 3) * var));
            assertThat(seed003.interpolatedVariance(1))
                    .isCloseTo(fwd, offset(2 * U64 * (2 * Math.abs(Math.log(fwd)) + 3) * fwd));
        }
    }

    @Test
    void cosineLogSnrHitsItsEndpointsAndIsMonotone() {
        LogSnrSchedule s = Schedules.cosineLogSnr(-20, 20);
        // tolerances: 2 × lambdaBound (θ's rounding through d log tan θ/dθ = 2 cosh(λ/2), which is 1.1e4 at |λ| = 20)
        assertThat(s.lambda(0)).isCloseTo(20, offset(2 * lambdaBound(s, 0)));
        assertThat(s.lambda(1)).isCloseTo(-20, offset(2 * lambdaBound(s, 1)));
        LogSnrSchedule asym = Schedules.cosineLogSnr(-15, 8);
        assertThat(asym.lambda(0)).isCloseTo(8, offset(2 * lambdaBound(asym, 0)));
        assertThat(asym.lambda(1)).isCloseTo(-15, offset(2 * lambdaBound(asym, 1)));
        double b = Math.atan(Math.exp(-10));
        double a = Math.atan(Math.exp(10)) - b;
        for (int i = 0; i < 100; i++) {
            double u = i / 100.0;
            assertThat(s.lambda((i + 1) / 100.0)).isLessThan(s.lambda(u));
            // u(λ(u)): λ's error from θ is undone exactly by du/dλ = −1/(4a cosh(λ/2)), leaving Δθ/a; u(·) adds
            // exp's through atan (≤ u), atan's 1 ulp (2uθ), −, ÷; λ's own tan and log ulps through du/dλ
            double l = s.lambda(u);
            double theta = a * u + b;
            double du = U64 * (u * (4 * a + 1) + 5 * b + 4 * theta + 2 + Math.abs(l) / 4) / a + U64 * u;
            assertThat(s.u(l)).isCloseTo(u, offset(2 * du));
            Timestep t = s.levelAtU(u);
            // σ(λ) + σ(−λ) from one e = exp(−|λ|): 2u each (+, ÷) and the sum's u
            assertThat(t.alphaBar() + t.sigmaSquared()).isCloseTo(1, offset(2 * 5 * U64));
            assertThat(t.lambda()).isCloseTo(l, offset(2 * timestepLambdaBound(l)));
        }
        // the untruncated cosine schedule has λ(u) = −2 log tan(π u / 2): the middle is λ = 0 for symmetric bounds
        assertThat(s.lambda(0.5)).isCloseTo(0, offset(2 * lambdaBound(s, 0.5)));
        LogSnrSchedule lin = Schedules.linearLogSnr(-10, 10);
        // λ_max + u (λ_min − λ_max): two roundings of quantities ≤ 10 (here all exact)
        assertThat(lin.lambda(0.25)).isCloseTo(5, offset(2 * 2 * U64 * 10));
    }

    @Test
    void trainingDrawsHaveTheRightDistribution() {
        DiscreteSchedule d = Schedules.linear(1000);
        int[] counts = new int[10];
        org.diffusion4j.api.noise.SdkNoise.Normal rng = org.diffusion4j.api.noise.SdkNoise.normal(3);
        int n = 20000;
        for (int i = 0; i < n; i++) {
            counts[(int) d.trainingTime(rng.nextUniform()).modelTime() / 100]++;
        }
        // Statistical checks: k = 4.5 standard errors, a false failure has probability P(|N(0,1)| > 4.5) ≈ 6.8e-6 per
        // check for a random seed (≤ 6.8e-5 for the 10 deciles together); the seed is fixed, so the outcome is too.
        for (int c : counts) { // uniform over deciles: each ~ n/10 ± 4.5 sd (binomial sd √(n·0.1·0.9))
            assertThat((double) c).isCloseTo(n / 10.0, offset(4.5 * Math.sqrt(n * 0.1 * 0.9)));
        }
        LogSnrSchedule u = new LogSnrSchedule(
                LogSnrSchedule.Shape.COSINE,
                -20,
                20,
                LogSnrSchedule.ModelTime.LAMBDA,
                LogSnrSchedule.TrainingDraw.UNIFORM_LAMBDA);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += u.trainingTime(rng.nextUniform()).lambda();
        }
        assertThat(sum / n).isCloseTo(0, offset(4.5 * 40 / Math.sqrt(12 * n))); // U(−20, 20): sd 40/√12
        // through the cosine map θ = a u + b is uniform on [atan e^{-10}, atan e^{10}] and λ = −2 log tan θ, so
        // P(|λ| < 2) = (atan e − atan e^{-1})/a exactly for the truncated schedule (≈ (4/π)·atan(tanh(1/2)), the
        // untruncated value, which is 3e-5 off). Rounding moves only draws within ~1e-13 of ±2: no allowance needed.
        LogSnrSchedule c = Schedules.cosineLogSnr();
        int small = 0;
        for (int i = 0; i < n; i++) {
            small += Math.abs(c.trainingTime(rng.nextUniform()).lambda()) < 2 ? 1 : 0;
        }
        double lo = Math.atan(Math.exp(-10));
        double p = (Math.atan(Math.E) - Math.atan(1 / Math.E)) / (Math.atan(Math.exp(10)) - lo);
        assertThat((double) small / n).isCloseTo(p, offset(4.5 * Math.sqrt(p * (1 - p) / n)));
    }

    @Test
    void schedulesAreBuiltFromJsonThroughTheRegistry() throws Exception {
        PluginRegistry reg = PluginRegistry.load();
        ObjectMapper om = new ObjectMapper();
        Schedule s = reg.schedule(
                "squaredcos_cap_v2", om.readTree("{\"numTrainTimesteps\": 500, \"timestepSpacing\": \"trailing\"}"));
        assertThat(s).isInstanceOf(DiscreteSchedule.class);
        DiscreteSchedule d = (DiscreteSchedule) s;
        assertThat(d.length()).isEqualTo(500);
        assertThat(d.alphaBar(100)).isEqualTo(Schedules.cosine(500).alphaBar(100));
        assertThat(d.spacing()).isEqualTo(TimestepSpacing.TRAILING);
        Schedule b = reg.schedule("betas", om.readTree("{\"trainedBetas\": [0.1, 0.2, 0.3]}"));
        // alphaBarBound, plus u for each literal 0.9, 0.8, 0.7 against the schedule's 1 − β
        assertThat(b.at(2).alphaBar())
                .isCloseTo(0.9 * 0.8 * 0.7, offset(2 * (alphaBarBound(2, 0.504) + 3 * U64 * 0.504)));
        Schedule c = reg.schedule(
                "cosine-logsnr", om.readTree("{\"lambdaMin\": -10, \"lambdaMax\": 10, \"modelTime\": \"u\"}"));
        // λ(0.5) (lambdaBound), then Timestep.lambda() recomputes it from σ(±λ)
        assertThat(c.at(0.5).lambda())
                .isCloseTo(0, offset(2 * (lambdaBound((LogSnrSchedule) c, 0.5) + timestepLambdaBound(0))));
        assertThat(reg.schedule("linear")).isInstanceOf(DiscreteSchedule.class);

        assertThatThrownBy(() -> reg.schedule("linear", om.readTree("{\"numTrainTimesteps\": \"many\"}")))
                .hasMessageContaining("/numTrainTimesteps");
        assertThatThrownBy(() -> reg.schedule("linear", om.readTree("{\"betaStart\": 2}")))
                .hasMessageContaining("betaStart must be in (0, 1), got 2.0");
        assertThatThrownBy(() -> reg.schedule("linear", om.readTree("{\"timestepSpacing\": \"trialing\"}")))
                .hasMessageContaining("unknown timestep spacing 'trialing'")
                .hasMessageContaining("trailing");
        assertThatThrownBy(() -> reg.schedule("linear", om.readTree("{\"betastart\": 0.1}")))
                .hasMessageContaining("unknown field 'betastart'")
                .hasMessageContaining("betaStart");
        assertThatThrownBy(() -> reg.schedule("lineer")).hasMessageContaining("did you mean 'linear'");
        assertThatThrownBy(() -> reg.schedule("betas", om.readTree("{}")))
                .hasMessageContaining("non-empty trainedBetas");
    }
}
