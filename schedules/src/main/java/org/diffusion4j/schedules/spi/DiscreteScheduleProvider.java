package org.diffusion4j.schedules.spi;

import java.util.List;
import org.apiguardian.api.API;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.api.spi.ScheduleProvider;
import org.diffusion4j.schedules.DiscreteScheduleConfig;
import org.diffusion4j.schedules.ScheduleConfigs;

/**
 * The built-in discrete β schedules as plugins: {@code linear}, {@code scaled_linear},
 * {@code cosine} (alias {@code squaredcos_cap_v2}), {@code sigmoid} and {@code betas} (explicit table).
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public abstract class DiscreteScheduleProvider implements ScheduleProvider<DiscreteScheduleConfig> {
    private final String id;
    private final List<String> aliases;

    DiscreteScheduleProvider(String id, List<String> aliases) {
        this.id = id;
        this.aliases = aliases;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public List<String> aliases() {
        return aliases;
    }

    @Override
    public String description() {
        return "discrete " + id + " beta schedule (diffusers semantics for timestep spacing)";
    }

    @Override
    public Class<DiscreteScheduleConfig> configType() {
        return DiscreteScheduleConfig.class;
    }

    @Override
    public DiscreteScheduleConfig defaultConfig() {
        return DiscreteScheduleConfig.defaults();
    }

    @Override
    public Schedule create(DiscreteScheduleConfig config, PluginContext context) {
        return ScheduleConfigs.fromConfig(id, config);
    }

    /** {@code linear}. */
    public static final class Linear extends DiscreteScheduleProvider {
        public Linear() {
            super("linear", List.of());
        }
    }

    /** {@code scaled_linear}. */
    public static final class ScaledLinear extends DiscreteScheduleProvider {
        public ScaledLinear() {
            super("scaled_linear", List.of("scaled-linear"));
        }
    }

    /** {@code cosine}. */
    public static final class Cosine extends DiscreteScheduleProvider {
        public Cosine() {
            super("cosine", List.of("squaredcos_cap_v2"));
        }
    }

    /** {@code sigmoid}. */
    public static final class Sigmoid extends DiscreteScheduleProvider {
        public Sigmoid() {
            super("sigmoid", List.of());
        }
    }

    /** {@code betas}: an explicit table in {@code trainedBetas}. */
    public static final class Explicit extends DiscreteScheduleProvider {
        public Explicit() {
            super("betas", List.of("trained_betas", "explicit"));
        }
    }
}
