package org.diffusion4j.pipeline.diffusers;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;

/**
 * A discrete schedule whose trajectories reproduce diffusers' {@code DDIMScheduler.step} exactly: the
 * previous timestep of timestep t is {@code t − T div n} (T training steps, n inference steps), and
 * the level after a negative previous timestep is the schedule's final level ({@code set_alpha_to_one}).
 *
 * <p>That rule is only right for {@code leading} spacing, where consecutive timesteps are exactly
 * {@code T div n} apart. With {@code trailing} or {@code linspace} spacing they are not, so diffusers
 * steps to a level that is not the next timestep of its own trajectory (diffusers issue #12633); for
 * example trailing, T = 1000, n = 3 has timesteps 999, 666, 332, and diffusers steps 666 → 333 and then
 * evaluates the model at 332 on a state that is at noise level 333. The wrapped schedule's own plan
 * (the default everywhere in diffusion4j) steps to the next timestep of the trajectory instead. Use this
 * wrapper only to reproduce diffusers' numbers.
 */
public final class DiffusersCompatibleSchedule implements Schedule {
    private final Schedule inner;
    private final int T;

    /**
     * @param inner a discrete schedule
     * @throws IllegalArgumentException for a continuous schedule (diffusers' rule needs T)
     */
    public DiffusersCompatibleSchedule(Schedule inner) {
        this.inner = inner;
        this.T = inner.trainSteps()
                .orElseThrow(() -> new IllegalArgumentException(
                        "diffusersCompatible needs a discrete schedule (with a number of training timesteps), not "
                                + inner));
    }

    /** The schedule whose levels are used. */
    public Schedule inner() {
        return inner;
    }

    @Override
    public Timestep at(double modelTime) {
        return inner.at(modelTime);
    }

    /** The inner plan's timesteps, each stepping to {@code t − T div n} (diffusers' DDIM rule). */
    @Override
    public StepPlan plan(int steps) {
        StepPlan own = inner.plan(steps);
        Timestep last = own.get(own.size() - 1).previous(); // the final level: ᾱ = 1 or ᾱ_0
        int ratio = T / steps;
        List<Timestep> levels = new ArrayList<>();
        List<Timestep> previous = new ArrayList<>();
        for (int i = 0; i < own.size(); i++) {
            Timestep t = own.get(i).current();
            long prevT = t.discreteTime() - ratio; // diffusers: prev_timestep = timestep - T // n
            levels.add(t);
            previous.add(prevT >= 0 ? inner.at(prevT) : last);
        }
        return PlanOfPairs.of(levels, previous);
    }

    @Override
    public Timestep trainingTime(double u) {
        return inner.trainingTime(u);
    }

    @Override
    public OptionalInt trainSteps() {
        return inner.trainSteps();
    }

    @Override
    public String toString() {
        return "DiffusersCompatible[" + inner + "]";
    }
}
