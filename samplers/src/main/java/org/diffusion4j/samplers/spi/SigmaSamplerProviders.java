package org.diffusion4j.samplers.spi;

import java.util.List;
import java.util.Set;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.spi.Capability;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.api.spi.SamplerProvider;

/**
 * Providers of the σ-space samplers, with the names users type (k-diffusion's and the A1111 web UI's; the
 * registry compares names case-insensitively). {@code dpmpp_2m_karras} ("DPM++ 2M Karras") is
 * {@code dpmpp_2m} whose spacing defaults to Karras.
 */
public final class SigmaSamplerProviders {
    private SigmaSamplerProviders() {
    }

    /** {@code euler}. */
    public static final class EulerProvider implements SamplerProvider<SamplerConfigs.Euler> {
        @Override
        public String id() {
            return "euler";
        }

        @Override
        public List<String> aliases() {
            return List.of("k_euler");
        }

        @Override
        public String description() {
            return "Euler on the probability-flow ODE in sigma (Karras et al. 2022, Algorithm 2 with S_churn = 0)";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.DETERMINISTIC);
        }

        @Override
        public Class<SamplerConfigs.Euler> configType() {
            return SamplerConfigs.Euler.class;
        }

        @Override
        public SamplerConfigs.Euler defaultConfig() {
            return SamplerConfigs.Euler.defaults();
        }

