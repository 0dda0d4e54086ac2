package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.testkit.DoubleTensor;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;

/**
 * PNDM's Runge–Kutta warm-up (Liu et al. 2022, arXiv 2202.09778, F-PNDM; diffusers' {@code skip_prk_steps=False}).
 *
 * <p>Convergence: on a continuous schedule whose σ is linear in the model time, the schedule's plan has equal σ
 * steps, so the pseudo Runge–Kutta steps are classical RK4 in σ (stages at the σ midpoint; the transfer φ is
 * x + (σ' − σ)·ε, an Euler step in σ) and eq. 12 is the equal-step Adams–Bashforth 4 (Hairer, Nørsett &amp; Wanner,
 * <i>Solving ODEs I</i>, §III.1). Three RK4 steps (local error O(h⁵)) then AB4 (global O(h⁴)): order 4. The PLMS
 * warm-up's first two steps have local error O(h³) (a trapezoid step, then AB2), which no later step removes: order
 * 3. The ODE is one mixture component's exact probability-flow ODE (closed-form solution, see
 * {@link ConvergenceOrderTest}), run in double from σ = 4 to σ = 0.5.
 */
class PndmRungeKuttaTest {
    static final double SIGMA_HI = 4;
    static final double SIGMA_LO = 0.5;

    /** A continuous schedule with σ(t) = σ_lo + (σ_hi − σ_lo)·t, its plan at t_i = 1 − i/n (σ_n = σ_lo). */
    static final Schedule LINEAR_SIGMA = new Schedule() {
        @Override
        public Timestep at(double modelTime) {
            return SigmaTrajectory.level(modelTime, SIGMA_LO + (SIGMA_HI - SIGMA_LO) * modelTime);
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

    static SampleRequest request(Schedule schedule, NoisePredictor predictor) {
        int b = ConvergenceOrderTest.B;
        int[] labels = new int[b];
        for (int i = 0; i < b; i++) {
            labels[i] = ConvergenceOrderTest.label(i);
        }
        return SampleRequest.builder()
                .predictor(predictor)
                .schedule(schedule)
                .conditions(Conditions.labels(labels))
                .sampleShape(2)
                .seed(7)
                .tensors(DoubleTensor.FACTORY)
                .build();
    }

    /**
     * The largest |error| of the VE state after {@code steps} of the N steps (N: the whole run) against the exact ODE
     * solution at that level, σ = σ_hi − (σ_hi − σ_lo)·steps/N.
     */
    static double error(Sampler sampler, int n, int steps) {
        SampleRequest req = request(LINEAR_SIGMA, ConvergenceOrderTest.ORACLE);
        double[] z = DoubleTensor.of(req.openNoise().next(req.sampleShape(), DoubleTensor.FACTORY))
                .values();
        double[][] at = new double[1][];
        sampler.sample(req, e -> {
            if (e.step().index() == steps - 1) {
                at[0] = DoubleTensor.of(e.state()).values().clone();
            }
        });
        double sigma = SIGMA_HI - (SIGMA_HI - SIGMA_LO) * steps / n;
        double err = 0;
        for (int i = 0; i < ConvergenceOrderTest.B; i++) {
            int k = ConvergenceOrderTest.label(i);
            double s2 = ConvergenceOrderTest.MIX.std(k) * ConvergenceOrderTest.MIX.std(k);
            for (int j = 0; j < 2; j++) {
                double mu = ConvergenceOrderTest.MIX.mean(k)[j];
                double xT = z[2 * i + j] * Math.sqrt(1 + SIGMA_HI * SIGMA_HI);
                double exact = mu + (xT - mu) * Math.sqrt((s2 + sigma * sigma) / (s2 + SIGMA_HI * SIGMA_HI));
                err = Math.max(err, Math.abs(at[0][2 * i + j] * Math.sqrt(1 + sigma * sigma) - exact));
            }
        }
        return err;
    }

    /** The fitted slope of the error after {@code steps} steps ({@code 0}: all) over a ladder of N. */
    static double slope(String name, Pndm.WarmUp warmUp, int[] ladder, int steps, boolean settled) {
        double[] lx = new double[ladder.length];
        double[] ly = new double[ladder.length];
        StringBuilder sb = new StringBuilder(name + ":");
        for (int i = 0; i < ladder.length; i++) {
            int n = ladder[i];
            int taken = steps == 0 ? n : steps;
            double e = error(Samplers.pndm(n, SigmaSpacing.schedule(), warmUp), n, taken);
            lx[i] = Math.log(n);
            ly[i] = Math.log(e);
            sb.append(String.format(" N=%d %.3e", n, e));
            // rounding stays far below: 2^-53 · |x_VE| ≤ 15 (4·√(1 + 4²) at most) · 10 operations per model call
            // · 4 calls per step · the steps taken, ×2 for the expected side; 100× that
            assertThat(e).isGreaterThan(100 * ErrorBound.float64(15, 40.0 * taken, 2));
        }
        double first = -(ly[1] - ly[0]) / (lx[1] - lx[0]);
        int m = ladder.length - 1;
        double last = -(ly[m] - ly[m - 1]) / (lx[m] - lx[m - 1]);
        double slope = -ConvergenceOrderTest.fit(lx, ly);
        System.out.println(sb + String.format(" local slopes %.3f .. %.3f, fitted slope %.3f", first, last, slope));
        // settled local slopes put the fit within 0.15 of the order (derivation in ConvergenceOrderTest)
        if (settled) {
            assertThat(Math.abs(last - first))
                    .as("%s: local slopes settled", name)
                    .isLessThanOrEqualTo(0.12);
        } else {
            // still approaching the order from above: local slopes decrease along the ladder
            assertThat(last).as("%s: local slopes decreasing", name).isLessThan(first);
        }
        return settled ? slope : last;
    }

    static final int[] WARM_UP_LADDER = {12, 16, 24, 32, 48};
    static final int[] PLMS_WARM_UP_LADDER = {64, 96, 128, 192, 256};
    static final int[] RUN_LADDER = {128, 192, 256, 384, 512};

    /**
     * After the three warm-up steps: three RK4 local errors O(h⁵), so slope 5. Between the pre-asymptotic range
     * (local slopes above 5, decreasing: the next terms of the local error are positive here) and the rounding floor
     * the ladder cannot settle to 0.12; asserted: the last local slope is still ≥ 5 − 0.15 (an order-4 error would
     * have brought it to 4 ± 0.15).
     */
    @Test
    void rungeKuttaWarmUpIsFifthOrderLocally() {
        assertThat(slope(
                        "pndm runge_kutta, after the 3 warm-up steps",
                        Pndm.WarmUp.RUNGE_KUTTA,
                        WARM_UP_LADDER,
                        3,
                        false))
                .isGreaterThanOrEqualTo(4.85);
    }

    /** After PLMS's three warm-up steps (trapezoid, AB2, AB3): the first two local errors O(h³), so slope 3. */
    @Test
    void plmsWarmUpIsThirdOrderLocally() {
        assertThat(slope("pndm plms, after the 3 warm-up steps", Pndm.WarmUp.PLMS, PLMS_WARM_UP_LADDER, 3, true))
                .isCloseTo(3, within(0.15));
    }

    /** The whole run: RK4 warm-up and AB4, order 4. */
    @Test
    void rungeKuttaRunIsFourthOrderOnEqualSteps() {
        assertThat(slope("pndm runge_kutta, whole run", Pndm.WarmUp.RUNGE_KUTTA, RUN_LADDER, 0, true))
                .isCloseTo(4, within(0.15));
    }

    /**
     * One Runge–Kutta step by hand on the equal-σ schedule with a linear ε-model, ε(x, t) = a·x + b·t + c (VP input
     * x): the four stages and their model times (the model-time midpoint), then the fourth step, the first
     * multistep one, with eq. 12 over the three warm-up ε and its own.
     */
    @Test
    void firstStepsFollowTheStagesByHand() {
        int n = 4;
        double a = 0.3;
        double b = 0.2;
        double c = 0.05;
        List<Double> times = new ArrayList<>();
        NoisePredictor p = NoisePredictor.of(PredictionType.EPSILON, (x, t, cond) -> {
            times.add(t.modelTime());
            double[] v = DoubleTensor.of(x).values();
            return new DoubleTensor(new double[] {a * v[0] + b * t.modelTime() + c}, x.shape());
        });
        double z = 0.7;
        SampleRequest req = SampleRequest.builder()
                .predictor(p)
                .schedule(LINEAR_SIGMA)
                .conditions(Conditions.unconditional(1))
                .sampleShape(1)
                .initialState(new DoubleTensor(new double[] {z}, org.diffusion4j.api.tensor.Shape.of(1, 1)))
                .tensors(DoubleTensor.FACTORY)
                .build();
        List<Double> states = new ArrayList<>();
        double result = DoubleTensor.of(Samplers.pndm(n, SigmaSpacing.schedule(), Pndm.WarmUp.RUNGE_KUTTA)
                        .sample(req, e -> states.add(DoubleTensor.of(e.state()).values()[0])))
                .values()[0];
        // by hand, in VE coordinates x = x_vp·√(1 + σ²)
        double[] ts = {1, 0.75, 0.5, 0.25, 0};
        double[] sg = new double[5];
        for (int i = 0; i < 5; i++) {
            sg[i] = SIGMA_LO + (SIGMA_HI - SIGMA_LO) * ts[i];
        }
        List<Double> expectTimes = new ArrayList<>();
        double x = z * Math.sqrt(1 + sg[0] * sg[0]);
        List<Double> ets = new ArrayList<>();
        double[] expectStates = new double[n];
        for (int i = 0; i < 3; i++) {
            double tm = (ts[i] + ts[i + 1]) / 2;
            double sm = SIGMA_LO + (SIGMA_HI - SIGMA_LO) * tm;
            double e0 = eps(a, b, c, x, sg[i], ts[i]);
            double e1 = eps(a, b, c, x + (sm - sg[i]) * e0, sm, tm);
            double e2 = eps(a, b, c, x + (sm - sg[i]) * e1, sm, tm);
            double e3 = eps(a, b, c, x + (sg[i + 1] - sg[i]) * e2, sg[i + 1], ts[i + 1]);
            expectTimes.addAll(List.of(ts[i], tm, tm, ts[i + 1]));
            ets.add(e0);
            x = x + (sg[i + 1] - sg[i]) * (e0 + 2 * e1 + 2 * e2 + e3) / 6;
            expectStates[i] = x / Math.sqrt(1 + sg[i + 1] * sg[i + 1]);
        }
        double e = eps(a, b, c, x, sg[3], ts[3]);
        expectTimes.add(ts[3]);
        x = x + (sg[4] - sg[3]) * (55 * e - 59 * ets.get(2) + 37 * ets.get(1) - 9 * ets.get(0)) / 24;
        expectStates[3] = x / Math.sqrt(1 + sg[4] * sg[4]);
        assertThat(times).hasSize(n + 9).containsExactlyElementsOf(expectTimes);
        // double throughout: |x| ≤ 3, ≤ 20 operations per model call, 13 calls; ×2 both sides
        double tol = ErrorBound.float64(3, 20 * 13, 2);
        for (int i = 0; i < n; i++) {
            assertThat(states.get(i)).as("state after step %d", i).isCloseTo(expectStates[i], within(tol));
        }
        assertThat(result).isCloseTo(expectStates[3], within(tol));
    }

    /** ε of the linear model at the VE state x on level σ with model time t. */
    static double eps(double a, double b, double c, double x, double sigma, double t) {
        return a * x / Math.sqrt(1 + sigma * sigma) + b * t + c;
    }

    @Test
    void fewerThanFourStepsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Samplers.pndm(3, SigmaSpacing.schedule(), Pndm.WarmUp.RUNGE_KUTTA))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("steps >= 4")
                .hasMessageContaining("got 3");
        assertThatThrownBy(() -> Pndm.WarmUp.parse("rk45"))
                .hasMessageContaining("'rk45'")
                .hasMessageContaining("runge_kutta");
    }
}
