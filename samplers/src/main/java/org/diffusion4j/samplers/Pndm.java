package org.diffusion4j.samplers;

import java.util.ArrayDeque;
import java.util.Deque;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.StepListener;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Tensor;

/**
 * PNDM's pseudo numerical methods (Liu et al. 2022, arXiv 2202.09778), with diffusers' {@code PNDMScheduler}
 * semantics. The transfer φ of eq. 11 is the DDIM step, which in σ-space reads φ(x, ε, σ → σ') = x + (σ' − σ)·ε,
 * ε = (x − D)/σ. With e_i = ε(x_i, σ_i), the linear multistep part (S-PNDM/PLMS, eqs. 12–13):
 * <pre>
 *   x_{i+1} = φ(x_i, (55e_i − 59e_{i−1} + 37e_{i−2} − 9e_{i−3})/24)                          (eq. 12)
 * </pre>
 * Two warm-ups ({@link WarmUp}):
 * <ul>
 *   <li>{@link WarmUp#PLMS} ({@code skip_prk_steps=True}, Stable Diffusion's configs): step 0 (n ≥ 2) is
 *   x' = φ(x_0, e_0), e' = ε(x', σ_1), x_1 = φ(x_0, (e_0 + e')/2) (e' is discarded); then the weights
 *   (3, −1)/2 and (23, −16, 5)/12 until four ε are known. n steps take n + 1 model calls.</li>
 *   <li>{@link WarmUp#RUNGE_KUTTA} ({@code skip_prk_steps=False}, the class default; F-PNDM, eqs. 9–10 with the
 *   pseudo Runge–Kutta method of Algorithm 2): each of the first three steps σ_i → σ_{i+1} takes four model calls,
 *   <pre>
 *   e_0 = ε(x, σ_i),  e_1 = ε(φ(x, e_0, σ_i → σ_L), σ_M),  e_2 = ε(φ(x, e_1, σ_i → σ_M), σ_M),
 *   e_3 = ε(φ(x, e_2, σ_i → σ_{i+1}), σ_{i+1}),  x_{i+1} = φ(x, (e_0 + 2e_1 + 2e_2 + e_3)/6, σ_i → σ_{i+1})
 *   </pre>
 *   and only e_0 enters the multistep history, so step 3 already uses eq. 12. n ≥ 4 steps take n + 9 model calls
 *   (diffusers' {@code timesteps}: the 12 PRK timesteps, then the n − 3 PLMS ones). The stage levels are diffusers'
 *   on a discrete schedule's own plan: σ_L at t_i − h (where {@code step_prk}'s first stage lands) and σ_M at
 *   t_{i+1} + h (the model time of the two middle stages), h = (T div n) div 2; where T div n is odd these differ by
 *   one timestep, and the model is then asked at t_{i+1} + h with the state at t_i − h, as diffusers does. On σ
 *   spacings (Karras, …) σ_L = σ_M = (σ_i + σ_{i+1})/2 with its model time from the log-σ table (classical RK4 in
 *   σ); on a continuous schedule's plan, the level at the model-time midpoint (t_i + t_{i+1})/2.</li>
 * </ul>
 * The coefficients of eq. 12 assume equal steps, as the paper's. With {@link SigmaSpacing#schedule()} on a
 * discrete schedule with {@code leading} spacing the levels, including the final ᾱ (1, or ᾱ_0 without
 * {@code set_alpha_to_one}), are diffusers'. The model's ε is taken at the point it was asked at (for
 * v-prediction diffusers instead converts the combined v with the step's starting state and ᾱ; identical for
 * ε-prediction). Immutable and thread-safe.
 */
public final class Pndm extends SigmaSampler {

    /** How the multistep method starts. */
    public enum WarmUp {
        /** diffusers' {@code skip_prk_steps=True}: a second-order first step, then multistep orders 2 and 3. */
        PLMS,
        /** diffusers' {@code skip_prk_steps=False}: three pseudo Runge–Kutta steps of four model calls each. */
        RUNGE_KUTTA;

