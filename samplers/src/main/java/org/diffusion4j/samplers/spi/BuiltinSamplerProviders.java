package org.diffusion4j.samplers.spi;

import java.util.List;
import java.util.Set;
import org.apiguardian.api.API;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.spi.Capability;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.api.spi.SamplerProvider;

/** Providers of the built-in samplers {@code ddim}, {@code ddpm} and {@code ancestral}. */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class BuiltinSamplerProviders {
    private BuiltinSamplerProviders() {}

    /** {@code ddim}. */
    public static final class DdimProvider implements SamplerProvider<SamplerConfigs.Ddim> {
        @Override
        public String id() {
            return "ddim";
        }

        @Override
        public String description() {
            return "DDIM (Song et al. 2021) with eta in [0, 1] on any sub-trajectory";
        }

        @Override
        public Class<SamplerConfigs.Ddim> configType() {
            return SamplerConfigs.Ddim.class;
        }

        @Override
        public SamplerConfigs.Ddim defaultConfig() {
            return SamplerConfigs.Ddim.defaults();
        }

        @Override
        public Sampler create(SamplerConfigs.Ddim config, PluginContext context) {
            return config.build();
        }
    }

    /** {@code ddpm}. */
    public static final class DdpmProvider implements SamplerProvider<SamplerConfigs.Ddpm> {
        @Override
        public String id() {
            return "ddpm";
        }

        @Override
        public String description() {
            return "ancestral DDPM (Ho et al. 2020, Algorithm 2) with variance beta-tilde or beta";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.MEAN_SHIFT);
        }

        @Override
        public Class<SamplerConfigs.Ddpm> configType() {
            return SamplerConfigs.Ddpm.class;
        }

        @Override
        public SamplerConfigs.Ddpm defaultConfig() {
            return SamplerConfigs.Ddpm.defaults();
        }

        @Override
        public Sampler create(SamplerConfigs.Ddpm config, PluginContext context) {
            return config.build();
        }
    }

    /** {@code logsnr-ancestral} (formerly {@code ancestral}, kept as a deprecated alias: DDPM is ancestral too). */
    public static final class AncestralProvider implements SamplerProvider<SamplerConfigs.Ancestral> {
        @Override
        public String id() {
            return "logsnr-ancestral";
        }

        @Override
        public List<String> aliases() {
            return List.of("ancestral", "cfg-ancestral");
        }

        @Override
        public String description() {
            return "continuous-time ancestral sampler over log-SNR (Ho & Salimans 2022)";
        }

        @Override
        public Class<SamplerConfigs.Ancestral> configType() {
            return SamplerConfigs.Ancestral.class;
        }

        @Override
        public SamplerConfigs.Ancestral defaultConfig() {
            return SamplerConfigs.Ancestral.defaults();
        }

        @Override
        public Sampler create(SamplerConfigs.Ancestral config, PluginContext context) {
            return config.build();
        }
    }
}
