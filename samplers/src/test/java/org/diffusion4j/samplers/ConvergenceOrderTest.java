package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.mixture.GaussianMixture;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.DoubleTensor;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The convergence order of every σ-space sampler on the exact score of the mixture's components, against the
 * exact probability-flow ODE solution.
 *
 * <p>Conditioned on its component k (weight-1 Gaussian N(μ_k, s_k² I)), the denoiser is
 * D(x; σ) = μ_k + s_k²/(s_k² + σ²)·(x − μ_k), and the ODE dx/dσ = (x − D)/σ = σ/(s_k² + σ²)·(x − μ_k) has the
 * closed-form solution x(σ) = μ_k + (x(σ_max) − μ_k)·√((s_k² + σ²)/(s_k² + σ_max²)). Every sampler runs
 * N steps on Karras levels (ρ = 7, σ from 14.6 to 0.0292, Stable Diffusion's scaled_linear table) and is
 * compared at σ_{N−1} = σ_min, the last level before the final denoising step (which maps onto σ = 0 with a
 * step of fixed size and is checked separately). The runs use a double-precision tensor and predictor, so
 * rounding (≤ 2^-53 · |x| ≤ 45 · 8 operations · 256 steps ≈ 1e-11, against errors ≥ 1e-8 on the ladder) does
 * not reach the measured errors; the predictor is the mixture oracle's formula evaluated in double.
 */
class ConvergenceOrderTest {
    static final GaussianMixture MIX = GaussianMixture.threeBlobs2d();
    static final Schedule SCHEDULE = Schedules.scaledLinear(1000);
    static final int B = 30;

    /** The component's E[x0 | x_t] in double (Tweedie for one Gaussian), as an x0-predictor. */
    static final NoisePredictor ORACLE = NoisePredictor.of(PredictionType.SAMPLE, (x, t, c) -> {
        double[] in = DoubleTensor.of(x).values();
        double[] out = new double[in.length];
        double a = t.alpha();
        for (int i = 0; i < B; i++) {
            int k = label(i);
            double s2 = MIX.std(k) * MIX.std(k);
            double gain = a * s2 / (a * a * s2 + t.sigmaSquared());
            for (int j = 0; j < 2; j++) {
                double mu = MIX.mean(k)[j];
                out[2 * i + j] = mu + gain * (in[2 * i + j] - a * mu);
            }
        }
        return new DoubleTensor(out, x.shape());
    });

    static int label(int i) {
        return i % 3;
    }

    static SampleRequest request() {
        int[] labels = new int[B];
        for (int i = 0; i < B; i++) {
            labels[i] = label(i);
        }
        return SampleRequest.builder()
                .predictor(ORACLE)
                .schedule(SCHEDULE)
                .conditions(Conditions.labels(labels))
                .sampleShape(2)
                .seed(7)
                .tensors(DoubleTensor.FACTORY)
                .build();
    }

    /** The largest |error| at σ_min over the batch after an N-step run. */
    static double error(IntFunction<Sampler> sampler, int n) {
        SigmaTrajectory traj = SigmaTrajectory.of(SCHEDULE, n, SigmaSpacing.karras());
        double smax = traj.sigma(0);
        double smin = traj.sigma(n - 1);
        double[] z = DoubleTensor.of(request().openNoise().next(request().sampleShape(), DoubleTensor.FACTORY))
                .values();
        double[][] at = new double[1][];
        sampler.apply(n).sample(request(), e -> {
            if (e.step().index() == n - 2) {
                at[0] = DoubleTensor.of(e.state()).values().clone();
            }
        });
        double err = 0;
        for (int i = 0; i < B; i++) {
            int k = label(i);
            double s2 = MIX.std(k) * MIX.std(k);
            for (int j = 0; j < 2; j++) {
                double mu = MIX.mean(k)[j];
                double xT = z[2 * i + j] * Math.sqrt(1 + smax * smax); // x(σ_max) = z · init_noise_sigma
                double exact = mu + (xT - mu) * Math.sqrt((s2 + smin * smin) / (s2 + smax * smax));
                err = Math.max(err, Math.abs(at[0][2 * i + j] * Math.sqrt(1 + smin * smin) - exact));
            }
        }
        return err;
    }

    static Stream<Arguments> samplers() {
        SigmaSpacing k = SigmaSpacing.karras();
        return Stream.of(
                Arguments.of("euler", (IntFunction<Sampler>) n -> Samplers.euler(n, k), 1.0, true),
                Arguments.of("euler_a, eta 0", (IntFunction<Sampler>) n -> Samplers.eulerAncestral(n, 0, k), 1.0, true),
                Arguments.of("heun", (IntFunction<Sampler>) n -> Samplers.heun(n, k), 2.0, true),
                Arguments.of("dpmpp_2m", (IntFunction<Sampler>) n -> Samplers.dpmpp2m(n, k), 2.0, true),
                Arguments.of(
                        "dpmpp_2m_sde, eta 0", (IntFunction<Sampler>) n -> Samplers.dpmpp2mSde(n, 0, k), 2.0, true),
                // order 4 in its interior steps (LmsCoefficientsTest), but the warm-up steps of orders 1, 2, 3
                // (diffusers' and k-diffusion's semantics) leave local errors O(h²), O(h³), O(h⁴) that dominate
                // only as N → ∞: the first Euler step's share of the error at σ_min is ½·|x''(σ_0)|·h_0² times the
                // contraction √((s² + σ_min²)/(s² + σ_0²)) ≈ 0.034, ≈ 6e-7 of 1.1e-5 at N = 128 and ≈ 1e-5 of 2e-3
                // at N = 32. On this ladder the slope is therefore 4 less at most that 1–5 % share's drift
                // (log(1.05)/log(4) ≈ 0.04 per unit of share growth) and the local slopes' spread; ≥ 3.5 asserted
                Arguments.of("lms, order 4", (IntFunction<Sampler>) n -> Samplers.lms(n, 4, k), 3.5, false),
                // order 2: φ is exact for constant ε, the fixed equal-step weights of eq. 12 on unequal σ steps leave
                // a local error O(h³) (Liu et al. 2022, §3.3: second-order convergence)
                Arguments.of("pndm", (IntFunction<Sampler>) n -> Samplers.pndm(n, k), 2.0, true),
                // the Runge-Kutta warm-up (RK4 in σ, local O(h⁵)) does not lift the order-2 multistep steps
                Arguments.of(
                        "pndm, runge_kutta warm-up",
                        (IntFunction<Sampler>) n -> Samplers.pndm(n, k, Pndm.WarmUp.RUNGE_KUTTA),
                        2.0,
                        true),
                // UniP-2 + UniC: the corrector raises the order by one (Zhao et al. 2023, Theorem 3.3); the first
                // step is UniP-1 + UniC-1, local error O(h³), so 3 all the way
                Arguments.of("unipc", (IntFunction<Sampler>) n -> Samplers.unipc(n, k), 3.0, true),
                // solver order 1 (diffusers' solver_order): DDIM. Order 3 and UniPC order 3 / bh1 are checked step by
                // step
                // in SolverLocalOrderTest: on this ladder their first-order warm-up step bounds them by 2 as N → ∞
                Arguments.of("dpmpp, order 1", (IntFunction<Sampler>) n -> Samplers.dpmpp(n, k, 1), 1.0, true),
                // UniP-1 + UniC-1: order 2; the corrector disabled after every step leaves UniP-2: order 2
                Arguments.of(
                        "unipc, order 1",
                        (IntFunction<Sampler>) n -> Samplers.unipc(n, k, 1, UniPc.Variant.BH2, Set.of()),
                        2.0,
                        true),
                Arguments.of(
                        "unipc, corrector disabled",
                        (IntFunction<Sampler>) n -> Samplers.unipc(
                                n,
                                k,
                                2,
                                UniPc.Variant.BH2,
                                IntStream.range(0, n).boxed().collect(Collectors.toSet())),
                        2.0,
                        true));
    }

    static final int[] LADDER = {32, 48, 64, 96, 128};

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void fittedLogLogSlope(String name, IntFunction<Sampler> sampler, double order, boolean exactOrder) {
        double[] lx = new double[LADDER.length];
        double[] ly = new double[LADDER.length];
        StringBuilder sb = new StringBuilder(name + ":");
        for (int i = 0; i < LADDER.length; i++) {
            double e = error(sampler, LADDER[i]);
            lx[i] = Math.log(LADDER[i]);
            ly[i] = Math.log(e);
            sb.append(String.format(" N=%d %.3e", LADDER[i], e));
            // rounding stays far below the error measured: bound (see the class comment) × 1000
            assertThat(e)
                    .as("%s, N=%d: error above the double rounding floor", name, LADDER[i])
                    .isGreaterThan(1000 * ErrorBound.float64(45, 8 * LADDER[i], 2));
        }
        double slope = -fit(lx, ly);
        double first = -(ly[1] - ly[0]) / (lx[1] - lx[0]);
        int m = LADDER.length - 1;
        double last = -(ly[m] - ly[m - 1]) / (lx[m] - lx[m - 1]);
        System.out.println(sb + String.format(" local slopes %.3f .. %.3f, fitted slope %.3f", first, last, slope));
        // The asymptotic regime: with e(N) = C·N^-p·(1 + K/N + O(N^-2)) a local slope is p − K/N̄ + O(N^-2), N̄ the
        // pair's mean. Between the ladder's ends (N̄ = 40 and 112) the local slopes differ by K·(1/40 − 1/112) =
        // 0.0161·K, and the fitted slope deviates from p by ≈ K/64 (the ladder's geometric centre) = 0.97 × that
        // spread. A spread ≤ 0.12 therefore puts the fitted slope within 0.12 of p, plus 0.03 for the O(N^-2) rest:
        // ±0.15. (Rounding is excluded above.)
        assertThat(Math.abs(last - first)).as("%s: local slopes settled", name).isLessThanOrEqualTo(0.12);
        if (exactOrder) {
            assertThat(slope).as(name).isCloseTo(order, org.assertj.core.api.Assertions.within(0.15));
        } else {
            assertThat(slope).as(name).isGreaterThanOrEqualTo(order);
        }
    }

    /** Least-squares slope of y on x. */
    static double fit(double[] x, double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / x.length;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxy / sxx;
    }
}
