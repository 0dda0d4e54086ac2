package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.IntFunction;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.mixture.GaussianMixture;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;

/**
 * Euler ancestral and SDE-DPM-Solver++(2M) with η = 1 against the exact marginal statistics of their own
 * discrete chains on one mixture component N(μ, s² I), and those chains' weak convergence to N(μ, s²).
 *
 * <p>On a Gaussian component the denoiser is affine, D = μ + g(σ)·(x − μ) with g = s²/(s² + σ²), so each
 * coordinate's deviation y = x − μ follows a linear Gaussian chain y' = α·y + β·y_old + c·z whose mean and
 * variance the test propagates exactly in double (a 2 × 2 covariance for the multistep sampler). The sample
 * is exactly Gaussian; its mean and variance are compared with 4.5 standard errors (false failure
 * P(|N(0,1)| &gt; 4.5) ≈ 6.8e-6 per quantity; the seed is fixed) plus the float32 rounding bound
 * u · 45 (largest |x|, at σ_max = 14.6) · 6 operations per step · 30 steps · 2 safety.
 */
class StochasticSigmaSamplersTest {
    static final GaussianMixture MIX = GaussianMixture.threeBlobs2d();
    static final int N = 4000;
    static final int STEPS = 30;
    static final int K = 0;

    static SigmaTrajectory trajectory(int n) {
        return SigmaTrajectory.of(Schedules.scaledLinear(1000), n, SigmaSpacing.karras());
    }

    static Tensor sample(Sampler s) {
        int[] labels = new int[N];
        java.util.Arrays.fill(labels, K);
        return s.sample(SampleRequest.builder()
                .predictor(MIX.predictor(org.diffusion4j.api.PredictionType.SAMPLE))
                .schedule(Schedules.scaledLinear(1000))
                .conditions(Conditions.labels(labels))
                .sampleShape(2)
                .seed(2024)
                .build());
    }

    static double g(double sigma) {
        double s2 = MIX.std(K) * MIX.std(K);
        return s2 / (s2 + sigma * sigma);
    }

    /** {mean of y, variance of y} at the end of the Euler-ancestral chain, per coordinate, for y_0 mean m0. */
    static double[] eulerAncestralChain(int n, double m0) {
        return eulerAncestralChain(n, m0, n);
    }

    /** The chain's first {@code upto} steps. */
    static double[] eulerAncestralChain(int n, double m0, int upto) {
        SigmaTrajectory t = trajectory(n);
        double m = m0;
        double v = 1 + t.sigma(0) * t.sigma(0); // x_0 = z·init_noise_sigma
        for (int i = 0; i < upto; i++) {
            double[] du = EulerAncestral.ancestral(t.sigma(i), t.sigma(i + 1), 1);
            double q = du[0] / t.sigma(i);
            double a = q + (1 - q) * g(t.sigma(i)); // y' = q·y + (1 − q)·g·y + σ_up·z
            m = a * m;
            v = a * a * v + du[1] * du[1];
        }
        return new double[] {m, v};
    }

    /** The same for SDE-DPM-Solver++(2M), η = 1: state (y_i, y_{i−1}) with covariance [v11 v12; v12 v22]. */
    static double[] sdeChain(int n, double m0) {
        return sdeChain(n, m0, n);
    }

    /** The chain's first {@code upto} steps. */
    static double[] sdeChain(int n, double m0, int upto) {
        SigmaTrajectory t = trajectory(n);
        double m1 = m0;
        double m2 = 0;
        double v11 = 1 + t.sigma(0) * t.sigma(0);
        double v12 = 0;
        double v22 = 0;
        double hLast = Double.NaN;
        for (int i = 0; i < upto; i++) {
            double s = t.sigma(i);
            double sn = t.sigma(i + 1);
            double alpha;
            double beta = 0;
            double c = 0;
            if (sn == 0) {
                alpha = g(s); // x = D
            } else {
                double h = Math.log(s / sn);
                double a = -Math.expm1(-2 * h);
                double xc = sn / s * Math.exp(-h);
                double k = i == 0 || (i == n - 1 && n < 15) ? 0 : 0.5 / (hLast / h);
                alpha = xc + a * (1 + k) * g(s);
                beta = -a * k * g(t.sigma(i - Math.min(i, 1)));
                c = sn * Math.sqrt(-Math.expm1(-2 * h));
                hLast = h;
            }
            double nm = alpha * m1 + beta * m2;
            double nv = alpha * alpha * v11 + beta * beta * v22 + 2 * alpha * beta * v12 + c * c;
            double ncov = alpha * v11 + beta * v12;
            m2 = m1;
            m1 = nm;
            v22 = v11;
            v12 = ncov;
            v11 = nv;
        }
        return new double[] {m1, v11};
    }

