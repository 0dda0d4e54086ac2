package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.testkit.DoubleTensor;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;

/**
 * Every σ-space sampler on a short explicit trajectory against numbers derived by hand, in double, from the
 * published update formulas (cited in each sampler's documentation), covering the first step (no history,
 * warm-up orders, PNDM's second-order start) and the last step (σ = 0: the denoised value; σ &gt; 0 with
 * diffusers' lower_order_final).
 *
 * <p>The model is the exact denoiser of one Gaussian N(μ, 1): D(x; σ) = μ + (x − μ)/(1 + σ²), asked at the
 * variance-preserving x_vp = x/√(1 + σ²) as an x0-predictor. Tolerance: both sides compute a few dozen double
 * operations on values ≤ 10 (x_0 = 0.7·√17 ≈ 2.9, coefficients ≤ 3): |error| ≤ γ_n · Σ|terms| with n ≤ 64
 * operations in sequence and Σ|terms| ≤ 10 · 8 (the largest multistep combination has 8 terms), ×2 because both
 * sides round, ×2 safety for library functions (exp, log, sqrt, pow: 1 ulp each).
 */
class SigmaStepFormulaTest {
    static final double MU = 0.3;
    static final double X0 = 0.7;
    static final double TOL = ErrorBound.float64(10 * 8, 64, 2 * 2);

    /** A schedule whose plan(n) is the given σ levels (n = levels − 1), so the samplers' "schedule" spacing uses them. */
    static Schedule levels(double... sigmas) {
        return new Schedule() {
            @Override
            public Timestep at(double modelTime) {
                throw new UnsupportedOperationException();
            }

            @Override
            public StepPlan plan(int steps) {
                assertThat(steps).isEqualTo(sigmas.length - 1);
                List<Timestep> l = new ArrayList<>();
                for (int i = 0; i < sigmas.length; i++) {
                    l.add(SigmaTrajectory.level(100 - i, sigmas[i]));
                }
                return StepPlan.through(l);
            }

            @Override
            public Timestep trainingTime(double u) {
                throw new UnsupportedOperationException();
            }

            @Override
            public OptionalInt trainSteps() {
                return OptionalInt.empty();
            }
        };
    }

    static double d(double x, double sigma) {
        return MU + (x - MU) / (1 + sigma * sigma);
    }

    /** Runs the sampler on one 1-D sample from x_vp = 0.7; returns {result (VP), model calls}. */
    static double[] run(Sampler s, double... sigmas) {
        AtomicInteger calls = new AtomicInteger();
        NoisePredictor p = NoisePredictor.of(PredictionType.SAMPLE, (x, t, c) -> {
            calls.incrementAndGet();
            double sigma = SigmaTrajectory.sigmaOf(t);
            double xve = DoubleTensor.of(x).values()[0] * Math.sqrt(1 + sigma * sigma);
            return new DoubleTensor(new double[] {d(xve, sigma)}, x.shape());
        });
        SampleRequest r = SampleRequest.builder()
                .predictor(p)
                .schedule(levels(sigmas))
                .conditions(Conditions.unconditional(1))
                .sampleShape(1)
                .tensors(DoubleTensor.FACTORY)
                .initialState(new DoubleTensor(new double[] {X0}, Shape.of(1, 1)))
                .build();
        double out = DoubleTensor.of(s.sample(r)).values()[0];
        return new double[] {out, calls.get()};
    }

    static double start(double sigma0) {
        return X0 * Math.sqrt(1 + sigma0 * sigma0); // x_vp · init_noise_sigma
    }

    static double vp(double x, double sigma) {
        return x / Math.sqrt(1 + sigma * sigma);
    }

    @Test
    void eulerFirstStepIsKarrasAlgorithm2AndLastStepReturnsD() {
        double[] s = {4, 1.5, 0};
        double x = start(4);
        double x1 = x + (1.5 - 4) * (x - d(x, 4)) / 4; // Karras et al. Alg. 2, lines 5–8 with γ = 0
        double expected = d(x1, 1.5); // σ_2 = 0: x + (0 − σ)(x − D)/σ = D
        double[] got = run(Samplers.euler(2, SigmaSpacing.schedule()), s);
        assertThat(got[0]).isCloseTo(expected, within(TOL));
        assertThat(got[1]).isEqualTo(2);
        // a last level above zero: the state at σ_n, returned variance-preserving
        double y1 = x + (1.5 - 4) * (x - d(x, 4)) / 4;
        double y2 = y1 + (0.5 - 1.5) * (y1 - d(y1, 1.5)) / 1.5;
        assertThat(run(Samplers.euler(2, SigmaSpacing.schedule()), 4, 1.5, 0.5)[0])
                .isCloseTo(vp(y2, 0.5), within(TOL));
    }

