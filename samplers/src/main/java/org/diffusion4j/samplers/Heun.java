package org.diffusion4j.samplers;

import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.StepListener;
import org.diffusion4j.api.tensor.Tensor;

/**
 * Heun's second-order method on the probability-flow ODE (Karras et al. 2022, arXiv 2206.00364, Algorithm 1,
 * lines 3–8; Algorithm 2 with S_churn = 0):
 * <pre>
 *   d_i  = (x_i − D(x_i; σ_i))/σ_i,          x'  = x_i + (σ_{i+1} − σ_i)·d_i
 *   d'_i = (x' − D(x'; σ_{i+1}))/σ_{i+1},    x_{i+1} = x_i + (σ_{i+1} − σ_i)·(d_i + d'_i)/2
 * </pre>
 * The last step to σ = 0 is an Euler step (Algorithm 1 line 6's condition), returning D. Two model calls per
 * step except the last. diffusers: {@code HeunDiscreteScheduler}. Deterministic; immutable and thread-safe.
 */
public final class Heun extends SigmaSampler {

    public Heun(int steps, SigmaSpacing spacing) {
        super("heun", steps, spacing);
    }

    @Override
    public Tensor sample(SampleRequest request, StepListener listener) {
        SigmaRun r = SigmaRun.start(request, steps(), spacing(), "heun", listener);
        Tensor x = r.initial();
        for (int i = 0; i < r.n; i++) {
            double s = r.sigma(i);
            double sn = r.sigma(i + 1);
            Tensor d = r.denoise(x, i, i);
            double q = sn / s;
            Tensor euler = x.linear(q, d, 1 - q);
            if (sn == 0) {
                x = euler;
            } else {
                Tensor d2 = r.denoise(euler, i + 1, i);
                double c1 = (sn - s) / (2 * s); // (σ' − σ)/2 · 1/σ
                double c2 = (sn - s) / (2 * sn); // (σ' − σ)/2 · 1/σ'
                // x + c1 (x − D) + c2 (x' − D')
                x = x.linear(1 + c1, d, -c1, euler.linear(c2, d2, -c2), 1);
            }
            r.completed(i, x, d);
        }
        return r.result(x);
    }

    @Override
    public String toString() {
        return "Heun[" + fields() + "]";
    }
}
