package org.diffusion4j.api;

import java.util.OptionalInt;
import org.apiguardian.api.API;

/**
 * A variance-preserving noise schedule: discrete (a β table over T training steps) or continuous
 * (log-SNR λ(u) over u ∈ [0, 1]). Immutable and thread-safe.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface Schedule {

    /** The noise level at a model time (a timestep in [0, T) or a continuous time). */
    Timestep at(double modelTime);

    /**
     * The reverse trajectory for {@code steps} inference steps, noisiest first, as explicit
     * (t, t_prev) pairs.
     *
     * @throws IllegalArgumentException if {@code steps} is not in {@code [1, T]} for a discrete schedule
     */
    StepPlan plan(int steps);

    /**
     * A training time from a uniform draw {@code u ∈ [0, 1)}: for a discrete schedule
     * t = ⌊u·T⌋ (t ~ U{0..T−1}, the paper's U{1..T} shifted to 0-based indices); for a continuous one
     * its training distribution of λ.
     */
    Timestep trainingTime(double u);

    /** T for a discrete schedule; empty for a continuous one. */
    OptionalInt trainSteps();

    /** True for a β table, false for a continuous λ schedule. */
    default boolean isDiscrete() {
        return trainSteps().isPresent();
    }
}
