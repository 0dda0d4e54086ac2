package org.example.dpmsolver;

import java.util.List;
import java.util.Set;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.spi.Capability;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.api.spi.SamplerProvider;
import org.jspecify.annotations.Nullable;

/** Registers {@link DpmSolverPlusPlus2M} as sampler {@code dpmpp-2m}: {@code {"type": "dpmpp-2m", "steps": 20}}. */
public final class DpmSolverProvider implements SamplerProvider<DpmSolverProvider.Config> {

    /**
     * @param steps inference steps (default 20)
     * @param order 1 or 2 (default 2)
     */
    public record Config(@Nullable Integer steps, @Nullable Integer order) {}

    @Override
    public String id() {
        return "dpmpp-2m";
    }

    @Override
    public List<String> aliases() {
        return List.of("dpm-solver++", "dpmsolver++");
    }

    @Override
    public String description() {
        return "DPM-Solver++(2M) (Lu et al. 2022), a third-party example plugin";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DETERMINISTIC);
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Config defaultConfig() {
        return new Config(null, null);
    }

    @Override
    public Sampler create(Config c, PluginContext context) {
        return new DpmSolverPlusPlus2M(c.steps() == null ? 20 : c.steps(), c.order() == null ? 2 : c.order());
    }
}
