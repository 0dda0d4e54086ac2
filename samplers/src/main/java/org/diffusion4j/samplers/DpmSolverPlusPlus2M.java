package org.diffusion4j.samplers;

import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.Schedule;
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
    SigmaMachine machine(SigmaTrajectory trajectory, Schedule schedule) {
        return new SigmaMachine(trajectory) {
            private @Nullable Tensor old;
            private double hLast = Double.NaN;

            @Override
            Tensor step(Prediction p, int i, Tensor x, @Nullable Tensor noise) {
                Tensor d = p.sample();
                denoised = d;
                double s = tr.sigma(i);
                double sn = tr.sigma(i + 1);
                Tensor next;
                if (sn == 0) {
                    next = d;
                } else {
                    double h = Math.log(s / sn);
                    Tensor dd = d;
                    if (!firstOrder(i, n, sn, old != null)) {
                        double k = 1 / (2 * (hLast / h)); // 1/(2r)
                        dd = d.linear(1 + k, old, -k);
                    }
                    next = x.linear(sn / s, dd, -Math.expm1(-h));
                    hLast = h;
                }
                old = d;
                return next;
            }
        };
    }

    @Override
    public String toString() {
        return "DpmSolverPlusPlus2M[" + fields() + "]";
    }
}
