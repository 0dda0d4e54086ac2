package org.diffusion4j.samplers.spi;

import org.diffusion4j.samplers.SampleProcessing;
import org.jspecify.annotations.Nullable;

/** The JSON configurations of the built-in samplers. Absent fields take the documented defaults. */
public final class SamplerConfigs {
    private SamplerConfigs() {
    }

    static SampleProcessing processing(@Nullable Double clipSample, @Nullable Boolean thresholding,
            @Nullable Double dynamicThresholdingRatio, @Nullable Double sampleMaxValue) {
        boolean th = Boolean.TRUE.equals(thresholding);
        if (th && clipSample != null) {
            throw new IllegalArgumentException("clipSample and thresholding exclude each other; choose one");
        }
        if (th) {
            return SampleProcessing.dynamicThreshold(dynamicThresholdingRatio == null ? 0.995 : dynamicThresholdingRatio,
                    sampleMaxValue == null ? 1.0 : sampleMaxValue);
        }
        if (dynamicThresholdingRatio != null || sampleMaxValue != null) {
            throw new IllegalArgumentException("dynamicThresholdingRatio and sampleMaxValue need thresholding: true");
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
     */
    public record Ddim(@Nullable Integer steps, @Nullable Double eta, @Nullable Double clipSample,
            @Nullable Boolean thresholding, @Nullable Double dynamicThresholdingRatio, @Nullable Double sampleMaxValue) {
        public static Ddim defaults() {
            return new Ddim(null, null, null, null, null, null);
        }

        org.diffusion4j.samplers.Ddim build() {
            return new org.diffusion4j.samplers.Ddim(steps == null ? 50 : steps, eta == null ? 0 : eta,
                    processing(clipSample, thresholding, dynamicThresholdingRatio, sampleMaxValue));
        }
    }

    /**
     * {@code ddpm}.
     *
     * @param steps    inference steps (default: the schedule's full chain)
     * @param variance {@code posterior} (β̃, default; alias fixed_small) or {@code beta} (alias fixed_large)
     */
    public record Ddpm(@Nullable Integer steps, @Nullable String variance, @Nullable Double clipSample,
            @Nullable Boolean thresholding, @Nullable Double dynamicThresholdingRatio, @Nullable Double sampleMaxValue) {
        public static Ddpm defaults() {
            return new Ddpm(null, null, null, null, null, null);
        }

        org.diffusion4j.samplers.Ddpm build() {
            if (steps != null && steps < 1) {
                throw new IllegalArgumentException("steps must be >= 1, got " + steps);
            }
            return new org.diffusion4j.samplers.Ddpm(steps == null ? 0 : steps,
                    variance == null ? org.diffusion4j.samplers.Ddpm.Variance.POSTERIOR
                            : org.diffusion4j.samplers.Ddpm.Variance.parse(variance),
                    processing(clipSample, thresholding, dynamicThresholdingRatio, sampleMaxValue));
        }
    }

    /**
     * {@code ancestral}: the CFG paper's continuous-time sampler.
     *
     * @param steps inference steps (default 256, the paper's)
     * @param v     variance interpolation in [0, 1] (default 0.3, the paper's)
     */
    public record Ancestral(@Nullable Integer steps, @Nullable Double v, @Nullable Double clipSample,
            @Nullable Boolean thresholding, @Nullable Double dynamicThresholdingRatio, @Nullable Double sampleMaxValue) {
        public static Ancestral defaults() {
            return new Ancestral(null, null, null, null, null, null);
        }

        org.diffusion4j.samplers.LogSnrAncestral build() {
            return new org.diffusion4j.samplers.LogSnrAncestral(steps == null ? 256 : steps, v == null ? 0.3 : v,
                    processing(clipSample, thresholding, dynamicThresholdingRatio, sampleMaxValue));
        }
    }
}
