package org.diffusion4j.schedules;

import org.apiguardian.api.API;

/** Builds schedules from their JSON configurations (used by the providers). */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class ScheduleConfigs {
    private ScheduleConfigs() {}

    /** The discrete schedule {@code kind} from its config. */
    public static DiscreteSchedule fromConfig(String kind, DiscreteScheduleConfig c) {
        if (c.trainedBetas() != null && !kind.equals("betas")) {
            throw new IllegalArgumentException("trainedBetas is only allowed for schedule 'betas', not '" + kind + "'");
        }
        int T = c.t();
        double[] betas = switch (kind) {
            case "linear" -> BetaSchedules.linear(T, c.start(1e-4), c.end(0.02));
            case "scaled_linear" -> BetaSchedules.scaledLinear(T, c.start(0.00085), c.end(0.012));
            case "cosine" -> BetaSchedules.cosine(T);
            case "sigmoid" -> BetaSchedules.sigmoid(T, c.start(1e-4), c.end(0.02));
            case "betas" -> {
                double[] b = c.trainedBetas();
                if (b == null || b.length == 0) {
                    throw new IllegalArgumentException("schedule 'betas' needs a non-empty trainedBetas array");
                }
                if (c.numTrainTimesteps() != null && c.numTrainTimesteps() != b.length) {
                    throw new IllegalArgumentException("numTrainTimesteps " + c.numTrainTimesteps()
                            + " but trainedBetas has " + b.length + " values");
                }
                yield b;
            }
            default -> throw new IllegalArgumentException("unknown discrete schedule '" + kind + "'");
        };
        return c.build(betas, kind);
    }

    /** The log-SNR schedule of the given shape from its config. */
    public static LogSnrSchedule fromConfig(LogSnrSchedule.Shape shape, LogSnrScheduleConfig c) {
        return c.build(shape);
    }
}
