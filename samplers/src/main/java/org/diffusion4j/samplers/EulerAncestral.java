package org.diffusion4j.samplers;

import org.apiguardian.api.API;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Euler ancestral ("Euler a"): each step splits σ_{i+1} into a deterministic part σ_down and fresh noise σ_up
 * (the ancestral step of k-diffusion and of diffusers' {@code EulerAncestralDiscreteScheduler}; the DDPM
 * posterior variance in σ-space, Ho et al. 2020 eq. 7, times η²):
 * <pre>
 *   σ_up    = min(σ_{i+1}, η·√(σ_{i+1}²·(σ_i² − σ_{i+1}²)/σ_i²)),   σ_down = √(σ_{i+1}² − σ_up²)
 *   x_{i+1} = x_i + (σ_down − σ_i)·(x_i − D)/σ_i + σ_up·z
 * </pre>
 * An Euler step (Karras et al. 2022, Algorithm 2 with S_churn = 0) to σ_down. η = 0 is {@link Euler}; diffusers
 * fixes η = 1. No noise on the last step to σ = 0 (σ_up = 0 there). Immutable and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class EulerAncestral extends SigmaSampler {
    private final double eta;

    public EulerAncestral(int steps, double eta, SigmaSpacing spacing) {
        super("euler_a", steps, spacing);
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("euler_a: eta must be in [0, 1], got " + eta);
        }
        this.eta = eta;
    }

    public double eta() {
        return eta;
    }

    /** {σ_down, σ_up} of a step from σ to σ_next. */
    public static double[] ancestral(double sigma, double sigmaNext, double eta) {
        if (eta == 0 || sigmaNext == 0) {
            return new double[] {sigmaNext, 0};
        }
        double up = Math.min(
                sigmaNext,
                eta * Math.sqrt(sigmaNext * sigmaNext * (sigma * sigma - sigmaNext * sigmaNext) / (sigma * sigma)));
        return new double[] {Math.sqrt(sigmaNext * sigmaNext - up * up), up};
    }

    @Override
    SigmaMachine machine(SigmaTrajectory trajectory, Schedule schedule) {
        return new SigmaMachine(trajectory) {
            @Override
            boolean needsNoise(int i) {
                return ancestral(tr.sigma(i), tr.sigma(i + 1), eta)[1] > 0;
            }

            @Override
            Tensor step(Prediction p, int i, Tensor x, @Nullable Tensor noise) {
                Tensor d = p.x0();
                denoised = d;
                double[] du = ancestral(tr.sigma(i), tr.sigma(i + 1), eta);
                double q = du[0] / tr.sigma(i);
                return noise != null ? x.linear(q, d, 1 - q, noise, du[1]) : x.linear(q, d, 1 - q);
            }
        };
    }

    @Override
    public String toString() {
        return "EulerAncestral[" + fields() + ", eta=" + eta + "]";
    }
}
