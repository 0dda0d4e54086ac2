package org.diffusion4j.samplers.spi;

import org.apiguardian.api.API;
import org.diffusion4j.samplers.SampleProcessing;
import org.jspecify.annotations.Nullable;

/** The JSON configurations of the built-in samplers. Absent fields take the documented defaults. */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class SamplerConfigs {
    private SamplerConfigs() {}

    static SampleProcessing processing(
            @Nullable Double clipSample,
            @Nullable Boolean thresholding,
            @Nullable Double dynamicThresholdingRatio,
            @Nullable Double sampleMaxValue) {
        boolean th = Boolean.TRUE.equals(thresholding);
        if (th && clipSample != null) {
            throw new IllegalArgumentException("clipSample and thresholding exclude each other; choose one");
        }
        if (th) {
            return SampleProcessing.dynamicThreshold(
                    dynamicThresholdingRatio == null ? 0.995 : dynamicThresholdingRatio,
                    sampleMaxValue == null ? 1.0 : sampleMaxValue);
        }
        if (dynamicThresholdingRatio != null || sampleMaxValue != null) {
            throw new IllegalArgumentException(
                    (dynamicThresholdingRatio != null ? "dynamicThresholdingRatio" : "sampleMaxValue")
                            + " needs thresholding: true");
        }
        return clipSample == null ? SampleProcessing.NONE : SampleProcessing.clip(clipSample);
    }

    /**
     * {@code ddim}.
     *
     * @param steps                    inference steps (default 50)
     * @param eta                      η ∈ [0, 1] (default 0)
     * @param clipSample               clip x̂0 to [−r, r] (absent: no clipping)
     * @param thresholding             dynamic thresholding (default false)
     * @param dynamicThresholdingRatio percentile (default 0.995)
     * @param sampleMaxValue           threshold cap (default 1)
     * @param useClippedModelOutput    with clipping/thresholding: recompute ε̂ from the processed x̂0 (default true, the
     *                                 SDK's); false keeps the raw ε̂ as diffusers' {@code use_clipped_model_output=False}
     */
    public record Ddim(
            @Nullable Integer steps,
            @Nullable Double eta,
            @Nullable Double clipSample,
            @Nullable Boolean thresholding,
            @Nullable Double dynamicThresholdingRatio,
            @Nullable Double sampleMaxValue,
            @Nullable Boolean useClippedModelOutput) {
        /** The configuration without {@code useClippedModelOutput} (default true). */
        public Ddim(
                @Nullable Integer steps,
                @Nullable Double eta,
                @Nullable Double clipSample,
                @Nullable Boolean thresholding,
                @Nullable Double dynamicThresholdingRatio,
                @Nullable Double sampleMaxValue) {
            this(steps, eta, clipSample, thresholding, dynamicThresholdingRatio, sampleMaxValue, null);
        }

        public static Ddim defaults() {
            return new Ddim(null, null, null, null, null, null, null);
        }

        org.diffusion4j.samplers.Ddim build() {
            SampleProcessing p = processing(clipSample, thresholding, dynamicThresholdingRatio, sampleMaxValue);
            if (useClippedModelOutput != null && p.isNone()) {
                throw new IllegalArgumentException("useClippedModelOutput needs clipSample or thresholding");
            }
            return new org.diffusion4j.samplers.Ddim(
                    steps == null ? 50 : steps, eta == null ? 0 : eta, p, !Boolean.FALSE.equals(useClippedModelOutput));
        }
    }

    /**
     * {@code ddpm}.
     *
     * @param steps    inference steps (default: the schedule's full chain)
     * @param variance {@code posterior} (β̃, default; aliases fixed_small, fixed_small_log) or {@code beta} (alias fixed_large)
     * @param lastStepNoise {@code none} (default: no noise on the last step) or {@code diffusers} (noise whenever t &gt; 0)
     */
    public record Ddpm(
            @Nullable Integer steps,
            @Nullable String variance,
            @Nullable Double clipSample,
            @Nullable Boolean thresholding,
            @Nullable Double dynamicThresholdingRatio,
            @Nullable Double sampleMaxValue,
            @Nullable String lastStepNoise) {
        /** The configuration without {@code lastStepNoise} (default {@code none}). */
        public Ddpm(
                @Nullable Integer steps,
                @Nullable String variance,
                @Nullable Double clipSample,
                @Nullable Boolean thresholding,
                @Nullable Double dynamicThresholdingRatio,
                @Nullable Double sampleMaxValue) {
            this(steps, variance, clipSample, thresholding, dynamicThresholdingRatio, sampleMaxValue, null);
        }

        public static Ddpm defaults() {
            return new Ddpm(null, null, null, null, null, null, null);
        }

        org.diffusion4j.samplers.Ddpm build() {
            if (steps != null && steps < 1) {
                throw new IllegalArgumentException("steps must be >= 1, got " + steps);
            }
            return new org.diffusion4j.samplers.Ddpm(
                    steps == null ? 0 : steps,
                    variance == null
                            ? org.diffusion4j.samplers.Ddpm.Variance.POSTERIOR
                            : org.diffusion4j.samplers.Ddpm.Variance.parse(variance),
                    processing(clipSample, thresholding, dynamicThresholdingRatio, sampleMaxValue),
                    lastStepNoise == null
                            ? org.diffusion4j.samplers.Ddpm.LastStepNoise.NONE
                            : org.diffusion4j.samplers.Ddpm.LastStepNoise.parse(lastStepNoise));
        }
    }

    /**
     * {@code ancestral}: the CFG paper's continuous-time sampler.
     *
     * @param steps inference steps (default 256, the paper's)
     * @param v     variance interpolation in [0, 1] (default 0.3, the paper's)
     */
    public record Ancestral(
            @Nullable Integer steps,
            @Nullable Double v,
            @Nullable Double clipSample,
            @Nullable Boolean thresholding,
            @Nullable Double dynamicThresholdingRatio,
            @Nullable Double sampleMaxValue) {
        public static Ancestral defaults() {
            return new Ancestral(null, null, null, null, null, null);
        }

        org.diffusion4j.samplers.LogSnrAncestral build() {
            return new org.diffusion4j.samplers.LogSnrAncestral(
                    steps == null ? 256 : steps,
                    v == null ? 0.3 : v,
                    processing(clipSample, thresholding, dynamicThresholdingRatio, sampleMaxValue));
        }
    }

    /**
     * The σ levels of a σ-space sampler from its JSON fields.
     *
     * @param spacing     {@code schedule} (default), {@code karras}, {@code exponential}, {@code beta}, {@code linspace},
     *                    {@code leading}, {@code trailing}, {@code multistep_linspace}, {@code multistep_leading}
     * @param karras      {@code true}: Karras spacing (diffusers' {@code use_karras_sigmas}); may not contradict spacing
     * @param rho         ρ of the Karras spacing (default 7)
     * @param stepsOffset diffusers' {@code steps_offset} for leading spacing (default 0)
     * (dpmpp_2m, dpmpp_2m_sde, pndm, unipc also take {@code roundModelTime}: round fractional model times half-to-even;
     * dpmpp_2m, dpmpp_2m_sde, unipc {@code truncateModelTime}: truncate them toward zero, diffusers' int64 cast)
     */
    static org.diffusion4j.samplers.SigmaSpacing sigmaSpacing(
            @Nullable String spacing,
            @Nullable Boolean karras,
            @Nullable Double rho,
            @Nullable Integer stepsOffset,
            org.diffusion4j.samplers.SigmaSpacing fallback) {
        org.diffusion4j.samplers.SigmaSpacing s =
                spacing == null ? null : org.diffusion4j.samplers.SigmaSpacing.parse(spacing);
        if (Boolean.TRUE.equals(karras)) {
            if (s != null && s.kind() != org.diffusion4j.samplers.SigmaSpacing.Kind.KARRAS) {
                throw new IllegalArgumentException("karras: true contradicts spacing '" + spacing + "'");
            }
            s = org.diffusion4j.samplers.SigmaSpacing.karras();
        } else if (Boolean.FALSE.equals(karras)
                && s == null
                && fallback.kind() == org.diffusion4j.samplers.SigmaSpacing.Kind.KARRAS) {
            s = org.diffusion4j.samplers.SigmaSpacing.schedule();
        }
        if (s == null) {
            s = fallback;
        }
        if (rho != null) {
            if (s.kind() != org.diffusion4j.samplers.SigmaSpacing.Kind.KARRAS) {
                throw new IllegalArgumentException("rho applies to karras spacing only");
            }
            s = org.diffusion4j.samplers.SigmaSpacing.karras(rho);
        }
        if (stepsOffset != null) {
            if (s.kind() != org.diffusion4j.samplers.SigmaSpacing.Kind.LEADING
                    && s.kind() != org.diffusion4j.samplers.SigmaSpacing.Kind.MULTISTEP_LEADING) {
                throw new IllegalArgumentException("stepsOffset applies to leading spacings only");
            }
            s = s.withStepsOffset(stepsOffset);
        }
        return s;
    }

    /**
     * The spacing with fractional model times rounded half-to-even when {@code roundModelTime} is true
     * ({@code DPMSolverMultistepScheduler}/{@code UniPCMultistepScheduler} with Karras σ).
     */
    static org.diffusion4j.samplers.SigmaSpacing rounded(
            org.diffusion4j.samplers.SigmaSpacing s, @Nullable Boolean roundModelTime) {
        return Boolean.TRUE.equals(roundModelTime) ? s.rounded() : s;
    }

    /**
     * The spacing with fractional model times rounded and/or truncated toward zero ({@code truncateModelTime}:
     * {@code DPMSolverMultistepScheduler}/{@code UniPCMultistepScheduler}'s int64 cast of unrounded timesteps).
     */
    static org.diffusion4j.samplers.SigmaSpacing rounded(
            org.diffusion4j.samplers.SigmaSpacing s,
            @Nullable Boolean roundModelTime,
            @Nullable Boolean truncateModelTime) {
        org.diffusion4j.samplers.SigmaSpacing r = rounded(s, roundModelTime);
        return Boolean.TRUE.equals(truncateModelTime) ? r.truncated() : r;
    }

    static int orDefault(@Nullable Integer steps, int fallback) {
        return steps == null ? fallback : steps;
    }

    /** {@code euler}: steps (default 30) and the σ spacing fields. */
    public record Euler(
            @Nullable Integer steps,
            @Nullable String spacing,
            @Nullable Boolean karras,
            @Nullable Double rho,
            @Nullable Integer stepsOffset) {
        public static Euler defaults() {
            return new Euler(null, null, null, null, null);
        }

        org.diffusion4j.samplers.Euler build() {
            return new org.diffusion4j.samplers.Euler(
                    orDefault(steps, 30),
                    sigmaSpacing(spacing, karras, rho, stepsOffset, org.diffusion4j.samplers.SigmaSpacing.schedule()));
        }
    }

    /** {@code euler_a}: steps (default 30), eta (default 1) and the σ spacing fields. */
    public record EulerAncestral(
            @Nullable Integer steps,
            @Nullable Double eta,
            @Nullable String spacing,
            @Nullable Boolean karras,
            @Nullable Double rho,
            @Nullable Integer stepsOffset) {
        public static EulerAncestral defaults() {
            return new EulerAncestral(null, null, null, null, null, null);
        }

        org.diffusion4j.samplers.EulerAncestral build() {
            return new org.diffusion4j.samplers.EulerAncestral(
                    orDefault(steps, 30),
                    eta == null ? 1 : eta,
                    sigmaSpacing(spacing, karras, rho, stepsOffset, org.diffusion4j.samplers.SigmaSpacing.schedule()));
        }
    }

    /** {@code heun}: steps (default 20) and the σ spacing fields. */
    public record Heun(
            @Nullable Integer steps,
            @Nullable String spacing,
            @Nullable Boolean karras,
            @Nullable Double rho,
            @Nullable Integer stepsOffset) {
        public static Heun defaults() {
            return new Heun(null, null, null, null, null);
        }

        org.diffusion4j.samplers.Heun build() {
            return new org.diffusion4j.samplers.Heun(
                    orDefault(steps, 20),
                    sigmaSpacing(spacing, karras, rho, stepsOffset, org.diffusion4j.samplers.SigmaSpacing.schedule()));
        }
    }

    /**
     * {@code dpmpp_2m} (and {@code dpmpp_2m_karras}, whose spacing defaults to karras): steps (default 20), σ spacing,
     * {@code solverOrder} 1, 2 (default) or 3 (diffusers' {@code solver_order}); {@code thresholding} (default false),
     * {@code dynamicThresholdingRatio} (0.995), {@code sampleMaxValue} (1): Imagen's dynamic thresholding of x̂0, as
     * diffusers' (also on {@code dpmpp_2m_sde} and {@code unipc}).
     */
    public record DpmPP2M(
            @Nullable Integer steps,
            @Nullable String spacing,
            @Nullable Boolean karras,
            @Nullable Double rho,
            @Nullable Integer stepsOffset,
            @Nullable Boolean roundModelTime,
            @Nullable Integer solverOrder,
            @Nullable Boolean truncateModelTime,
            @Nullable Boolean thresholding,
            @Nullable Double dynamicThresholdingRatio,
            @Nullable Double sampleMaxValue) {
        public static DpmPP2M defaults() {
            return new DpmPP2M(null, null, null, null, null, null, null, null, null, null, null);
        }

        org.diffusion4j.samplers.DpmSolverPlusPlus2M build(org.diffusion4j.samplers.SigmaSpacing fallback) {
            return new org.diffusion4j.samplers.DpmSolverPlusPlus2M(
                    orDefault(steps, 20),
                    rounded(
                            sigmaSpacing(spacing, karras, rho, stepsOffset, fallback),
                            roundModelTime,
                            truncateModelTime),
                    orDefault(solverOrder, 2),
                    processing(null, thresholding, dynamicThresholdingRatio, sampleMaxValue));
        }
    }

    /** {@code dpmpp_2m_sde}: steps (default 20), eta (default 1), σ spacing. */
    public record DpmPP2MSde(
            @Nullable Integer steps,
            @Nullable Double eta,
            @Nullable String spacing,
            @Nullable Boolean karras,
            @Nullable Double rho,
            @Nullable Integer stepsOffset,
            @Nullable Boolean roundModelTime,
            @Nullable Boolean truncateModelTime,
            @Nullable Boolean thresholding,
            @Nullable Double dynamicThresholdingRatio,
            @Nullable Double sampleMaxValue) {
        public static DpmPP2MSde defaults() {
            return new DpmPP2MSde(null, null, null, null, null, null, null, null, null, null, null);
        }

        org.diffusion4j.samplers.DpmSolverPlusPlus2MSde build(org.diffusion4j.samplers.SigmaSpacing fallback) {
            return new org.diffusion4j.samplers.DpmSolverPlusPlus2MSde(
                    orDefault(steps, 20),
                    eta == null ? 1 : eta,
                    rounded(
                            sigmaSpacing(spacing, karras, rho, stepsOffset, fallback),
                            roundModelTime,
                            truncateModelTime),
                    processing(null, thresholding, dynamicThresholdingRatio, sampleMaxValue));
        }
    }

    /** {@code lms}: steps (default 50), order (default 4), σ spacing. */
    public record Lms(
            @Nullable Integer steps,
            @Nullable Integer order,
            @Nullable String spacing,
            @Nullable Boolean karras,
            @Nullable Double rho,
            @Nullable Integer stepsOffset) {
        public static Lms defaults() {
            return new Lms(null, null, null, null, null, null);
        }

        org.diffusion4j.samplers.Lms build() {
            return new org.diffusion4j.samplers.Lms(
                    orDefault(steps, 50),
                    order == null ? 4 : order,
                    sigmaSpacing(spacing, karras, rho, stepsOffset, org.diffusion4j.samplers.SigmaSpacing.schedule()));
        }
    }

    /**
     * {@code pndm}: steps (default 50), σ spacing, and {@code warmUp}: {@code plms} (default; diffusers'
     * {@code skip_prk_steps: true}) or {@code runge_kutta} (diffusers' {@code skip_prk_steps: false}, needs steps &gt;= 4).
     */
    public record Pndm(
            @Nullable Integer steps,
            @Nullable String spacing,
            @Nullable Boolean karras,
            @Nullable Double rho,
            @Nullable Integer stepsOffset,
            @Nullable Boolean roundModelTime,
            @Nullable String warmUp) {
        public static Pndm defaults() {
            return new Pndm(null, null, null, null, null, null, null);
        }

        org.diffusion4j.samplers.Pndm build() {
            return new org.diffusion4j.samplers.Pndm(
                    orDefault(steps, 50),
                    rounded(
                            SamplerConfigs.sigmaSpacing(
                                    spacing,
                                    karras,
                                    rho,
                                    stepsOffset,
                                    org.diffusion4j.samplers.SigmaSpacing.schedule()),
                            roundModelTime),
                    warmUp == null
                            ? org.diffusion4j.samplers.Pndm.WarmUp.PLMS
                            : org.diffusion4j.samplers.Pndm.WarmUp.parse(warmUp));
        }
    }

    /**
     * {@code unipc}: steps (default 20), σ spacing, {@code solverOrder} 1, 2 (default) or 3, {@code solverType}
     * {@code bh1} or {@code bh2} (default), {@code disableCorrector}: step indices whose corrector is skipped (default
     * none) — diffusers' {@code solver_order}, {@code solver_type}, {@code disable_corrector}.
     */
    public record UniPc(
            @Nullable Integer steps,
            @Nullable String spacing,
            @Nullable Boolean karras,
            @Nullable Double rho,
            @Nullable Integer stepsOffset,
            @Nullable Boolean roundModelTime,
            @Nullable Integer solverOrder,
            @Nullable String solverType,
            java.util.@Nullable List<Integer> disableCorrector,
            @Nullable Boolean truncateModelTime,
            @Nullable Boolean thresholding,
            @Nullable Double dynamicThresholdingRatio,
            @Nullable Double sampleMaxValue) {
        public static UniPc defaults() {
            return new UniPc(null, null, null, null, null, null, null, null, null, null, null, null, null);
        }

        org.diffusion4j.samplers.UniPc build() {
            return new org.diffusion4j.samplers.UniPc(
                    orDefault(steps, 20),
                    rounded(
                            SamplerConfigs.sigmaSpacing(
                                    spacing,
                                    karras,
                                    rho,
                                    stepsOffset,
                                    org.diffusion4j.samplers.SigmaSpacing.schedule()),
                            roundModelTime,
                            truncateModelTime),
                    orDefault(solverOrder, 2),
                    solverType == null
                            ? org.diffusion4j.samplers.UniPc.Variant.BH2
                            : org.diffusion4j.samplers.UniPc.Variant.parse(solverType),
                    disableCorrector == null ? java.util.Set.of() : java.util.Set.copyOf(disableCorrector),
                    processing(null, thresholding, dynamicThresholdingRatio, sampleMaxValue));
        }
    }
}