    @Test
    void eulerAncestralWithEtaZeroIsEuler() {
        double[] s = {4, 1.5, 0.5, 0};
        assertThat(run(Samplers.eulerAncestral(3, 0, SigmaSpacing.schedule()), s)[0])
                .isEqualTo(run(Samplers.euler(3, SigmaSpacing.schedule()), s)[0]);
        // σ_up, σ_down of a step 4 → 1.5 with η = 1: σ_up² = σ'²(σ² − σ'²)/σ², σ_down² = σ'² − σ_up²
        double up = Math.sqrt(1.5 * 1.5 * (16 - 1.5 * 1.5) / 16);
        double[] du = EulerAncestral.ancestral(4, 1.5, 1);
        assertThat(du[1]).isCloseTo(up, within(TOL));
        assertThat(du[0]).isCloseTo(Math.sqrt(1.5 * 1.5 - up * up), within(TOL));
        assertThat(EulerAncestral.ancestral(1.5, 0, 1)).containsExactly(0, 0); // no noise onto σ = 0
    }

    @Test
    void heunCorrectsWithTheSlopeAtTheNextLevelAndEndsWithAnEulerStep() {
        double[] s = {4, 1.5, 0};
        double x = start(4);
        double dx = (x - d(x, 4)) / 4;
        double xe = x + (1.5 - 4) * dx;
        double dn = (xe - d(xe, 1.5)) / 1.5;
        double x1 = x + (1.5 - 4) * (dx + dn) / 2; // Karras et al. Alg. 1, lines 7–8
        double expected = d(x1, 1.5); // line 6: σ_{i+1} = 0, Euler
        double[] got = run(Samplers.heun(2, SigmaSpacing.schedule()), s);
        assertThat(got[0]).isCloseTo(expected, within(TOL));
        assertThat(got[1]).isEqualTo(3); // 2n − 1 model calls
    }

    @Test
    void dpmSolverPlusPlus2MFirstStepFirstOrderThenSecondOrderWithTheStepRatio() {
        double[] s = {4, 1.5, 0.5, 0};
        double x = start(4);
        double d0 = d(x, 4);
        double h0 = Math.log(4 / 1.5); // λ = −log σ
        double x1 = 1.5 / 4 * x - Math.expm1(-h0) * d0; // Lu et al. Alg. 2, first step: DPM-Solver++(1)
        double d1 = d(x1, 1.5);
        double h1 = Math.log(1.5 / 0.5);
        double r = h0 / h1;
        double dd = (1 + 1 / (2 * r)) * d1 - 1 / (2 * r) * d0;
        double x2 = 0.5 / 1.5 * x1 - Math.expm1(-h1) * dd;
        double expected = d(x2, 0.5); // the step onto σ = 0 is first order: x = D
        assertThat(run(Samplers.dpmpp2m(3, SigmaSpacing.schedule()), s)[0]).isCloseTo(expected, within(TOL));
        // last level σ = 0.2 > 0 in a run shorter than 15 steps: diffusers' lower_order_final makes it first order
        double x3 = 0.2 / 0.5 * x2 - Math.expm1(-Math.log(0.5 / 0.2)) * d(x2, 0.5);
        assertThat(run(Samplers.dpmpp2m(3, SigmaSpacing.schedule()), 4, 1.5, 0.5, 0.2)[0])
                .isCloseTo(vp(x3, 0.2), within(TOL));
        // SDE variant with η = 0 is the same update
        assertThat(run(Samplers.dpmpp2mSde(3, 0, SigmaSpacing.schedule()), s)[0])
                .isCloseTo(expected, within(TOL));
    }

