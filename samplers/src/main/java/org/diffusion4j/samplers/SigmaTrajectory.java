package org.diffusion4j.samplers;

import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Tensor;

/**
 * The n + 1 noise levels σ_0 &gt; σ_1 &gt; … &gt; σ_n of a σ-space sampler, with their model times. A
 * variance-preserving state x_vp at level σ is the variance-exploding state x = x_vp·√(1 + σ²) (Karras et
 * al. 2022, arXiv 2206.00364, Table 1: s(t) = 1/√(1 + σ²)); the model is asked at x_vp, which is diffusers'
 * {@code scale_model_input}, and sampling starts from x = z·√(1 + σ_0²) (diffusers' {@code init_noise_sigma}
 * for leading spacing), so that x_vp = z as for every other sampler of the SDK. Immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SigmaTrajectory {
    private final double[] sigmas;
    private final Timestep[] levels;
    private final StepPlan plan;

    private SigmaTrajectory(double[] sigmas, Timestep[] levels) {
        for (int i = 0; i < sigmas.length; i++) {
            if (!(sigmas[i] >= 0 && Double.isFinite(sigmas[i]))) {
                throw new IllegalArgumentException(
                        "sigma[" + i + "] = " + sigmas[i] + ": sigma-space samplers need finite"
                                + " noise levels (a zero-terminal-SNR schedule has sigma_max = infinity; use ddim there)");
            }
            if (i > 0 && !(sigmas[i] < sigmas[i - 1])) {
                throw new IllegalArgumentException(
                        "sigmas must decrease strictly; sigma[" + i + "] = " + sigmas[i] + " after " + sigmas[i - 1]);
            }
        }
        this.sigmas = sigmas;
        this.levels = levels;
        int n = sigmas.length - 1;
        List<Step> steps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            steps.add(new Step(i, n, levels[i], levels[i + 1]));
        }
        this.plan = StepPlan.of(steps);
    }

    /** The level of VE noise σ at a model time: ᾱ = 1/(1 + σ²), 1 − ᾱ = σ²/(1 + σ²). */
    public static Timestep level(double modelTime, double sigma) {
        if (sigma == 0) {
            return Timestep.clean();
        }
        double s2 = sigma * sigma;
        return new Timestep(modelTime, 1 / (1 + s2), s2 / (1 + s2));
    }

    /** σ = √((1 − ᾱ)/ᾱ) of a level. */
    public static double sigmaOf(Timestep t) {
        return Math.sqrt(t.sigmaSquared() / t.alphaBar());
    }

    /** An explicit trajectory (σ strictly decreasing, n + 1 values) with its model times. */
    public static SigmaTrajectory of(double[] sigmas, double[] modelTimes) {
        if (sigmas.length < 2 || modelTimes.length != sigmas.length) {
            throw new IllegalArgumentException("need n + 1 >= 2 sigmas and as many model times");
        }
        Timestep[] lv = new Timestep[sigmas.length];
        for (int i = 0; i < sigmas.length; i++) {
            lv[i] = level(modelTimes[i], sigmas[i]);
        }
        return new SigmaTrajectory(sigmas.clone(), lv);
    }

    /**
     * The trajectory of {@code steps} steps on a schedule.
     *
     * @throws IllegalArgumentException for a table-based spacing on a continuous schedule
     */
    public static SigmaTrajectory of(Schedule schedule, int steps, SigmaSpacing spacing) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        if (spacing.kind() == SigmaSpacing.Kind.SCHEDULE) {
            StepPlan p = schedule.plan(steps);
            Timestep[] lv = new Timestep[steps + 1];
            double[] s = new double[steps + 1];
            for (int i = 0; i < steps; i++) {
                lv[i] = p.get(i).current();
            }
            lv[steps] = p.get(steps - 1).previous();
            for (int i = 0; i <= steps; i++) {
                s[i] = lv[i].alphaBar() == 0 ? Double.POSITIVE_INFINITY : sigmaOf(lv[i]);
            }
            return new SigmaTrajectory(s, lv);
        }
        int T = schedule.trainSteps()
                .orElseThrow(
                        () -> new IllegalArgumentException(
                                "sigma spacing '" + spacing
                                        + "' needs a discrete schedule's sigma table; use spacing 'schedule' with a continuous schedule"));
        double[] table = new double[T];
        double[] logTable = new double[T];
        for (int t = 0; t < T; t++) {
            table[t] = sigmaOf(schedule.at(t));
            logTable[t] = Math.log(table[t]);
        }
        double[] ts = new double[steps];
        double[] s = new double[steps + 1];
        switch (spacing.kind()) {
            case KARRAS, EXPONENTIAL, BETA -> {
                double max = table[T - 1];
                double min = table[0];
                for (int i = 0; i < steps; i++) {
                    double ramp = steps == 1 ? 0 : (double) i / (steps - 1); // np.linspace(0, 1, n)
                    if (spacing.kind() == SigmaSpacing.Kind.KARRAS) {
                        double a = Math.pow(max, 1 / spacing.rho());
                        double b = Math.pow(min, 1 / spacing.rho());
                        s[i] = Math.pow(a + ramp * (b - a), spacing.rho()); // Karras et al. eq. (5)
                    } else if (spacing.kind() == SigmaSpacing.Kind.BETA) {
                        // _convert_to_beta: σ_min + beta.ppf(1 − linspace(0, 1, n), 0.6, 0.6)·(σ_max − σ_min)
                        s[i] = min + BetaQuantile.ppf(1 - ramp, 0.6, 0.6) * (max - min);
                    } else {
                        s[i] = Math.exp(Math.log(max) + ramp * (Math.log(min) - Math.log(max)));
                    }
                    ts[i] = sigmaToT(s[i], logTable);
                }
            }
            case LINSPACE, LEADING, TRAILING -> {
                for (int i = 0; i < steps; i++) {
                    ts[i] = switch (spacing.kind()) {
                        // np.linspace(0, T − 1, n, dtype=float32): computed in double, stored as float32
                        case LINSPACE ->
                            steps == 1
                                    ? 0
                                    : (i == 0 ? T - 1 : (float) ((steps - 1 - i) * ((T - 1) / (double) (steps - 1))));
                        case LEADING -> Math.rint((steps - 1 - i) * (double) (T / steps)) + spacing.stepsOffset();
                        default -> Math.rint(T - i * ((double) T / steps)) - 1;
                    };
                    if (ts[i] < 0 || ts[i] > T - 1) {
                        throw new IllegalArgumentException("timestep " + ts[i] + " outside [0, " + (T - 1) + "]");
                    }
                    s[i] = interp(ts[i], table);
                }
                if (steps > 1 && spacing.kind() == SigmaSpacing.Kind.LINSPACE) {
                    ts[steps - 1] = 0; // np.linspace ends exactly at its stop
                    s[steps - 1] = table[0];
                }
            }
            case MULTISTEP_LINSPACE, MULTISTEP_LEADING -> {
                int ratio = T / (steps + 1);
                for (int i = 0; i < steps; i++) {
                    int j = steps - i; // index into the n + 1 points, reversed, the last (0) dropped
                    ts[i] = spacing.kind() == SigmaSpacing.Kind.MULTISTEP_LINSPACE
                            // np.linspace(0, T − 1, n + 1).round(): j·((T − 1)/n), the stop exact; half to even
                            ? (j == steps ? T - 1 : Math.rint(j * ((T - 1) / (double) steps)))
                            : (double) j * ratio + spacing.stepsOffset();
                    if (ts[i] < 0 || ts[i] > T - 1) {
                        throw new IllegalArgumentException("timestep " + ts[i] + " outside [0, " + (T - 1) + "]");
                    }
                    s[i] = table[(int) ts[i]];
                }
            }
            default -> throw new IllegalStateException();
        }
        for (int i = 0; i < steps; i++) {
            ts[i] = spacing.modelTime(ts[i]); // rounding half to even, truncation
        }
        s[steps] = 0;
        double[] mt = new double[steps + 1];
        System.arraycopy(ts, 0, mt, 0, steps);
        mt[steps] = Timestep.CLEAN;
        return of(s, mt);
    }

    /**
     * diffusers' {@code _sigma_to_t}: the fractional timestep whose log σ lies between two table entries,
     * t = (1 − w)·lo + w·(lo + 1), w = (log σ_lo − log σ)/(log σ_lo − log σ_{lo+1}) clipped to [0, 1].
     */
    static double sigmaToT(double sigma, double[] logTable) {
        double ls = Math.log(Math.max(sigma, 1e-10));
        int lo = 0;
        for (int i = 0; i < logTable.length; i++) {
            if (ls - logTable[i] >= 0) {
                lo = i; // the last index with log σ_i ≤ log σ (cumsum(dists >= 0).argmax())
            }
        }
        lo = Math.min(lo, logTable.length - 2);
        double w = (logTable[lo] - ls) / (logTable[lo] - logTable[lo + 1]);
        w = Math.min(1, Math.max(0, w));
        return (1 - w) * lo + w * (lo + 1);
    }

    /** {@code np.interp(t, arange(T), table)}. */
    static double interp(double t, double[] table) {
        int lo = (int) Math.floor(t);
        if (lo >= table.length - 1) {
            return table[table.length - 1];
        }
        double w = t - lo;
        return w == 0 ? table[lo] : table[lo] + w * (table[lo + 1] - table[lo]);
    }

    /** n, the number of steps. */
    public int steps() {
        return sigmas.length - 1;
    }

    /** σ_i, i in [0, n]. */
    public double sigma(int i) {
        return sigmas[i];
    }

    /** A copy of σ_0..σ_n. */
    public double[] sigmas() {
        return sigmas.clone();
    }

    /** The level (model time, ᾱ) of σ_i. */
    public Timestep level(int i) {
        return levels[i];
    }

    /** The model times of the n steps (diffusers' {@code scheduler.timesteps}). */
    public double[] modelTimes() {
        return plan.modelTimes();
    }

    /** The steps as a plan of variance-preserving levels. */
    public StepPlan plan() {
        return plan;
    }

    /** diffusers' {@code init_noise_sigma}: √(σ_0² + 1). */
    public double initNoiseSigma() {
        return Math.sqrt(sigmas[0] * sigmas[0] + 1);
    }

    /** diffusers' {@code scale_model_input}: x/√(σ_i² + 1), the variance-preserving state the model sees. */
    public Tensor scaleModelInput(Tensor x, int i) {
        return x.times(1 / Math.sqrt(sigmas[i] * sigmas[i] + 1));
    }

    @Override
    public String toString() {
        return "SigmaTrajectory" + java.util.Arrays.toString(sigmas);
    }
}
