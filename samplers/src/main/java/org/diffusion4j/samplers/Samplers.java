package org.diffusion4j.samplers;

/** Static factories for the built-in samplers. */
public final class Samplers {
    private Samplers() {
    }

    /** DDPM over the schedule's full chain of T steps with posterior variance β̃ (seed 001 Algorithm 2). */
    public static Ddpm ddpm() {
        return new Ddpm(0, Ddpm.Variance.POSTERIOR, SampleProcessing.NONE);
    }

    /** DDPM with {@code steps} steps and posterior variance β̃. */
    public static Ddpm ddpm(int steps) {
        return new Ddpm(steps, Ddpm.Variance.POSTERIOR, SampleProcessing.NONE);
    }

    /** DDPM with the given variance. */
    public static Ddpm ddpm(int steps, Ddpm.Variance variance) {
        return new Ddpm(steps, variance, SampleProcessing.NONE);
    }

    /** Deterministic DDIM (η = 0). */
    public static Ddim ddim(int steps) {
        return new Ddim(steps, 0, SampleProcessing.NONE);
    }

    /** DDIM with stochasticity η. */
    public static Ddim ddim(int steps, double eta) {
        return new Ddim(steps, eta, SampleProcessing.NONE);
    }

    /** The CFG paper's continuous-time ancestral sampler with variance interpolation v. */
    public static LogSnrAncestral ancestral(int steps, double v) {
        return new LogSnrAncestral(steps, v, SampleProcessing.NONE);
    }
}