    static void assertMatchesChain(Tensor x, IntFunction<double[]> chainForCoordinate) {
        float[] a = x.toFloatArray();
        double rounding = ErrorBound.float32(45, 6 * STEPS, 2);
        for (int j = 0; j < 2; j++) {
            double mu = MIX.mean(K)[j];
            double[] chain = chainForCoordinate.apply(j);
            double mean = 0;
            for (int i = 0; i < N; i++) {
                mean += a[2 * i + j] / N;
            }
            double var = 0;
            for (int i = 0; i < N; i++) {
                var += (a[2 * i + j] - mean) * (a[2 * i + j] - mean) / (N - 1);
            }
            double expMean = mu + chain[0];
            assertThat(mean).as("mean[%d]", j).isCloseTo(expMean, within(4.5 * Math.sqrt(chain[1] / N) + rounding));
            // a Gaussian sample variance has standard error v·√(2/(N − 1))
            assertThat(var)
                    .as("var[%d]", j)
                    .isCloseTo(chain[1], within(4.5 * chain[1] * Math.sqrt(2.0 / (N - 1)) + 2 * rounding * 5));
        }
    }

    @Test
    void eulerAncestralHasTheMomentsOfItsChain() {
        assertMatchesChain(
                sample(Samplers.eulerAncestral(STEPS, 1, SigmaSpacing.karras())),
                j -> eulerAncestralChain(STEPS, -MIX.mean(K)[j]));
    }

    @Test
    void dpmSolverPlusPlus2MSdeHasTheMomentsOfItsChain() {
        assertMatchesChain(
                sample(Samplers.dpmpp2mSde(STEPS, 1, SigmaSpacing.karras())), j -> sdeChain(STEPS, -MIX.mean(K)[j]));
    }

    @Test
    void theChainsConvergeWeakly() {
        // Weak error at σ_min (before the final denoising step, whose size is fixed): |ΔVar| + |Δmean| of the exact
        // chain against the same chain with 16384 steps, which stands for the reverse SDE from the same start
        // (its own error, e(256)·256/16384 for a first-order weak scheme, is 1.6 % of the smallest error measured and
        // moves a slope by ≤ log2(1.016) ≈ 0.02). Regime and tolerance as in ConvergenceOrderTest: local slopes at
        // N̄ = 45 and 181 differ by 0.0167·K and the fitted slope deviates by ≈ K/90 = 0.67 × that spread, so a
        // spread ≤ 0.12 gives ±0.08, plus 0.02 (reference) and 0.02 (O(N^-2) rest): ±0.12.
        int[] ladder = {32, 64, 128, 256};
        // The fine chains are the reverse SDE: at σ_min their variance is the true marginal's s² + σ_min² (the reverse
        // SDE
        // forgets the variance of its start), up to their own weak error, ≤ e(256)·256/16384 for a first-order scheme
        // (1.1e-4 from the euler_a ladder below; 2.2e-4 allowed for the factor-2 bound of an extrapolated constant).
        SigmaTrajectory ft = trajectory(16384);
        double trueVar = MIX.std(K) * MIX.std(K) + ft.sigma(16383) * ft.sigma(16383);
        assertThat(eulerAncestralChain(16384, 2, 16383)[1]).isCloseTo(trueVar, within(2.2e-4));
        assertThat(sdeChain(16384, 2, 16383)[1]).isCloseTo(trueVar, within(2.2e-4));
        for (String name : new String[] {"euler_a", "dpmpp_2m_sde"}) {
            boolean ea = name.equals("euler_a");
            int fine = 16384;
            double[] ref = ea ? eulerAncestralChain(fine, 2, fine - 1) : sdeChain(fine, 2, fine - 1);
            double[] e = new double[ladder.length];
            for (int i = 0; i < ladder.length; i++) {
                int n = ladder[i];
                double[] c = ea ? eulerAncestralChain(n, 2, n - 1) : sdeChain(n, 2, n - 1);
                e[i] = Math.abs(c[1] - ref[1]) + Math.abs(c[0] - ref[0]);
            }
            double first = Math.log(e[0] / e[1]) / Math.log(2);
            double last = Math.log(e[2] / e[3]) / Math.log(2);
            double slope = Math.log(e[0] / e[3]) / Math.log(ladder[3] / (double) ladder[0]);
            System.out.printf(
                    "%s weak errors %s, local slopes %.3f .. %.3f, slope %.3f%n",
                    name, java.util.Arrays.toString(e), first, last, slope);
            assertThat(Math.abs(last - first))
                    .as("%s: local slopes settled", name)
                    .isLessThanOrEqualTo(0.12);
            // Euler ancestral: weak order 1 (an Euler–Maruyama step of the reverse SDE); SDE-DPM-Solver++(2M): 2 here,
            // where
            // the noise enters additively and the exponential integrator is exact for the linear drift's homogeneous
            // part
            assertThat(slope).as(name).isCloseTo(ea ? 1 : 2, within(0.12));
        }
    }
}
