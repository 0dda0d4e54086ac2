package org.diffusion4j.samplers;

import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.StepListener;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * DPM-Solver++(2M) (Lu et al. 2022, arXiv 2211.01095, Algorithm 2, the multistep second-order solver in the
 * data-prediction form), in σ-space (α = 1, λ = −log σ). For a step σ_i → σ_{i+1} with h_i = log(σ_i/σ_{i+1}):
 * <pre>
 *   x_{i+1} = (σ_{i+1}/σ_i)·x_i − (e^{−h_i} − 1)·D̃_i                         (Algorithm 2, the update line)
 *   D̃_i     = (1 + 1/(2r_i))·D_i − 1/(2r_i)·D_{i−1},  r_i = h_{i−1}/h_i         (second order)
 *   D̃_i     = D_i                                                     (first step; last step, see below)
 * </pre>
 * The last step is first order when it reaches σ = 0 (then x = D) or, as diffusers' {@code lower_order_final},
 * when the run has fewer than 15 steps. First order is DDIM with η = 0. diffusers:
 * {@code DPMSolverMultistepScheduler(algorithm_type="dpmsolver++", solver_order=2, solver_type="midpoint")};
 * k-diffusion: {@code sample_dpmpp_2m}. Deterministic; immutable and thread-safe.
 */
public final class DpmSolverPlusPlus2M extends SigmaSampler {

    public DpmSolverPlusPlus2M(int steps, SigmaSpacing spacing) {
        super("dpmpp_2m", steps, spacing);
    }

    /** Whether step i of n uses the first-order update (no history, or the final step of a short run, or σ' = 0). */
    static boolean firstOrder(int i, int n, double sigmaNext, boolean hasHistory) {
        return !hasHistory || sigmaNext == 0 || (i == n - 1 && n < 15);
    }

    @Override
    public Tensor sample(SampleRequest request, StepListener listener) {
        SigmaRun r = SigmaRun.start(request, steps(), spacing(), "dpmpp_2m", listener);
        Tensor x = r.initial();
        @Nullable Tensor old = null;
        double hLast = Double.NaN;
        for (int i = 0; i < r.n; i++) {
            Tensor d = r.denoise(x, i, i);
            double s = r.sigma(i);
            double sn = r.sigma(i + 1);
            if (sn == 0) {
                x = d;
            } else {
                double h = Math.log(s / sn);
                Tensor dd = d;
                if (!firstOrder(i, r.n, sn, old != null)) {
                    double k = 1 / (2 * (hLast / h)); // 1/(2r)
                    dd = d.linear(1 + k, old, -k);
                }
                x = x.linear(sn / s, dd, -Math.expm1(-h));
                hLast = h;
            }
            old = d;
            r.completed(i, x, d);
        }
        return r.result(x);
    }

    @Override
    public String toString() {
        return "DpmSolverPlusPlus2M[" + fields() + "]";
    }
}
