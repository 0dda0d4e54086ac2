package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.testkit.DoubleTensor;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The local order of the multistep updates of solver order 1–3 (DPM-Solver++ {@code solver_order}; UniPC's predictor
 * UniP-K, bh1 and bh2, corrector disabled), free of the warm-up steps that bound a whole run's order: through the
 * {@link SigmaStepper}, every call gets the exact state x(σ_k) of one Gaussian component's probability-flow ODE and
 * the exact denoiser D(x(σ_k); σ_k) (closed forms in {@link ConvergenceOrderTest}), so the history is exact and the
 * first step that uses order K, from σ_{K−1} to σ_K, has the local error of the K-th order update alone,
 * C·h^{K+1} (Lu et al. 2022, arXiv 2211.01095, Theorem 3.2; Zhao et al. 2023, arXiv 2302.04867, Theorem 3.1) —
 * except DPM-Solver++'s third-order update as diffusers (and k-diffusion's 3M) write it. With x̂0(λ_s + u) =
 * D + u·x̂0' + u²/2·x̂0'', the exact update's x̂0'' term is e^{−h}∫_0^h e^u u²/2 du·x̂0'' = (h²/2 − h + 1 − e^{−h})·x̂0''
 * = h³/6·x̂0'' + O(h⁴); the written term −((e^{−h} − 1 + h)/h² − ½)·D2 with D2 = (D1_0 − D1_1)/(r_0 + r_1) =
 * h²/2·x̂0'' + O(h³) (a second divided difference times h²) is h³/12·x̂0'' + O(h⁴), half of it. The update therefore
 * leaves h³/12·x̂0'': local order 3, as the second-order update (asserted; dpmppThirdOrderUpdateIsDiffusersFormula
 * checks that the formula is diffusers').
 * Levels: uniform in λ = −log σ, h = log(4/0.5)/N, on a continuous schedule (no σ = 0, no last-step rules; N ≥ 64
 * keeps the steps away from lower_order_final). The fitted slope of the error over N is asserted to be K + 1 within
 * 0.15, after the local slopes have settled (spread ≤ 0.12; derivation in ConvergenceOrderTest). Double precision:
 * rounding ≤ 2^-53 · |x| ≤ 5 · 40 operations ≈ 2e-14, asserted 1000× below every measured error.
 */
class SolverLocalOrderTest {
    static final double SIGMA_HI = 4;
    static final double SIGMA_LO = 0.5;
    static final double MU = 0.3;
    static final double S2 = 0.25;
    static final double X_HI = 2.5; // the exact solution's value at σ_hi

    /** σ(t) = σ_lo·(σ_hi/σ_lo)^t, plan t_i = 1 − i/n. */
    static final Schedule LOG_UNIFORM = new Schedule() {
        @Override
        public Timestep at(double modelTime) {
            return SigmaTrajectory.level(modelTime, SIGMA_LO * Math.pow(SIGMA_HI / SIGMA_LO, modelTime));
        }

        @Override
        public StepPlan plan(int steps) {
            List<Timestep> levels = new ArrayList<>();
            for (int i = 0; i <= steps; i++) {
                levels.add(at(1 - (double) i / steps));
            }
            return StepPlan.through(levels);
        }

        @Override
        public Timestep trainingTime(double u) {
            return at(u);
        }

        @Override
        public OptionalInt trainSteps() {
            return OptionalInt.empty();
        }
    };

    static double exact(double sigma) {
        return MU + (X_HI - MU) * Math.sqrt((S2 + sigma * sigma) / (S2 + SIGMA_HI * SIGMA_HI));
    }

    static double denoised(double x, double sigma) {
        return MU + S2 / (S2 + sigma * sigma) * (x - MU);
    }

    /** |x after call K − 1 − x(σ_K)|, every call fed the exact state and D. */
    static double localError(IntFunction<SigmaSampler> sampler, int n, int k) {
        SigmaStepper s = sampler.apply(n).stepper(LOG_UNIFORM, PredictionType.SAMPLE);
        Tensor out = null;
        for (int c = 0; c < k; c++) {
            double sg = s.trajectory().sigma(c);
            double x = exact(sg);
            Tensor xt = new DoubleTensor(new double[] {x}, Shape.of(1, 1));
            out = s.step(new DoubleTensor(new double[] {denoised(x, sg)}, Shape.of(1, 1)), c, xt);
        }
        return Math.abs(DoubleTensor.of(out).values()[0] - exact(s.trajectory().sigma(k)));
    }

    static Set<Integer> all(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toSet());
    }

    static Stream<Arguments> updates() {
        SigmaSpacing sch = SigmaSpacing.schedule();
        return Stream.of(
                Arguments.of("dpmpp, order 1", (IntFunction<SigmaSampler>) n -> Samplers.dpmpp(n, sch, 1), 1, 2),
                Arguments.of("dpmpp, order 2", (IntFunction<SigmaSampler>) n -> Samplers.dpmpp(n, sch, 2), 2, 3),
                // diffusers' third-order update (see dpmppThirdOrderUpdateIsDiffusersFormula) is locally O(h³), not
                // O(h⁴)
                Arguments.of("dpmpp, order 3", (IntFunction<SigmaSampler>) n -> Samplers.dpmpp(n, sch, 3), 3, 3),
                Arguments.of(
                        "unipc UniP-1",
                        (IntFunction<SigmaSampler>) n -> Samplers.unipc(n, sch, 1, UniPc.Variant.BH2, all(n)),
                        1,
                        2),
                Arguments.of(
                        "unipc UniP-2, bh2",
                        (IntFunction<SigmaSampler>) n -> Samplers.unipc(n, sch, 2, UniPc.Variant.BH2, all(n)),
                        2,
                        3),
                Arguments.of(
                        "unipc UniP-3, bh2",
                        (IntFunction<SigmaSampler>) n -> Samplers.unipc(n, sch, 3, UniPc.Variant.BH2, all(n)),
                        3,
                        4),
                Arguments.of(
                        "unipc UniP-2, bh1",
                        (IntFunction<SigmaSampler>) n -> Samplers.unipc(n, sch, 2, UniPc.Variant.BH1, all(n)),
                        2,
                        3),
                Arguments.of(
                        "unipc UniP-3, bh1",
                        (IntFunction<SigmaSampler>) n -> Samplers.unipc(n, sch, 3, UniPc.Variant.BH1, all(n)),
                        3,
                        4));
    }

    static final int[] LADDER = {64, 96, 128, 192, 256};

    /** The third-order step of {@code Samplers.dpmpp(n, …, 3)} equals diffusers' formula evaluated by hand in double. */
    @org.junit.jupiter.api.Test
    void dpmppThirdOrderUpdateIsDiffusersFormula() {
        int n = 64;
        SigmaStepper st = Samplers.dpmpp(n, SigmaSpacing.schedule(), 3).stepper(LOG_UNIFORM, PredictionType.SAMPLE);
        double[] sg = st.trajectory().sigmas();
        double[] m = new double[3];
        Tensor out = null;
        for (int c = 0; c < 3; c++) {
            double x = exact(sg[c]);
            m[c] = denoised(x, sg[c]);
            out = st.step(
                    new DoubleTensor(new double[] {m[c]}, Shape.of(1, 1)),
                    c,
                    new DoubleTensor(new double[] {x}, Shape.of(1, 1)));
        }
        // multistep_dpm_solver_third_order_update, dpmsolver++, α = 1, λ = −log σ
        double h = Math.log(sg[2] / sg[3]);
        double h0 = Math.log(sg[1] / sg[2]);
        double h1 = Math.log(sg[0] / sg[1]);
        double r0 = h0 / h;
        double r1 = h1 / h;
        double d10 = (m[2] - m[1]) / r0;
        double d11 = (m[1] - m[0]) / r1;
        double d1 = d10 + r0 / (r0 + r1) * (d10 - d11);
        double d2 = (d10 - d11) / (r0 + r1);
        double want = sg[3] / sg[2] * exact(sg[2])
                - (Math.exp(-h) - 1) * m[2]
                + ((Math.exp(-h) - 1) / h + 1) * d1
                - ((Math.exp(-h) - 1 + h) / (h * h) - 0.5) * d2;
        // |terms| ≤ 3, ~30 operations; the (e^{−h} − 1 + h)/h² form loses log2(1/h²) ≈ 9 bits to cancellation at h =
        // 0.03
        assertThat(DoubleTensor.of(out).values()[0]).isCloseTo(want, within(ErrorBound.float64(3, 30, 2) / (h * h)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updates")
    void localErrorOfTheOrderKUpdateIsHToTheKPlusOne(
            String name, IntFunction<SigmaSampler> sampler, int k, int localOrder) {
        double[] lx = new double[LADDER.length];
        double[] ly = new double[LADDER.length];
        StringBuilder sb = new StringBuilder(name + ":");
        for (int i = 0; i < LADDER.length; i++) {
            double e = localError(sampler, LADDER[i], k);
            assertThat(e)
                    .as("%s, N=%d: above the rounding floor", name, LADDER[i])
                    .isGreaterThan(1000 * ErrorBound.float64(5, 40, 1));
            lx[i] = Math.log(LADDER[i]);
            ly[i] = Math.log(e);
            sb.append(String.format(" N=%d %.3e", LADDER[i], e));
        }
        double first = -(ly[1] - ly[0]) / (lx[1] - lx[0]);
        int m = LADDER.length - 1;
        double last = -(ly[m] - ly[m - 1]) / (lx[m] - lx[m - 1]);
        double slope = -ConvergenceOrderTest.fit(lx, ly);
        System.out.println(sb
                + String.format(
                        " local slopes %.3f .. %.3f, fitted slope %.3f (local error, order %d)",
                        first, last, slope, k));
        assertThat(Math.abs(last - first)).as("%s: local slopes settled", name).isLessThanOrEqualTo(0.12);
        assertThat(slope).as(name).isCloseTo(localOrder, within(0.15));
    }
}
