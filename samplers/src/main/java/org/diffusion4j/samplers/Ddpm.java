package org.diffusion4j.samplers;

import java.util.Locale;
import org.apiguardian.api.API;
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
@API(status = API.Status.STABLE, since = "0.1.0")
public final class Ddpm implements Sampler {

    /** The reverse variance Σ. */
    public enum Variance {
        /** β̃_t, the posterior variance (diffusers {@code fixed_small}). */
        POSTERIOR,
        /** β_t (diffusers {@code fixed_large}). */
        BETA,
        /**
         * Learned interpolation (Nichol &amp; Dhariwal 2021, arXiv 2102.09672, eq. 15; diffusers {@code learned_range}):
         * log Σ = f·log β_t + (1 − f)·log β̃_t with f = (v + 1)/2, v the model's variance values in [−1, 1]
         * (β̃ clamped at 1e-20 before the log, as diffusers). The model returns 2·C channels
         * ({@link LearnedVarianceOutput}).
         */
        LEARNED_RANGE,
        /** Σ = v, the model's variance values taken as the variance itself (diffusers {@code learned}); 2·C channels. */
        LEARNED;

        /** Whether the model supplies the variance (2·C output channels). */
        public boolean isLearned() {
            return this == LEARNED_RANGE || this == LEARNED;
        }

        public static Variance parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "posterior", "fixed_small", "fixed_small_log", "beta_tilde" ->
                    POSTERIOR; // fixed_small_log: the same variance, exp(½ log β̃)
                case "beta", "fixed_large" -> BETA;
                case "learned_range" -> LEARNED_RANGE;
                case "learned" -> LEARNED;
                default ->
                    throw new IllegalArgumentException(
                            "unknown DDPM variance '" + s
                                    + "'; known: posterior (fixed_small, fixed_small_log), beta (fixed_large), learned_range, learned");
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
                default ->
                    throw new IllegalArgumentException("unknown lastStepNoise '" + s + "'; known: none, diffusers");
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
        return lastStepNoise == LastStepNoise.NONE
                ? !step.isLast()
                : step.current().modelTime() > 0;
    }

    public int steps() {
        return steps;
    }

    public Variance variance() {
        return variance;
    }

    /**
     * Σ of a step.
     *
     * @throws IllegalStateException for a learned variance, which depends on the model output (see {@link #learnedStd})
     */
    public double sigmaSquared(Step step) {
        return switch (variance) {
            case POSTERIOR -> Posterior.of(step).variance();
            case BETA -> step.stepBeta();
            default ->
                throw new IllegalStateException(
                        "ddpm variance " + variance + " is the model's: use learnedStd(step, v)");
        };
    }

    /**
     * √Σ of a step for a learned variance, from the model's variance values v (state-shaped): diffusers'
     * {@code exp(½·(f·log β + (1 − f)·log max(β̃, 1e-20)))}, f = (v + 1)/2, for {@code learned_range}; √v for
     * {@code learned}. β = 1 − ᾱ_t/ᾱ_prev is the step's effective β.
     */
    public Tensor learnedStd(Step step, Tensor v) {
        if (variance == Variance.LEARNED) {
            return v.sqrt();
        }
        if (variance != Variance.LEARNED_RANGE) {
            throw new IllegalStateException("ddpm variance " + variance + " is not learned");
        }
        double minLog = Math.log(Math.max(Posterior.of(step).variance(), 1e-20));
        double maxLog = Math.log(step.stepBeta());
        // ½ log Σ = ½(minLog + (v + 1)/2·(maxLog − minLog)) = v·(maxLog − minLog)/4 + (maxLog + minLog)/4
        return v.times((maxLog - minLog) / 4).plus((maxLog + minLog) / 4).exp();
    }

    /**
     * One step from a raw model output, for porting a diffusers loop ({@code scheduler.step(model_output, t, x)}):
     * x_prev = μ̃(x_t, x̂0) + √Σ·z with this sampler's variance and x̂0 processing (no guidance mean shift). With a
     * learned variance the output has 2·C channels (prediction, then variance values), as diffusers' {@code step}.
     *
     * @param x           x_t
     * @param modelOutput the model's output at (x_t, t)
     * @param type        what the model predicts
     * @param t           x_t's level
     * @param tPrev       the level to step to (ᾱ ≥ ᾱ_t; {@link org.diffusion4j.api.Timestep#clean()} at the end)
     * @param noise       z, or null for the mean alone (the SDK's last step)
     * @throws IllegalArgumentException for a learned variance and an output without 2·C channels (both shapes named)
     */
    public Tensor step(
            Tensor x,
            Tensor modelOutput,
            org.diffusion4j.api.PredictionType type,
            org.diffusion4j.api.Timestep t,
            org.diffusion4j.api.Timestep tPrev,
            @Nullable Tensor noise) {
        Step step = new Step(0, 1, t, tPrev);
        Tensor out = modelOutput;
        @Nullable Tensor v = null;
        if (variance.isLearned()) {
            Tensor[] split = LearnedVarianceOutput.split(modelOutput, x.shape(), "ddpm variance " + name(variance));
            out = split[0];
            v = split[1];
        }
        SampleProcessing.Estimates e = processing.apply(new org.diffusion4j.api.Prediction(type, out, x, t));
        Tensor mean = Posterior.of(step).mean(e.x0(), x);
        if (noise == null) {
            return mean;
        }
        if (v != null) {
            return mean.plus(learnedStd(step, v).times(noise));
        }
        double var = sigmaSquared(step);
        return var == 0 ? mean : mean.linear(1, noise, Math.sqrt(var));
    }

    private static String name(Variance v) {
        return v.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public Tensor sample(SampleRequest request, StepListener listener) {
        int n = steps > 0
                ? steps
                : request.schedule()
                        .trainSteps()
                        .orElseThrow(() -> new IllegalArgumentException(
                                "ddpm: a continuous schedule has no full chain; give the number of steps"));
        StepPlan plan = request.schedule().plan(n);
        @Nullable
        LearnedVarianceOutput learned = variance.isLearned()
                ? new LearnedVarianceOutput(
                        request.predictor(), request.conditions(), "ddpm variance " + name(variance))
                : null;
        SampleRequest req = learned == null
                ? request
                : request.toBuilder().predictor(learned).build();
        SamplerRun run = SamplerRun.start(req, plan, "ddpm", true, listener);
        Tensor x = run.initialState();
        for (Step step : plan) {
            if (learned != null) {
                learned.nextStep();
            }
            Guided g = run.guide(x, step);
            SampleProcessing.Estimates e = processing.apply(g.prediction());
            Posterior post = Posterior.of(step);
            Tensor mean = post.mean(e.x0(), x);
            if (learned != null) {
                Tensor std = learnedStd(step, learned.values());
                if (g.meanShift().isPresent()) {
                    mean = mean.plus(g.meanShift().get().times(std.square())); // μ + Σ·(s ∇log p), Σ per element
                }
                x = addsNoise(step, 1) ? mean.plus(std.times(run.noise())) : mean;
            } else {
                double var = sigmaSquared(step);
                if (g.meanShift().isPresent()) {
                    mean = mean.linear(1, g.meanShift().get(), var); // μ + Σ·(s ∇log p)
                }
                x = addsNoise(step, var) ? mean.linear(1, run.noise(), Math.sqrt(var)) : mean;
            }
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