    @Test
    void lmsWarmsUpWithOrdersOneTwoThreeAndIntegratesTheLagrangePolynomial() {
        double[] s = {4, 2, 1, 0.5, 0};
        double x = start(4);
        double[] ds = new double[4];
        ds[0] = (x - d(x, 4)) / 4;
        double x1 = x + (2 - 4) * ds[0]; // order 1
        ds[1] = (x1 - d(x1, 2)) / 2;
        // order 2 on nodes 2 (newest), 4: ∫_2^1 (τ − 4)/(2 − 4) dτ = 1.25 − 0.5·... computed by hand:
        // ℓ_new(τ) = (τ − 4)/(−2): ∫_2^1 = [(τ − 4)²/(−4)]_2^1 = (9 − 4)/(−4) = −1.25
        // ℓ_old(τ) = (τ − 2)/2:    ∫_2^1 = [(τ − 2)²/4]_2^1 = 1/4
        double x2 = x1 + (-1.25) * ds[1] + 0.25 * ds[0];
        double[] c2 = Lms.coefficients(s, 1, 2);
        assertThat(c2[0]).isCloseTo(-1.25, within(TOL));
        assertThat(c2[1]).isCloseTo(0.25, within(TOL));
        ds[2] = (x2 - d(x2, 1)) / 1;
        double[] c3 = Lms.coefficients(s, 2, 3);
        double x3 = x2 + c3[0] * ds[2] + c3[1] * ds[1] + c3[2] * ds[0];
        ds[3] = (x3 - d(x3, 0.5)) / 0.5;
        double[] c4 = Lms.coefficients(s, 3, 4);
        double x4 = x3 + c4[0] * ds[3] + c4[1] * ds[2] + c4[2] * ds[1] + c4[3] * ds[0];
        assertThat(run(Samplers.lms(4, 4, SigmaSpacing.schedule()), s)[0]).isCloseTo(x4, within(TOL));
        // order 3, hand-integrated: nodes 1 (newest), 2, 4 over [1, 0.5]
        // ℓ_0 = (τ−2)(τ−4)/((1−2)(1−4)) = (τ² − 6τ + 8)/3 → ∫_1^0.5 = [(τ³/3 − 3τ² + 8τ)/3]_1^0.5 = −(1/3)(7/24 + ... )
        double l0 = (antideriv(0.5, 1, -6, 8) - antideriv(1, 1, -6, 8)) / 3;
        double l1 = (antideriv(0.5, 1, -5, 4) - antideriv(1, 1, -5, 4)) / ((2 - 1) * (2 - 4)); // (τ−1)(τ−4)
        double l2 = (antideriv(0.5, 1, -3, 2) - antideriv(1, 1, -3, 2)) / ((4 - 1) * (4 - 2)); // (τ−1)(τ−2)
        assertThat(c3).containsExactly(new double[] {l0, l1, l2}, within(TOL));
    }

    /** ∫ (aτ² + bτ + c) dτ at τ. */
    static double antideriv(double t, double a, double b, double c) {
        return a * t * t * t / 3 + b * t * t / 2 + c * t;
    }

    @Test
    void lmsCoefficientsIntegrateCubicsExactlyOnUnequalNodes() {
        // order 4 of the interior steps: Σ_j c_j·p(σ_{i−j}) = ∫_{σ_i}^{σ_{i+1}} p for every p of degree ≤ 3
        double[] s = {9, 5.5, 3, 1.7, 0.6, 0.1};
        for (int i = 3; i < 5; i++) {
            double[] c = Lms.coefficients(s, i, 4);
            for (int deg = 0; deg <= 3; deg++) {
                double sum = 0;
                for (int j = 0; j < 4; j++) {
                    sum += c[j] * Math.pow(s[i - j], deg);
                }
                double exact = (Math.pow(s[i + 1], deg + 1) - Math.pow(s[i], deg + 1)) / (deg + 1);
                // terms ≤ |c|·9³ ≤ 60·729; 40 operations
                assertThat(sum)
                        .as("i=%d, degree %d", i, deg)
                        .isCloseTo(exact, within(ErrorBound.float64(60 * 729 * 4, 40, 2)));
            }
        }
    }

