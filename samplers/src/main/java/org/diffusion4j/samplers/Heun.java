package org.diffusion4j.samplers;

import org.apiguardian.api.API;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

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
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class Heun extends SigmaSampler {

    public Heun(int steps, SigmaSpacing spacing) {
        super("heun", steps, spacing);
    }

    /** Model calls: two per step, one for a step onto σ = 0 (call → step, stage). */
    @Override
    SigmaMachine machine(SigmaTrajectory trajectory, Schedule schedule) {
        int n = trajectory.steps();
        int[] stepOf = new int[2 * n];
        int[] stage = new int[2 * n];
        int calls = 0;
        for (int i = 0; i < n; i++) {
            stepOf[calls] = i;
            stage[calls++] = 0;
            if (trajectory.sigma(i + 1) != 0) {
                stepOf[calls] = i;
                stage[calls++] = 1;
            }
        }
        int total = calls;
        return new SigmaMachine(trajectory) {
            private @Nullable Tensor start; // x_i

            @Override
            int calls() {
                return total;
            }

            @Override
            int stepIndex(int k) {
                return stepOf[k];
            }

            @Override
            boolean completes(int k) {
                return stage[k] == 1 || tr.sigma(stepOf[k] + 1) == 0;
            }

            @Override
            org.diffusion4j.api.Step modelStep(int k) {
                int i = stepOf[k];
                return stage[k] == 0 ? tr.plan().get(i) : innerStep(i, i + 1);
            }

            @Override
            double inputScale(int k) {
                return scaleAt(stepOf[k] + stage[k]);
            }

            @Override
            Tensor step(Prediction p, int k, Tensor x, @Nullable Tensor noise) {
                int i = stepOf[k];
                double s = tr.sigma(i);
                double sn = tr.sigma(i + 1);
                if (stage[k] == 0) {
                    Tensor d = p.x0();
                    denoised = d;
                    start = x;
                    double q = sn / s;
                    return x.linear(q, d, 1 - q); // the Euler point x'; the step's result when σ' = 0
                }
                Tensor d2 = p.x0();
                double c1 = (sn - s) / (2 * s); // (σ' − σ)/2 · 1/σ
                double c2 = (sn - s) / (2 * sn); // (σ' − σ)/2 · 1/σ'
                // x_i + c1 (x_i − D) + c2 (x' − D'), x = x'
                Tensor xi = stored(start, "heun: the step's starting state");
                Tensor d = stored(denoised, "heun: the step's first denoised");
                return xi.linear(1 + c1, d, -c1, x.linear(c2, d2, -c2), 1);
            }
        };
    }

    @Override
    public String toString() {
        return "Heun[" + fields() + "]";
    }
}
