package org.diffusion4j.schedules;

import org.apiguardian.api.API;

/** Static factories for the common schedules. */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class Schedules {
    private Schedules() {}

    /** Ho et al.'s linear schedule, β from 1e-4 to 0.02 over T steps. */
    public static DiscreteSchedule linear(int T) {
        return linear(T, 1e-4, 0.02);
    }

    /** A linear β schedule. */
    public static DiscreteSchedule linear(int T, double betaStart, double betaEnd) {
        return DiscreteSchedule.builder(BetaSchedules.linear(T, betaStart, betaEnd))
                .name("linear")
                .build();
    }

    /** diffusers' {@code scaled_linear} with Stable Diffusion's β from 0.00085 to 0.012. */
    public static DiscreteSchedule scaledLinear(int T) {
        return DiscreteSchedule.builder(BetaSchedules.scaledLinear(T, 0.00085, 0.012))
                .name("scaled_linear")
                .build();
    }

    /** Nichol &amp; Dhariwal's cosine schedule (s = 0.008, β ≤ 0.999). */
    public static DiscreteSchedule cosine(int T) {
        return DiscreteSchedule.builder(BetaSchedules.cosine(T)).name("cosine").build();
    }

    /** diffusers' {@code sigmoid} β schedule from 1e-4 to 0.02. */
    public static DiscreteSchedule sigmoid(int T) {
        return DiscreteSchedule.builder(BetaSchedules.sigmoid(T, 1e-4, 0.02))
                .name("sigmoid")
                .build();
    }

    /** An explicit β table. */
    public static DiscreteSchedule betas(double... betas) {
        return DiscreteSchedule.builder(betas).name("explicit").build();
    }

    /** The truncated cosine log-SNR schedule of the CFG paper on [λ_min, λ_max], model time λ. */
    public static LogSnrSchedule cosineLogSnr(double lambdaMin, double lambdaMax) {
        return new LogSnrSchedule(
                LogSnrSchedule.Shape.COSINE,
                lambdaMin,
                lambdaMax,
                LogSnrSchedule.ModelTime.LAMBDA,
                LogSnrSchedule.TrainingDraw.SCHEDULE);
    }

    /** The CFG paper's cosine log-SNR schedule on [−20, 20]. */
    public static LogSnrSchedule cosineLogSnr() {
        return cosineLogSnr(-20, 20);
    }

    /** A log-SNR schedule linear in u on [λ_min, λ_max], model time λ. */
    public static LogSnrSchedule linearLogSnr(double lambdaMin, double lambdaMax) {
        return new LogSnrSchedule(
                LogSnrSchedule.Shape.LINEAR,
                lambdaMin,
                lambdaMax,
                LogSnrSchedule.ModelTime.LAMBDA,
                LogSnrSchedule.TrainingDraw.SCHEDULE);
    }
}
