package org.diffusion4j.samplers;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apiguardian.api.API;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

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
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
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
                default ->
                    throw new IllegalArgumentException("unknown pndm warmUp '" + s + "'; known: plms, runge_kutta");
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
        Timestep mid = SigmaTrajectory.level(spacing.modelTime(mt), sm);
        return new Timestep[] {mid, mid};
    }

    /**
     * Model calls. PLMS: step 0 asks twice (n &gt; 1), every other step once. Runge–Kutta: steps 0–2 ask four times
     * (stages 0–3), then once per step.
     */
    @Override
    SigmaMachine machine(SigmaTrajectory trajectory, Schedule schedule) {
        int n = trajectory.steps();
        boolean rk = warmUp == WarmUp.RUNGE_KUTTA;
        int calls = rk ? n + 9 : (n > 1 ? n + 1 : 1);
        int[] stepOf = new int[calls];
        int[] stage = new int[calls];
        for (int k = 0; k < calls; k++) {
            if (rk) {
                stepOf[k] = k < 12 ? k / 4 : k - 9;
                stage[k] = k < 12 ? k % 4 : 0;
            } else {
                stepOf[k] = Math.max(0, k - 1);
                stage[k] = k == 1 && n > 1 ? 1 : 0;
            }
        }
        Timestep[][] levels = new Timestep[rk ? 3 : 0][];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = stageLevels(schedule, trajectory, spacing(), i);
        }
        return new SigmaMachine(trajectory) {
            private final Deque<Tensor> ets = new ArrayDeque<>(); // newest first
            private @Nullable Tensor start; // the step's starting state (diffusers' cur_sample)
            private @Nullable Tensor e0;
            private @Nullable Tensor e1;
            private @Nullable Tensor e2;

            @Override
            int calls() {
                return calls;
            }

            @Override
            int stepIndex(int k) {
                return stepOf[k];
            }

            @Override
            boolean completes(int k) {
                return rk ? (k >= 12 || stage[k] == 3) : !(k == 0 && n > 1);
            }

            @Override
            Step modelStep(int k) {
                int i = stepOf[k];
                if (!rk) {
                    return stage[k] == 0 ? tr.plan().get(i) : innerStep(0, 1);
                }
                return switch (stage[k]) {
                    case 0 -> tr.plan().get(i);
                    case 1, 2 -> new Step(i, n, levels[i][1], tr.level(i + 1));
                    default -> new Step(i, n, tr.level(i + 1), tr.level(i + 1));
                };
            }

            @Override
            double inputScale(int k) {
                int i = stepOf[k];
                if (!rk || stage[k] == 0) {
                    return scaleAt(i + stage[k]);
                }
                return switch (stage[k]) {
                    case 1 -> vpScale(levels[i][0]); // the state lies at σ_L, the model is asked at σ_M
                    case 2 -> vpScale(levels[i][1]);
                    default -> scaleAt(i + 1);
                };
            }

            @Override
            Tensor step(Prediction p, int k, Tensor x, @Nullable Tensor noise) {
                int i = stepOf[k];
                double s = tr.sigma(i);
                double sn = tr.sigma(i + 1);
                if (stage[k] == 0) {
                    Tensor den = p.x0();
                    denoised = den;
                    Tensor e = x.linear(1 / s, den, -1 / s);
                    ets.addFirst(e);
                    if (ets.size() > 4) {
                        ets.removeLast();
                    }
                    if (rk && k < 12) { // Runge–Kutta stage 0: to σ_L with e_0
                        start = x;
                        e0 = e;
                        return x.linear(1, e, SigmaTrajectory.sigmaOf(levels[i][0]) - s);
                    }
                    if (!rk && k == 0 && n > 1) { // PLMS's second-order start: the Euler point x'
                        start = x;
                        e0 = e;
                        return x.linear(1, e, sn - s);
                    }
                    double[] w = weights(ets.size());
                    java.util.Iterator<Tensor> it = ets.iterator(); // e_i, e_{i−1}, …: at least e just added
                    Tensor comb = it.next().times(w[0]);
                    for (int j = 1; it.hasNext(); j++) {
                        comb = comb.linear(1, it.next(), w[j]);
                    }
                    return x.linear(1, comb, sn - s);
                }
                Tensor x0 = stored(start, "pndm: the step's starting state");
                Tensor first = stored(e0, "pndm: the step's e_0");
                if (!rk) { // PLMS step 0, second call at σ_1: x_1 = φ(x_0, (e_0 + e')/2), e' discarded
                    Tensor comb = first.linear(0.5, x.linear(1 / sn, p.x0(), -1 / sn), 0.5);
                    return x0.linear(1, comb, sn - s);
                }
                double sm = SigmaTrajectory.sigmaOf(levels[i][1]);
                return switch (stage[k]) {
                    case 1 -> {
                        Tensor e = p.epsilon();
                        e1 = e;
                        yield x0.linear(1, e, sm - s);
                    }
                    case 2 -> {
                        Tensor e = p.epsilon();
                        e2 = e;
                        yield x0.linear(1, e, sn - s);
                    }
                    default -> {
                        Tensor comb = first.linear(
                                        1 / 6.0,
                                        stored(e1, "pndm: the step's e_1"),
                                        1 / 3.0,
                                        stored(e2, "pndm: the step's e_2"),
                                        1 / 3.0)
                                .linear(1, p.epsilon(), 1 / 6.0);
                        yield x0.linear(1, comb, sn - s);
                    }
                };
            }
        };
    }

    /** 1/√(σ² + 1) of a level. */
    private static double vpScale(Timestep level) {
        double sg = SigmaTrajectory.sigmaOf(level);
        return 1 / Math.sqrt(1 + sg * sg);
    }

    @Override
    public String toString() {
        return "Pndm[" + fields() + (warmUp == WarmUp.PLMS ? "" : ", warmUp=" + warmUp) + "]";
    }
}
