package org.diffusion4j.schedules;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * JSON configuration of the discrete β schedules. Absent fields take diffusers' defaults.
 *
 * @param numTrainTimesteps   T (default 1000)
 * @param betaStart           first β of linear/scaled_linear/sigmoid (default 1e-4; 0.00085 for scaled_linear)
 * @param betaEnd             last β (default 0.02; 0.012 for scaled_linear)
 * @param trainedBetas        the explicit β table of schedule {@code betas}
 * @param timestepSpacing     {@code leading} (default), {@code trailing} or {@code linspace}
 * @param stepsOffset         added to leading timesteps (default 0)
 * @param setAlphaToOne       ᾱ after the last step is 1 (default true) or ᾱ_0
 * @param rescaleBetasZeroSnr rescale for zero terminal SNR (default false)
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public record DiscreteScheduleConfig(
        @Nullable Integer numTrainTimesteps,
        @Nullable Double betaStart,
        @Nullable Double betaEnd,
        double @Nullable [] trainedBetas,
        @Nullable String timestepSpacing,
        @Nullable Integer stepsOffset,
        @Nullable Boolean setAlphaToOne,
        @Nullable Boolean rescaleBetasZeroSnr) {

    /** All defaults. */
    public static DiscreteScheduleConfig defaults() {
        return new DiscreteScheduleConfig(null, null, null, null, null, null, null, null);
    }

    /**
     * The largest T accepted: far above any trained model's (1000 to 4000), small enough that the
     * schedule's tables (a few arrays of T doubles) cannot exhaust the heap.
     */
    public static final int MAX_TRAIN_TIMESTEPS = 1_000_000;

    int t() {
        int t = numTrainTimesteps == null ? 1000 : numTrainTimesteps;
        if (t < 1 || t > MAX_TRAIN_TIMESTEPS) {
            throw new IllegalArgumentException(
                    "numTrainTimesteps must be in [1, " + MAX_TRAIN_TIMESTEPS + "], got " + t);
        }
        return t;
    }

    double start(double dflt) {
        return betaStart == null ? dflt : betaStart;
    }

    double end(double dflt) {
        return betaEnd == null ? dflt : betaEnd;
    }

    /** Builds the schedule from a β table with this config's spacing settings. */
    DiscreteSchedule build(double[] betas, String name) {
        DiscreteSchedule.Builder b = DiscreteSchedule.builder(betas)
                .name(name)
                .spacing(timestepSpacing == null ? TimestepSpacing.LEADING : TimestepSpacing.parse(timestepSpacing))
                .stepsOffset(stepsOffset == null ? 0 : stepsOffset)
                .setAlphaToOne(setAlphaToOne == null || setAlphaToOne);
        if (Boolean.TRUE.equals(rescaleBetasZeroSnr)) {
            b.rescaleZeroTerminalSnr();
        }
        return b.build();
    }
}
