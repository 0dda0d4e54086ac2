package org.diffusion4j.samplers;

import org.apiguardian.api.API;

/** Static factories for the built-in samplers. */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class Samplers {
    private Samplers() {}

    /** DDPM over the schedule's full chain of T steps with posterior variance β̃ (Ho et al., arXiv 2006.11239, Algorithm 2). */
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

    /** Euler (Karras et al. 2022, Algorithm 2 with S_churn = 0) on the schedule's own levels. */
    public static Euler euler(int steps) {
        return new Euler(steps, SigmaSpacing.schedule());
    }

    /** Euler on the given σ spacing. */
    public static Euler euler(int steps, SigmaSpacing spacing) {
        return new Euler(steps, spacing);
    }

    /** Euler ancestral ("Euler a") with η = 1 on the schedule's own levels. */
    public static EulerAncestral eulerAncestral(int steps) {
        return new EulerAncestral(steps, 1, SigmaSpacing.schedule());
    }

    /** Euler ancestral with η and σ spacing. */
    public static EulerAncestral eulerAncestral(int steps, double eta, SigmaSpacing spacing) {
        return new EulerAncestral(steps, eta, spacing);
    }

    /** Heun (Karras et al. 2022, Algorithm 1) on the schedule's own levels. */
    public static Heun heun(int steps) {
        return new Heun(steps, SigmaSpacing.schedule());
    }

    /** Heun on the given σ spacing. */
    public static Heun heun(int steps, SigmaSpacing spacing) {
        return new Heun(steps, spacing);
    }

    /** DPM-Solver++(2M) on the schedule's own levels. */
    public static DpmSolverPlusPlus2M dpmpp2m(int steps) {
        return new DpmSolverPlusPlus2M(steps, SigmaSpacing.schedule());
    }

    /** "DPM++ 2M Karras": DPM-Solver++(2M) on Karras σ (ρ = 7). */
    public static DpmSolverPlusPlus2M dpmpp2mKarras(int steps) {
        return new DpmSolverPlusPlus2M(steps, SigmaSpacing.karras());
    }

    /** DPM-Solver++(2M) on the given σ spacing. */
    public static DpmSolverPlusPlus2M dpmpp2m(int steps, SigmaSpacing spacing) {
        return new DpmSolverPlusPlus2M(steps, spacing);
    }

    /** DPM-Solver++ multistep of solver order 1, 2 or 3 (diffusers' {@code solver_order}) on the given σ spacing. */
    public static DpmSolverPlusPlus2M dpmpp(int steps, SigmaSpacing spacing, int order) {
        return new DpmSolverPlusPlus2M(steps, spacing, order);
    }

    /** SDE-DPM-Solver++(2M) with η = 1 on the schedule's own levels. */
    public static DpmSolverPlusPlus2MSde dpmpp2mSde(int steps) {
        return new DpmSolverPlusPlus2MSde(steps, 1, SigmaSpacing.schedule());
    }

    /** SDE-DPM-Solver++(2M) with η and σ spacing. */
    public static DpmSolverPlusPlus2MSde dpmpp2mSde(int steps, double eta, SigmaSpacing spacing) {
        return new DpmSolverPlusPlus2MSde(steps, eta, spacing);
    }

    /** Linear multistep of order 4 on the schedule's own levels. */
    public static Lms lms(int steps) {
        return new Lms(steps, 4, SigmaSpacing.schedule());
    }

    /** Linear multistep of the given order (1..4) and σ spacing. */
    public static Lms lms(int steps, int order, SigmaSpacing spacing) {
        return new Lms(steps, order, spacing);
    }

    /** PNDM (PLMS, diffusers' skip_prk_steps) on the schedule's own levels. */
    public static Pndm pndm(int steps) {
        return new Pndm(steps, SigmaSpacing.schedule());
    }

    /** PNDM on the given σ spacing. */
    public static Pndm pndm(int steps, SigmaSpacing spacing) {
        return new Pndm(steps, spacing);
    }

    /** PNDM with the given warm-up (Runge–Kutta: diffusers' {@code skip_prk_steps=False}, steps &gt;= 4) and σ spacing. */
    public static Pndm pndm(int steps, SigmaSpacing spacing, Pndm.WarmUp warmUp) {
        return new Pndm(steps, spacing, warmUp);
    }

    /** UniPC (bh2, order 2) on the schedule's own levels. */
    public static UniPc unipc(int steps) {
        return new UniPc(steps, SigmaSpacing.schedule());
    }

    /** UniPC on the given σ spacing. */
    public static UniPc unipc(int steps, SigmaSpacing spacing) {
        return new UniPc(steps, spacing);
    }

    /**
     * UniPC of solver order 1..3, bh1 or bh2, with the correctors of the given step indices disabled (diffusers'
     * {@code solver_order}, {@code solver_type}, {@code disable_corrector}).
     */
    public static UniPc unipc(
            int steps,
            SigmaSpacing spacing,
            int order,
            UniPc.Variant variant,
            java.util.Set<Integer> disableCorrector) {
        return new UniPc(steps, spacing, order, variant, disableCorrector);
    }
}
