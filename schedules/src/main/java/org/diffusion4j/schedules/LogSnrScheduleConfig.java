package org.diffusion4j.schedules;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * JSON configuration of the continuous log-SNR schedules.
 *
 * @param lambdaMin    λ at u = 1 (default −20)
 * @param lambdaMax    λ at u = 0 (default 20)
 * @param modelTime    {@code lambda} (default) or {@code u}: the network's time input
 * @param trainingDraw {@code schedule} (default: λ(u), u ~ U(0,1)) or {@code uniform_lambda}
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public record LogSnrScheduleConfig(
        @Nullable Double lambdaMin,
        @Nullable Double lambdaMax,
        @Nullable String modelTime,
        @Nullable String trainingDraw) {

    public static LogSnrScheduleConfig defaults() {
        return new LogSnrScheduleConfig(null, null, null, null);
    }

    LogSnrSchedule build(LogSnrSchedule.Shape shape) {
        return new LogSnrSchedule(
                shape,
                lambdaMin == null ? -20 : lambdaMin,
                lambdaMax == null ? 20 : lambdaMax,
                modelTime == null ? LogSnrSchedule.ModelTime.LAMBDA : LogSnrSchedule.ModelTime.parse(modelTime),
                trainingDraw == null
                        ? LogSnrSchedule.TrainingDraw.SCHEDULE
                        : LogSnrSchedule.TrainingDraw.parse(trainingDraw));
    }
}
