package org.diffusion4j.samplers;

import org.apiguardian.api.API;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Euler's method on the probability-flow ODE dx/dσ = (x − D(x; σ))/σ (Karras et al. 2022, arXiv 2206.00364,
 * eq. 4 with σ(t) = t, s(t) = 1; Algorithm 2 with S_churn = 0, i.e. its lines 5–8 only):
 * <pre>
 *   d_i     = (x_i − D(x_i; σ_i))/σ_i
 *   x_{i+1} = x_i + (σ_{i+1} − σ_i)·d_i = (σ_{i+1}/σ_i)·x_i + (1 − σ_{i+1}/σ_i)·D
 * </pre>
 * First order. The last step to σ = 0 returns D. With the same levels it is DDIM with η = 0. diffusers:
 * {@code EulerDiscreteScheduler}. Deterministic; immutable and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class Euler extends SigmaSampler {

    public Euler(int steps, SigmaSpacing spacing) {
        super("euler", steps, spacing);
    }

    @Override
    SigmaMachine machine(SigmaTrajectory trajectory, Schedule schedule) {
        return new SigmaMachine(trajectory) {
            @Override
            Tensor step(Prediction p, int i, Tensor x, @Nullable Tensor noise) {
                Tensor d = p.x0();
                denoised = d;
                double q = tr.sigma(i + 1) / tr.sigma(i);
                return x.linear(q, d, 1 - q);
            }
        };
    }

    @Override
    public String toString() {
        return "Euler[" + fields() + "]";
    }
}
