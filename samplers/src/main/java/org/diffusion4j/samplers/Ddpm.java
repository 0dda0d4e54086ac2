package org.diffusion4j.samplers;

import java.util.Locale;
import org.diffusion4j.api.Guided;
import org.diffusion4j.api.Posterior;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.SamplerRun;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.StepListener;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Ancestral DDPM sampling (Ho et al. 2020, arXiv 2006.11239, Algorithm 2), on the full trajectory or a strided
 * one (each step's α_s = ᾱ_t/ᾱ_prev):
 * <pre>
 *   x_prev = μ̃(x_t, x̂0) + s·Σ·g + √Σ · z,   z = 0 on the last step (or, diffusers' rule, when t = 0)
 *   μ̃ = √ᾱ_prev β_s/(1−ᾱ_t) · x̂0 + √α_s (1−ᾱ_prev)/(1−ᾱ_t) · x_t      (eq. 7)
 *   Σ = β̃_s (posterior variance, eq. 7) or β_s
 * </pre>
 * With ε-prediction and no clipping μ̃ equals Algorithm 2's (x_t − β_s/√(1−ᾱ_t) ε̂)/√α_s. The mean
 * shift s·Σ·g is classifier guidance's placement of Dhariwal &amp; Nichol (arXiv 2105.05233, Algorithm 1; Σ, not √Σ:
 * docs/math.md).
 */
public final class Ddpm implements Sampler {

    /** The reverse variance Σ. */
    public enum Variance {
        /** β̃_t, the posterior variance (diffusers {@code fixed_small}). */
        POSTERIOR,
        /** β_t (diffusers {@code fixed_large}). */
        BETA;

        public static Variance parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "posterior", "fixed_small", "fixed_small_log", "beta_tilde" -> POSTERIOR; // fixed_small_log: the same variance, exp(½ log β̃)
                case "beta", "fixed_large" -> BETA;
                default -> throw new IllegalArgumentException("unknown DDPM variance '" + s
                        + "'; known: posterior (fixed_small, fixed_small_log), beta (fixed_large)");
            };
        }
    }

    /** Whether the last step adds noise. */
    public enum LastStepNoise {
        /** Never: Ho et al.'s Algorithm 2 sets z = 0 on the last step, whatever its timestep. The SDK's default. */
        NONE,
        /**
         * Whenever the step's model time is &gt; 0, as diffusers' {@code DDPMScheduler.step} ({@code if t > 0}): with
         * {@code steps_offset = 1} or {@code trailing} spacing the last timestep is &gt; 0 and gets noise of variance Σ
         * (with β, 1 − ᾱ_{t_last} onto ᾱ = 1; with β̃, zero).
         */
        WHILE_TIME_POSITIVE;

        public static LastStepNoise parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "none", "sdk" -> NONE;
                case "while_time_positive", "diffusers" -> WHILE_TIME_POSITIVE;
                default -> throw new IllegalArgumentException("unknown lastStepNoise '" + s + "'; known: none, diffusers");
            };
        }
    }

    private final int steps;
    private final Variance variance;
    private final SampleProcessing processing;
    private final LastStepNoise lastStepNoise;

    /**
     * @param steps      inference steps, fewer than T for a strided chain; 0 for the schedule's full chain of T
     * @param variance   β̃ or β
     * @param processing x̂0 clipping or thresholding
     */
    public Ddpm(int steps, Variance variance, SampleProcessing processing) {
        this(steps, variance, processing, LastStepNoise.NONE);
    }

    /**
     * @param steps         inference steps, fewer than T for a strided chain; 0 for the schedule's full chain of T
     * @param variance      β̃ or β
     * @param processing    x̂0 clipping or thresholding
     * @param lastStepNoise whether the last step adds noise (the SDK's rule, or diffusers')
     */
    public Ddpm(int steps, Variance variance, SampleProcessing processing, LastStepNoise lastStepNoise) {
        if (steps < 0) {
            throw new IllegalArgumentException("ddpm: steps must be >= 1, or 0 for the full chain; got " + steps);
        }
        this.steps = steps;
        this.variance = variance;
        this.processing = processing;
        this.lastStepNoise = lastStepNoise;
    }

    public LastStepNoise lastStepNoise() {
        return lastStepNoise;
    }

    /** Whether a step adds noise of variance {@code var}. */
    boolean addsNoise(Step step, double var) {
        if (var == 0) {
            return false;
        }
        return lastStepNoise == LastStepNoise.NONE ? !step.isLast() : step.current().modelTime() > 0;
    }

    public int steps() {
        return steps;
    }

    public Variance variance() {
        return variance;
    }

    /** Σ of a step. */
    public double sigmaSquared(Step step) {
        return variance == Variance.POSTERIOR ? Posterior.of(step).variance() : step.stepBeta();
    }

    /**
     * One step from a raw model output, for porting a diffusers loop ({@code scheduler.step(model_output, t, x)}):
     * x_prev = μ̃(x_t, x̂0) + √Σ·z with this sampler's variance and x̂0 processing (no guidance mean shift).
     *
     * @param x           x_t
     * @param modelOutput the model's output at (x_t, t)
     * @param type        what the model predicts
     * @param t           x_t's level
     * @param tPrev       the level to step to (ᾱ ≥ ᾱ_t; {@link org.diffusion4j.api.Timestep#clean()} at the end)
     * @param noise       z, or null for the mean alone (the SDK's last step)
     */
    public Tensor step(Tensor x, Tensor modelOutput, org.diffusion4j.api.PredictionType type, org.diffusion4j.api.Timestep t,
            org.diffusion4j.api.Timestep tPrev, @Nullable Tensor noise) {
        Step step = new Step(0, 1, t, tPrev);
        SampleProcessing.Estimates e = processing.apply(new org.diffusion4j.api.Prediction(type, modelOutput, x, t));
        Tensor mean = Posterior.of(step).mean(e.x0(), x);
        double var = sigmaSquared(step);
        return noise == null || var == 0 ? mean : mean.linear(1, noise, Math.sqrt(var));
    }

    @Override
    public Tensor sample(SampleRequest request, StepListener listener) {
        int n = steps > 0 ? steps : request.schedule().trainSteps().orElseThrow(() -> new IllegalArgumentException(
                "ddpm: a continuous schedule has no full chain; give the number of steps"));
        StepPlan plan = request.schedule().plan(n);
        SamplerRun run = SamplerRun.start(request, plan, "ddpm", true, listener);
        Tensor x = run.initialState();
        for (Step step : plan) {
            Guided g = run.guide(x, step);
            SampleProcessing.Estimates e = processing.apply(g.prediction());
            Posterior post = Posterior.of(step);
            double var = sigmaSquared(step);
            Tensor mean = post.mean(e.x0(), x);
            if (g.meanShift().isPresent()) {
                mean = mean.linear(1, g.meanShift().get(), var); // μ + Σ·(s ∇log p)
            }
            x = addsNoise(step, var) ? mean.linear(1, run.noise(), Math.sqrt(var)) : mean;
            run.completed(step, x, e.x0());
        }
        return x;
    }

    @Override
    public String toString() {
        return "Ddpm[steps=" + steps + ", variance=" + variance + ", processing=" + processing
                + (lastStepNoise == LastStepNoise.NONE ? "" : ", lastStepNoise=" + lastStepNoise) + "]";
    }
}
