package org.diffusion4j.api;

import org.apiguardian.api.API;

/**
 * One reverse step of a sampling trajectory, from the noisier {@code current} level to the cleaner
 * {@code previous} one (the paper's t → t−1, or t → t−Δt on a sub-trajectory).
 *
 * @param index    0 for the first (noisiest) step
 * @param count    number of steps in the plan
 * @param current  x_t's level, where the model is evaluated
 * @param previous x_{t_prev}'s level; {@link Timestep#clean()} at the end when the schedule sets ᾱ to 1
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public record Step(int index, int count, Timestep current, Timestep previous) {

    public Step {
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("step index " + index + " outside [0, " + count + ")");
        }
        if (!(previous.alphaBar() >= current.alphaBar())) {
            throw new IllegalArgumentException(
                    "step " + index + " from model time " + current.modelTime() + " (alphaBar "
                            + current.alphaBar() + ") to " + previous.modelTime() + " (alphaBar " + previous.alphaBar()
                            + ") adds noise");
        }
    }

    /** True for the last step of the plan. */
    public boolean isLast() {
        return index == count - 1;
    }

    /** Position of this step in the trajectory: {@code index / count}, in [0, 1). */
    public double progress() {
        return (double) index / count;
    }

    /** ᾱ_t / ᾱ_{t_prev}: the α_t of this (possibly strided) step. */
    public double stepAlpha() {
        return current.alphaBar() / previous.alphaBar();
    }

    /** β_t = 1 − ᾱ_t/ᾱ_{t_prev} of this step. */
    public double stepBeta() {
        return 1 - stepAlpha();
    }

    /** The posterior variance β̃_t = (1 − ᾱ_{t_prev}) / (1 − ᾱ_t) · β_t (Ho et al. 2020, arXiv 2006.11239, eq. 7). */
    public double posteriorVariance() {
        return previous.sigmaSquared() / current.sigmaSquared() * stepBeta();
    }
}