    @Test
    void pndmStartsWithTheSecondOrderPseudoStepThenUsesTheAdamsBashforthWeights() {
        double[] s = {4, 2, 1, 0.5, 0.25, 0};
        double x = start(4);
        double e0 = (x - d(x, 4)) / 4;
        double xp = x + (2 - 4) * e0;
        double ep = (xp - d(xp, 2)) / 2;
        double x1 = x + (2 - 4) * (e0 + ep) / 2; // step 0: (e_0 + e')/2, e' discarded
        double e1 = (x1 - d(x1, 2)) / 2;
        double x2 = x1 + (1 - 2) * (3 * e1 - e0) / 2;
        double e2 = (x2 - d(x2, 1)) / 1;
        double x3 = x2 + (0.5 - 1) * (23 * e2 - 16 * e1 + 5 * e0) / 12;
        double e3 = (x3 - d(x3, 0.5)) / 0.5;
        double x4 = x3 + (0.25 - 0.5) * (55 * e3 - 59 * e2 + 37 * e1 - 9 * e0) / 24; // Liu et al. eq. 12
        double e4 = (x4 - d(x4, 0.25)) / 0.25;
        double x5 = x4 + (0 - 0.25) * (55 * e4 - 59 * e3 + 37 * e2 - 9 * e1) / 24; // last step: φ onto σ = 0
        double[] got = run(Samplers.pndm(5, SigmaSpacing.schedule()), s);
        assertThat(got[0]).isCloseTo(x5, within(TOL));
        assertThat(got[1]).isEqualTo(6); // n + 1 model calls
        // one step: a single DDIM step, one call
        double[] one = run(Samplers.pndm(1, SigmaSpacing.schedule()), 4, 0);
        assertThat(one[0]).isCloseTo(d(start(4), 4), within(TOL));
        assertThat(one[1]).isEqualTo(1);
    }

    @Test
    void unipcPredictsWithUniPAndCorrectsWithUniCAtTheUncorrectedPoint() {
        double[] s = {4, 2, 1, 0};
        double x = start(4);
        // step 0: UniP-1 (DDIM), h = log(σ_s/σ_t), B = e^{−h} − 1
        double m0 = d(x, 4);
        double h0 = Math.log(4 / 2.0);
        double b0 = Math.expm1(-h0);
        double xt1 = 2 / 4.0 * x - b0 * m0;
        // step 1: model at the predicted point, UniC-1: x_1 = (σ_t/σ_s)x_0 − B m_0 − B·½(m_1 − m_0)
        double m1 = d(xt1, 2);
        double x1 = 2 / 4.0 * x - b0 * m0 - b0 * 0.5 * (m1 - m0);
        // UniP-2 from the corrected x_1: r_1 = (λ_{s1} − λ_s)/h with λ = −log σ
        double h1 = Math.log(2 / 1.0);
        double b1 = Math.expm1(-h1);
        double r1 = (-Math.log(4) + Math.log(2)) / h1;
        double xt2 = 1 / 2.0 * x1 - b1 * m1 - b1 * 0.5 * (m0 - m1) / r1;
        // step 2: UniC-2 with ρ from [1 1; r 1]ρ = (φ_2·1!, φ_3·2!)/B
        double m2 = d(xt2, 1);
        double hh = -h1;
        double phi2 = Math.expm1(hh) / hh - 1;
        double phi3 = phi2 / hh - 0.5;
        double g1 = phi2 / b1;
        double g2 = phi3 * 2 / b1;
        double rho0 = (g1 - g2) / (1 - r1);
        double rho1 = g1 - rho0;
        double x2 = 1 / 2.0 * x1 - b1 * m1 - b1 * (rho0 * (m0 - m1) / r1 + rho1 * (m2 - m1));
        // the last step onto σ = 0 is first order: x = m_2 (taken at the uncorrected point; x_2 is not used)
        assertThat(x2).isNotEqualTo(xt2);
        double[] got = run(Samplers.unipc(3, SigmaSpacing.schedule()), s);
        assertThat(got[0]).isCloseTo(m2, within(TOL));
        assertThat(got[1]).isEqualTo(3);
        // with a fourth level the corrected x_2 feeds the last, first-order step (lower_order_final)
        double x3 = 0.5 / 1.0 * x2 - Math.expm1(-Math.log(1 / 0.5)) * m2;
        assertThat(run(Samplers.unipc(3, SigmaSpacing.schedule()), 4, 2, 1, 0.5)[0])
                .isCloseTo(vp(x3, 0.5), within(TOL));
    }
}
