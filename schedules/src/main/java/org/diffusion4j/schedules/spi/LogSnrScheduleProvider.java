package org.diffusion4j.schedules.spi;

import java.util.List;
import org.apiguardian.api.API;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.api.spi.ScheduleProvider;
import org.diffusion4j.schedules.LogSnrSchedule;
import org.diffusion4j.schedules.LogSnrScheduleConfig;
import org.diffusion4j.schedules.ScheduleConfigs;

/** The continuous log-SNR schedules as plugins: {@code cosine-logsnr} and {@code linear-logsnr}. */
@API(status = API.Status.STABLE, since = "0.1.0")
public abstract class LogSnrScheduleProvider implements ScheduleProvider<LogSnrScheduleConfig> {
    private final LogSnrSchedule.Shape shape;
    private final String id;

    LogSnrScheduleProvider(LogSnrSchedule.Shape shape, String id) {
        this.shape = shape;
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public List<String> aliases() {
        return List.of(id.replace('-', '_'));
    }

    @Override
    public String description() {
        return "continuous " + shape.name().toLowerCase(java.util.Locale.ROOT)
                + " log-SNR schedule lambda(u) on [lambdaMin, lambdaMax]";
    }

    @Override
    public Class<LogSnrScheduleConfig> configType() {
        return LogSnrScheduleConfig.class;
    }

    @Override
    public LogSnrScheduleConfig defaultConfig() {
        return LogSnrScheduleConfig.defaults();
    }

    @Override
    public Schedule create(LogSnrScheduleConfig config, PluginContext context) {
        return ScheduleConfigs.fromConfig(shape, config);
    }

    /** {@code cosine-logsnr}. */
    public static final class Cosine extends LogSnrScheduleProvider {
        public Cosine() {
            super(LogSnrSchedule.Shape.COSINE, "cosine-logsnr");
        }
    }

    /** {@code linear-logsnr}. */
    public static final class Linear extends LogSnrScheduleProvider {
        public Linear() {
            super(LogSnrSchedule.Shape.LINEAR, "linear-logsnr");
        }
    }
}
