package org.diffusion4j.schedules;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.apiguardian.api.API;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;

/**
 * A discrete variance-preserving schedule: a table of T values β_t with α_t = 1 − β_t and
 * ᾱ_t = Π_{s ≤ t} α_s (Ho et al. 2020, arXiv 2006.11239, §2, the definitions before eq. 4), indexed by 0-based model
 * timesteps t = 0..T−1.
 *
 * <p>Inference trajectories follow diffusers' {@code DDIMScheduler}: {@link TimestepSpacing},
 * {@code steps_offset}, and {@code set_alpha_to_one} for the level after the last timestep (ᾱ = 1, or
 * ᾱ_0). The previous level of each step is the next timestep of the trajectory itself, never
 * {@code t − T/n} (which is wrong for {@code linspace}/{@code trailing}, diffusers #12633).
 *
 * <p>Immutable and thread-safe. Build one with {@link Schedules} or {@link #builder(double[])}.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class DiscreteSchedule implements Schedule {
    private final double[] betas;
    private final double[] alphaBars;
    private final double[] oneMinusAlphaBars;
    private final TimestepSpacing spacing;
    private final int stepsOffset;
    private final boolean setAlphaToOne;
    private final String name;

    private DiscreteSchedule(Builder b) {
        this.betas = b.betas.clone();
        this.spacing = b.spacing;
        this.stepsOffset = b.stepsOffset;
        this.setAlphaToOne = b.setAlphaToOne;
        this.name = b.name;
        int T = betas.length;
        if (T < 1) {
            throw new IllegalArgumentException("a discrete schedule needs at least one beta");
        }
        if (stepsOffset < 0) {
            throw new IllegalArgumentException("steps_offset must be >= 0, got " + stepsOffset);
        }
        alphaBars = new double[T];
        oneMinusAlphaBars = new double[T];
        double logAb = 0;
        for (int t = 0; t < T; t++) {
            double beta = betas[t];
            if (!(beta > 0 && beta <= 1)) {
                throw new IllegalArgumentException("beta[" + t + "] = " + beta + " is outside (0, 1]");
            }
            logAb += Math.log1p(-beta);
            alphaBars[t] = Math.exp(logAb);
            oneMinusAlphaBars[t] = -Math.expm1(logAb);
        }
    }

    /** A builder over an explicit β table. */
    public static Builder builder(double[] betas) {
        return new Builder(betas);
    }

    /** A builder holding this schedule's settings. */
    public Builder toBuilder() {
        return new Builder(betas)
                .spacing(spacing)
                .stepsOffset(stepsOffset)
                .setAlphaToOne(setAlphaToOne)
                .name(name);
    }

    /** T, the number of training timesteps. */
    public int length() {
        return betas.length;
    }

    /** β_t (0-based t). */
    public double beta(int t) {
        return betas[check(t)];
    }

    /** α_t = 1 − β_t. */
    public double alpha(int t) {
        return 1 - betas[check(t)];
    }

    /** ᾱ_t = Π_{s ≤ t} α_s. */
    public double alphaBar(int t) {
        return alphaBars[check(t)];
    }

    /** σ_t = √(1 − ᾱ_t). */
    public double sigma(int t) {
        return Math.sqrt(oneMinusAlphaBars[check(t)]);
    }

    /** λ_t = log(ᾱ_t / (1 − ᾱ_t)). */
    public double lambda(int t) {
        return Math.log(alphaBars[check(t)]) - Math.log(oneMinusAlphaBars[t]);
    }

    /** A copy of the β table. */
    public double[] betas() {
        return betas.clone();
    }

    /** A copy of the ᾱ table. */
    public double[] alphaBars() {
        return alphaBars.clone();
    }

    public TimestepSpacing spacing() {
        return spacing;
    }

    public int stepsOffset() {
        return stepsOffset;
    }

    public boolean setAlphaToOne() {
        return setAlphaToOne;
    }

    /** The noise level of timestep t. */
    public Timestep level(int t) {
        check(t);
        return new Timestep(t, alphaBars[t], oneMinusAlphaBars[t]);
    }

    @Override
    public Timestep at(double modelTime) {
        int t = (int) modelTime;
        if (t != modelTime) {
            throw new IllegalArgumentException("a discrete schedule has integer model times; got " + modelTime);
        }
        return level(t);
    }

    /** The level after the last timestep: ᾱ = 1 with {@code set_alpha_to_one}, else ᾱ_0. */
    public Timestep finalLevel() {
        return setAlphaToOne ? Timestep.clean() : level(0);
    }

    /** The inference timesteps for n steps, noisiest first (diffusers' {@code scheduler.timesteps}). */
    public int[] timesteps(int n) {
        return spacing.timesteps(betas.length, n, stepsOffset);
    }

    @Override
    public StepPlan plan(int steps) {
        int[] ts = timesteps(steps);
        List<Timestep> levels = new ArrayList<>(ts.length + 1);
        for (int t : ts) {
            levels.add(level(t));
        }
        levels.add(finalLevel());
        return StepPlan.through(levels);
    }

    @Override
    public Timestep trainingTime(double u) {
        if (!(u >= 0 && u < 1)) {
            throw new IllegalArgumentException("u must be in [0, 1), got " + u);
        }
        return level((int) (u * betas.length)); // t ~ U{0..T−1} (Ho et al. 2020, Algorithm 1, line 3, 0-based)
    }

    @Override
    public OptionalInt trainSteps() {
        return OptionalInt.of(betas.length);
    }

    private int check(int t) {
        if (t < 0 || t >= betas.length) {
            throw new IndexOutOfBoundsException("timestep " + t + " outside [0, " + betas.length + ")");
        }
        return t;
    }

    @Override
    public String toString() {
        return "DiscreteSchedule[" + name + ", T=" + betas.length + ", spacing=" + spacing.label() + ", steps_offset="
                + stepsOffset + ", set_alpha_to_one=" + setAlphaToOne + "]";
    }

    /** Builder; defaults as diffusers' DDIMScheduler: leading spacing, offset 0, set_alpha_to_one. */
    public static final class Builder {
        private double[] betas;
        private TimestepSpacing spacing = TimestepSpacing.LEADING;
        private int stepsOffset;
        private boolean setAlphaToOne = true;
        private String name = "betas";

        private Builder(double[] betas) {
            this.betas = betas.clone();
        }

        public Builder spacing(TimestepSpacing s) {
            this.spacing = s;
            return this;
        }

        public Builder stepsOffset(int o) {
            this.stepsOffset = o;
            return this;
        }

        public Builder setAlphaToOne(boolean v) {
            this.setAlphaToOne = v;
            return this;
        }

        /** Rescale β for zero terminal SNR (Lin et al. 2023, arXiv 2305.08891, Algorithm 1); ᾱ_{T−1} becomes 0. */
        public Builder rescaleZeroTerminalSnr() {
            this.betas = BetaSchedules.rescaleZeroTerminalSnr(betas);
            return this;
        }

        /** A name for messages (the β schedule it came from). */
        public Builder name(String n) {
            this.name = n;
            return this;
        }

        public DiscreteSchedule build() {
            return new DiscreteSchedule(this);
        }
    }
}