        @Override
        public Sampler create(SamplerConfigs.Euler config, PluginContext context) {
            return config.build();
        }
    }

    /** {@code euler_a}. */
    public static final class EulerAncestralProvider implements SamplerProvider<SamplerConfigs.EulerAncestral> {
        @Override
        public String id() {
            return "euler_a";
        }

        @Override
        public List<String> aliases() {
            return List.of("euler-ancestral", "euler_ancestral", "Euler a", "k_euler_a");
        }

        @Override
        public String description() {
            return "Euler ancestral with eta (k-diffusion / diffusers EulerAncestralDiscreteScheduler)";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public Class<SamplerConfigs.EulerAncestral> configType() {
            return SamplerConfigs.EulerAncestral.class;
        }

        @Override
        public SamplerConfigs.EulerAncestral defaultConfig() {
            return SamplerConfigs.EulerAncestral.defaults();
        }

        @Override
        public Sampler create(SamplerConfigs.EulerAncestral config, PluginContext context) {
            return config.build();
        }
    }

    /** {@code heun}. */
    public static final class HeunProvider implements SamplerProvider<SamplerConfigs.Heun> {
        @Override
        public String id() {
            return "heun";
        }

        @Override
        public List<String> aliases() {
            return List.of("k_heun");
        }

        @Override
        public String description() {
            return "Heun's second-order method in sigma (Karras et al. 2022, Algorithm 1)";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.DETERMINISTIC);
        }

        @Override
        public Class<SamplerConfigs.Heun> configType() {
            return SamplerConfigs.Heun.class;
        }

        @Override
        public SamplerConfigs.Heun defaultConfig() {
            return SamplerConfigs.Heun.defaults();
        }

        @Override
        public Sampler create(SamplerConfigs.Heun config, PluginContext context) {
            return config.build();
        }
    }

    /** {@code dpmpp_2m}. */
    public static final class DpmPP2MProvider implements SamplerProvider<SamplerConfigs.DpmPP2M> {
        @Override
        public String id() {
            return "dpmpp_2m";
        }

        @Override
        public List<String> aliases() {
            return List.of("DPM++ 2M", "k_dpmpp_2m", "dpm++2m");
        }

        @Override
        public String description() {
            return "DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2); karras: true for Karras sigmas";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.DETERMINISTIC);
        }

        @Override
        public Class<SamplerConfigs.DpmPP2M> configType() {
            return SamplerConfigs.DpmPP2M.class;
        }

        @Override
        public SamplerConfigs.DpmPP2M defaultConfig() {
            return SamplerConfigs.DpmPP2M.defaults();
        }

        @Override
        public Sampler create(SamplerConfigs.DpmPP2M config, PluginContext context) {
            return config.build(org.diffusion4j.samplers.SigmaSpacing.schedule());
        }
    }

    /** {@code dpmpp_2m_karras}. */
    public static final class DpmPP2MKarrasProvider implements SamplerProvider<SamplerConfigs.DpmPP2M> {
        @Override
        public String id() {
            return "dpmpp_2m_karras";
        }

        @Override
        public List<String> aliases() {
            return List.of("DPM++ 2M Karras", "k_dpmpp_2m_karras");
        }

        @Override
        public String description() {
            return "DPM-Solver++(2M) on Karras sigmas (rho = 7)";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.DETERMINISTIC);
        }

        @Override
        public Class<SamplerConfigs.DpmPP2M> configType() {
            return SamplerConfigs.DpmPP2M.class;
        }

        @Override
        public SamplerConfigs.DpmPP2M defaultConfig() {
            return SamplerConfigs.DpmPP2M.defaults();
        }

        @Override
        public Sampler create(SamplerConfigs.DpmPP2M config, PluginContext context) {
            return config.build(org.diffusion4j.samplers.SigmaSpacing.karras());
        }
    }

    /** {@code dpmpp_2m_sde}. */
    public static final class DpmPP2MSdeProvider implements SamplerProvider<SamplerConfigs.DpmPP2MSde> {
        @Override
        public String id() {
            return "dpmpp_2m_sde";
        }

        @Override
        public List<String> aliases() {
            return List.of("DPM++ 2M SDE", "sde-dpmsolver++");
        }

        @Override
        public String description() {
            return "SDE-DPM-Solver++(2M) (Lu et al. 2022), midpoint, eta in [0, 1]";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public Class<SamplerConfigs.DpmPP2MSde> configType() {
            return SamplerConfigs.DpmPP2MSde.class;
        }

        @Override
        public SamplerConfigs.DpmPP2MSde defaultConfig() {
            return SamplerConfigs.DpmPP2MSde.defaults();
        }

        @Override
        public Sampler create(SamplerConfigs.DpmPP2MSde config, PluginContext context) {
            return config.build(org.diffusion4j.samplers.SigmaSpacing.schedule());
        }
    }

    /** {@code dpmpp_2m_sde_karras}. */
    public static final class DpmPP2MSdeKarrasProvider implements SamplerProvider<SamplerConfigs.DpmPP2MSde> {
        @Override
        public String id() {
            return "dpmpp_2m_sde_karras";
        }

        @Override
        public List<String> aliases() {
            return List.of("DPM++ 2M SDE Karras");
        }

        @Override
        public String description() {
            return "SDE-DPM-Solver++(2M) on Karras sigmas";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public Class<SamplerConfigs.DpmPP2MSde> configType() {
            return SamplerConfigs.DpmPP2MSde.class;
        }

        @Override
        public SamplerConfigs.DpmPP2MSde defaultConfig() {
            return SamplerConfigs.DpmPP2MSde.defaults();
        }

        @Override
        public Sampler create(SamplerConfigs.DpmPP2MSde config, PluginContext context) {
            return config.build(org.diffusion4j.samplers.SigmaSpacing.karras());
        }
    }

    /** {@code lms}. */
    public static final class LmsProvider implements SamplerProvider<SamplerConfigs.Lms> {
        @Override
        public String id() {
            return "lms";
        }

        @Override
        public List<String> aliases() {
            return List.of("k_lms");
        }

        @Override
        public String description() {
            return "linear multistep in sigma, order up to 4 (k-diffusion sample_lms)";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.DETERMINISTIC);
        }

        @Override
        public Class<SamplerConfigs.Lms> configType() {
            return SamplerConfigs.Lms.class;
        }

        @Override
        public SamplerConfigs.Lms defaultConfig() {
            return SamplerConfigs.Lms.defaults();
        }

        @Override
        public Sampler create(SamplerConfigs.Lms config, PluginContext context) {
            return config.build();
        }
    }

    /** {@code pndm}. */
    public static final class PndmProvider implements SamplerProvider<SamplerConfigs.Multistep> {
        @Override
        public String id() {
            return "pndm";
        }

        @Override
        public List<String> aliases() {
            return List.of("plms");
        }

        @Override
        public String description() {
            return "PNDM pseudo linear multistep (Liu et al. 2022; diffusers skip_prk_steps)";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.DETERMINISTIC);
        }

        @Override
        public Class<SamplerConfigs.Multistep> configType() {
            return SamplerConfigs.Multistep.class;
        }

        @Override
        public SamplerConfigs.Multistep defaultConfig() {
            return SamplerConfigs.Multistep.defaults();
        }

        @Override
        public Sampler create(SamplerConfigs.Multistep config, PluginContext context) {
            return new org.diffusion4j.samplers.Pndm(SamplerConfigs.orDefault(config.steps(), 50), config.sigmaSpacing());
        }
    }

    /** {@code unipc}. */
    public static final class UniPcProvider implements SamplerProvider<SamplerConfigs.Multistep> {
        @Override
        public String id() {
            return "unipc";
        }

        @Override
        public List<String> aliases() {
            return List.of("uni_pc", "uni-pc");
        }

        @Override
        public String description() {
            return "UniPC, UniP-2 + UniC, bh2 (Zhao et al. 2023)";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.DETERMINISTIC);
        }

        @Override
        public Class<SamplerConfigs.Multistep> configType() {
            return SamplerConfigs.Multistep.class;
        }

        @Override
        public SamplerConfigs.Multistep defaultConfig() {
            return SamplerConfigs.Multistep.defaults();
        }

        @Override
        public Sampler create(SamplerConfigs.Multistep config, PluginContext context) {
            return new org.diffusion4j.samplers.UniPc(SamplerConfigs.orDefault(config.steps(), 20), config.sigmaSpacing());
        }
    }
}
