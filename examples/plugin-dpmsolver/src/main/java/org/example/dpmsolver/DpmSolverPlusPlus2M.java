package org.example.dpmsolver;

import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.SamplerRun;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.StepListener;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * DPM-Solver++(2M) (Lu et al. 2022, "DPM-Solver++", Algorithm 2), the multistep second-order solver of
 * the diffusion ODE in the data-prediction form. For a step from level s (current) to level t
 * (previous) with h = λ_t − λ_s:
 * <pre>
 *   D   = x̂0_s                                            (first step, last step, or order 1)
 *   D   = (1 + 1/(2r)) x̂0_s − 1/(2r) x̂0_{s'},  r = h'/h    (otherwise; h' the previous step's h)
 *   x_t = (σ_t/σ_s) x_s − α_t (e^{−h} − 1) D                (eq. 7 of the paper's Algorithm 2)
 * </pre>
 * With order 1 it is DDIM with η = 0. The last step to the clean level (σ_t = 0) gives x_t = D.
 * Deterministic; immutable and thread-safe.
 */
public final class DpmSolverPlusPlus2M implements Sampler {
    private final int steps;
    private final int order;

    /**
     * @param steps inference steps, ≥ 1
     * @param order 1 (DDIM) or 2
     */
    public DpmSolverPlusPlus2M(int steps, int order) {
        if (steps < 1) {
            throw new IllegalArgumentException("dpmpp-2m: steps must be >= 1, got " + steps);
        }
        if (order != 1 && order != 2) {
            throw new IllegalArgumentException("dpmpp-2m: order must be 1 or 2, got " + order);
        }
        this.steps = steps;
        this.order = order;
    }

    @Override
    public Tensor sample(SampleRequest request, StepListener listener) {
        StepPlan plan = request.schedule().plan(steps);
        SamplerRun run = SamplerRun.start(request, plan, "dpmpp-2m", false, listener);
        Tensor x = run.initialState();
        @Nullable Tensor previousX0 = null;
        double previousH = Double.NaN;
        for (Step step : plan) {
            Tensor x0 = run.guide(x, step).prediction().x0();
            double sigmaS = step.current().sigma();
            double sigmaT = step.previous().sigma();
            double alphaT = step.previous().alpha();
            Tensor next;
            if (sigmaT == 0) {
                next = x0; // λ_t = +∞: e^{−h} = 0, σ_t = 0
            } else {
                double h = step.previous().lambda() / 2
                        - step.current().lambda() / 2; // h in half-log-SNR: λ here is log(α²/σ²)
                Tensor d = x0;
                if (order == 2 && previousX0 != null && !step.isLast()) {
                    double r = previousH / h;
                    d = x0.linear(1 + 1 / (2 * r), previousX0, -1 / (2 * r));
                }
                next = x.linear(sigmaT / sigmaS, d, -alphaT * Math.expm1(-h));
                previousH = h;
            }
            previousX0 = x0;
            x = next;
            run.completed(step, x, x0);
        }
        return x;
    }

    @Override
    public String toString() {
        return "DpmSolverPlusPlus2M[steps=" + steps + ", order=" + order + "]";
    }
}
