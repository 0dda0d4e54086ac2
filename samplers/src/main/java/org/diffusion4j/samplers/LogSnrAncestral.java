package org.diffusion4j.samplers;

import org.apiguardian.api.API;
import org.diffusion4j.api.Guided;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.SamplerRun;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.StepListener;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Tensor;

/**
 * The continuous-time ancestral sampler of the CFG paper (Ho &amp; Salimans 2022, arXiv 2207.12598, §2) over log-SNR
 * levels λ &lt; λ':
 * <pre>
 *   z_λ' = μ̃_{λ'|λ}(z_λ, x̂) + √((σ̃²_{λ'|λ})^{1−v} (σ²_{λ|λ'})^{v}) · ε
 *   μ̃    = e^{λ−λ'} (α_λ'/α_λ) z_λ + (1 − e^{λ−λ'}) α_λ' x̂
 *   σ̃²   = (1 − e^{λ−λ'}) σ_λ'²,   σ²_{λ|λ'} = (1 − e^{λ−λ'}) σ_λ²
 * </pre>
 * with x̂ = (z_λ − σ_λ ε̂)/α_λ. No noise is added on the last step. Works with any schedule's plan (a
 * discrete one gives its λ_t). Immutable and thread-safe.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class LogSnrAncestral implements Sampler {
    private final int steps;
    private final double v;
    private final SampleProcessing processing;

    /**
     * @param steps      inference steps
     * @param v          the variance interpolation v ∈ [0, 1] (the paper uses 0.3)
     * @param processing x̂0 clipping or thresholding
     */
    public LogSnrAncestral(int steps, double v, SampleProcessing processing) {
        if (steps < 1) {
            throw new IllegalArgumentException("ancestral: steps must be >= 1, got " + steps);
        }
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("ancestral: v must be in [0, 1], got " + v);
        }
        this.steps = steps;
        this.v = v;
        this.processing = processing;
    }

    public int steps() {
        return steps;
    }

    public double v() {
        return v;
    }

    @Override
    public Tensor sample(SampleRequest request, StepListener listener) {
        StepPlan plan = request.schedule().plan(steps);
        SamplerRun run = SamplerRun.start(request, plan, "ancestral", false, listener);
        Tensor z = run.initialState();
        for (Step step : plan) {
            Guided g = run.guide(z, step);
            SampleProcessing.Estimates e = processing.apply(g.prediction());
            Timestep cur = step.current();
            Timestep prev = step.previous();
            // r = e^{λ−λ'} = (α_λ² σ_λ'²)/(σ_λ² α_λ'²), computed without forming λ' = +∞ at the clean end
            double r = cur.alphaBar() * prev.sigmaSquared() / (cur.sigmaSquared() * prev.alphaBar());
            double zCoef = cur.alphaBar() == 0 ? 0 : r * prev.alpha() / cur.alpha();
            double xCoef = (1 - r) * prev.alpha();
            Tensor mean = z.linear(zCoef, e.x0(), xCoef);
            if (step.isLast()) {
                z = mean;
            } else {
                double tilde = (1 - r) * prev.sigmaSquared(); // σ̃²_{λ'|λ}
                double fwd = (1 - r) * cur.sigmaSquared(); // σ²_{λ|λ'}
                double var = Math.exp((1 - v) * Math.log(tilde) + v * Math.log(fwd));
                z = mean.linear(1, run.noise(), Math.sqrt(var));
            }
            run.completed(step, z, e.x0());
        }
        return z;
    }

    @Override
    public String toString() {
        return "LogSnrAncestral[steps=" + steps + ", v=" + v + ", processing=" + processing + "]";
    }
}
