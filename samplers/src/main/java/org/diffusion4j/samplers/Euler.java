package org.diffusion4j.samplers;

import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.StepListener;
import org.diffusion4j.api.tensor.Tensor;

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
public final class Euler extends SigmaSampler {

    public Euler(int steps, SigmaSpacing spacing) {
        super("euler", steps, spacing);
    }

    @Override
    public Tensor sample(SampleRequest request, StepListener listener) {
        SigmaRun r = SigmaRun.start(request, steps(), spacing(), "euler", listener);
        Tensor x = r.initial();
        for (int i = 0; i < r.n; i++) {
            Tensor d = r.denoise(x, i, i);
            double q = r.sigma(i + 1) / r.sigma(i);
            x = x.linear(q, d, 1 - q);
            r.completed(i, x, d);
        }
        return r.result(x);
    }

    @Override
    public String toString() {
        return "Euler[" + fields() + "]";
    }
}