        /** Parses {@code plms} (alias {@code skip_prk_steps}) or {@code runge_kutta} (aliases {@code prk}, {@code rk}). */
        public static WarmUp parse(String s) {
            return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "plms", "skip_prk_steps" -> PLMS;
                case "runge_kutta", "prk", "rk" -> RUNGE_KUTTA;
                default -> throw new IllegalArgumentException("unknown pndm warmUp '" + s + "'; known: plms, runge_kutta");
            };
        }
    }

    private final WarmUp warmUp;

    /** PNDM with the {@link WarmUp#PLMS} warm-up. */
    public Pndm(int steps, SigmaSpacing spacing) {
        this(steps, spacing, WarmUp.PLMS);
    }

    /**
     * @throws IllegalArgumentException for the Runge–Kutta warm-up with fewer than 4 steps (diffusers' needs its three
     *                                  warm-up steps and one multistep step)
     */
    public Pndm(int steps, SigmaSpacing spacing, WarmUp warmUp) {
        super("pndm", steps, spacing);
        if (warmUp == WarmUp.RUNGE_KUTTA && steps < 4) {
            throw new IllegalArgumentException("pndm: the runge_kutta warm-up needs steps >= 4 (three Runge-Kutta steps"
                    + " and the multistep ones, as diffusers' PNDMScheduler), got " + steps);
        }
        this.warmUp = warmUp;
    }

    public WarmUp warmUp() {
        return warmUp;
    }

    /** The combined ε of eq. 12 and its warm-up, from the history (newest first, 1..4 entries). */
    static double[] weights(int available) {
        return switch (available) {
            case 1 -> new double[] {1};
            case 2 -> new double[] {1.5, -0.5};
            case 3 -> new double[] {23 / 12.0, -16 / 12.0, 5 / 12.0};
            default -> new double[] {55 / 24.0, -59 / 24.0, 37 / 24.0, -9 / 24.0};
        };
    }

    /**
     * The two stage levels of Runge–Kutta step i: {where the first stage lands (σ_L), where the middle stages ask
     * the model (σ_M)}; see the class comment.
     */
    static Timestep[] stageLevels(Schedule schedule, SigmaTrajectory tr, SigmaSpacing spacing, int i) {
        Timestep from = tr.level(i);
        Timestep to = tr.level(i + 1);
        if (spacing.kind() == SigmaSpacing.Kind.SCHEDULE) {
            if (schedule.trainSteps().isPresent()) {
                int h = schedule.trainSteps().getAsInt() / tr.steps() / 2; // T // n // 2
                return new Timestep[] {schedule.at(from.modelTime() - h), schedule.at(to.modelTime() + h)};
            }
            Timestep mid = schedule.at((from.modelTime() + to.modelTime()) / 2);
            return new Timestep[] {mid, mid};
        }
        int T = schedule.trainSteps().orElseThrow();
        double[] logTable = new double[T];
        for (int t = 0; t < T; t++) {
            logTable[t] = Math.log(SigmaTrajectory.sigmaOf(schedule.at(t)));
        }
        double sm = (tr.sigma(i) + tr.sigma(i + 1)) / 2;
        double mt = SigmaTrajectory.sigmaToT(sm, logTable);
        Timestep mid = SigmaTrajectory.level(spacing.roundModelTime() ? Math.rint(mt) : mt, sm);
        return new Timestep[] {mid, mid};
    }

    @Override
    public Tensor sample(SampleRequest request, StepListener listener) {
        SigmaRun r = SigmaRun.start(request, steps(), spacing(), "pndm", listener);
        Tensor x = r.initial();
        Deque<Tensor> ets = new ArrayDeque<>(); // newest first
        for (int i = 0; i < r.n; i++) {
            double s = r.sigma(i);
            double sn = r.sigma(i + 1);
            Tensor den = r.denoise(x, i, i);
            Tensor e = x.linear(1 / s, den, -1 / s);
            ets.addFirst(e);
            if (ets.size() > 4) {
                ets.removeLast();
            }
            Tensor comb;
            if (warmUp == WarmUp.RUNGE_KUTTA && i < 3) {
                comb = rungeKuttaEpsilon(r, request.schedule(), x, e, i);
            } else if (warmUp == WarmUp.PLMS && i == 0 && r.n > 1) {
                Tensor xp = x.linear(1, e, sn - s);
                Tensor dp = r.denoise(xp, 1, 0);
                comb = e.linear(0.5, xp.linear(1 / sn, dp, -1 / sn), 0.5);
            } else {
                double[] w = weights(ets.size());
                comb = null;
                int j = 0;
                for (Tensor et : ets) {
                    comb = comb == null ? et.times(w[j]) : comb.linear(1, et, w[j]);
                    j++;
                }
            }
            x = x.linear(1, comb, sn - s);
            r.completed(i, x, den);
        }
        return r.result(x);
    }

    /** (e_0 + 2e_1 + 2e_2 + e_3)/6 of Runge–Kutta step i from the VE state x with e_0 = e. */
    private Tensor rungeKuttaEpsilon(SigmaRun r, Schedule schedule, Tensor x, Tensor e0, int i) {
        Timestep[] lm = stageLevels(schedule, r.trajectory, spacing(), i);
        double s = r.sigma(i);
        double sl = SigmaTrajectory.sigmaOf(lm[0]);
        double sm = SigmaTrajectory.sigmaOf(lm[1]);
        double sn = r.sigma(i + 1);
        Tensor x1 = x.linear(1, e0, sl - s);
        Tensor e1 = r.epsilonAt(x1.times(1 / Math.sqrt(1 + sl * sl)), lm[1], i);
        Tensor x2 = x.linear(1, e1, sm - s);
        Tensor e2 = r.epsilonAt(x2.times(1 / Math.sqrt(1 + sm * sm)), lm[1], i);
        Tensor x3 = x.linear(1, e2, sn - s);
        Tensor e3 = r.epsilonAt(r.trajectory.scaleModelInput(x3, i + 1), r.trajectory.level(i + 1), i);
        return e0.linear(1 / 6.0, e1, 1 / 3.0, e2, 1 / 3.0).linear(1, e3, 1 / 6.0);
    }

    @Override
    public String toString() {
        return "Pndm[" + fields() + (warmUp == WarmUp.PLMS ? "" : ", warmUp=" + warmUp) + "]";
    }
}
