package org.diffusion4j.samplers.spi;

import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apiguardian.api.API;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.spi.Capability;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.api.spi.SamplerProvider;
import org.diffusion4j.samplers.SigmaSpacing;

/**
 * Providers of the σ-space samplers, with the names users type (k-diffusion's and the A1111 web UI's; the
 * registry compares names case-insensitively). {@code dpmpp_2m_karras} ("DPM++ 2M Karras") is
 * {@code dpmpp_2m} whose spacing defaults to Karras.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class SigmaSamplerProviders {
    private SigmaSamplerProviders() {}

    private static final Set<Capability> DETERMINISTIC = Set.of(Capability.DETERMINISTIC);
    private static final Set<Capability> STOCHASTIC = Set.of();

    /**
     * A provider described by values: each public subclass below (ServiceLoader needs a public no-argument
     * constructor per provider) only names them.
     */
    abstract static class Described<C> implements SamplerProvider<C> {
        private final String id;
        private final List<String> aliases;
        private final String description;
        private final Set<Capability> capabilities;
        private final Class<C> configType;
        private final Supplier<C> defaults;
        private final BiFunction<C, PluginContext, Sampler> factory;

        Described(
                String id,
                List<String> aliases,
                String description,
                Set<Capability> capabilities,
                Class<C> configType,
                Supplier<C> defaults,
                BiFunction<C, PluginContext, Sampler> factory) {
            this.id = id;
            this.aliases = List.copyOf(aliases);
            this.description = description;
            this.capabilities = Set.copyOf(capabilities);
            this.configType = configType;
            this.defaults = defaults;
            this.factory = factory;
        }

        @Override
        public final String id() {
            return id;
        }

        @Override
        public final List<String> aliases() {
            return aliases;
        }

        @Override
        public final String description() {
            return description;
        }

        @Override
        public final Set<Capability> capabilities() {
            return capabilities;
        }

        @Override
        public final Class<C> configType() {
            return configType;
        }

        @Override
        public final C defaultConfig() {
            return defaults.get();
        }

        @Override
        public final Sampler create(C config, PluginContext context) {
            return factory.apply(config, context);
        }
    }

    /** {@code euler}. */
    public static final class EulerProvider extends Described<SamplerConfigs.Euler> {
        public EulerProvider() {
            super(
                    "euler",
                    List.of("k_euler"),
                    "Euler on the probability-flow ODE in sigma (Karras et al. 2022, Algorithm 2 with S_churn = 0)",
                    DETERMINISTIC,
                    SamplerConfigs.Euler.class,
                    SamplerConfigs.Euler::defaults,
                    (c, ctx) -> c.build());
        }
    }

    /** {@code euler_a}. */
    public static final class EulerAncestralProvider extends Described<SamplerConfigs.EulerAncestral> {
        public EulerAncestralProvider() {
            super(
                    "euler_a",
                    List.of("euler-ancestral", "euler_ancestral", "Euler a", "k_euler_a"),
                    "Euler ancestral with eta (k-diffusion / diffusers EulerAncestralDiscreteScheduler)",
                    STOCHASTIC,
                    SamplerConfigs.EulerAncestral.class,
                    SamplerConfigs.EulerAncestral::defaults,
                    (c, ctx) -> c.build());
        }
    }

    /** {@code heun}. */
    public static final class HeunProvider extends Described<SamplerConfigs.Heun> {
        public HeunProvider() {
            super(
                    "heun",
                    List.of("k_heun"),
                    "Heun's second-order method in sigma (Karras et al. 2022, Algorithm 1)",
                    DETERMINISTIC,
                    SamplerConfigs.Heun.class,
                    SamplerConfigs.Heun::defaults,
                    (c, ctx) -> c.build());
        }
    }

    /** {@code dpmpp_2m}. */
    public static final class DpmPP2MProvider extends Described<SamplerConfigs.DpmPP2M> {
        public DpmPP2MProvider() {
            super(
                    "dpmpp_2m",
                    List.of("DPM++ 2M", "k_dpmpp_2m", "dpm++2m"),
                    "DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2); karras: true for Karras sigmas; solverOrder 1..3",
                    DETERMINISTIC,
                    SamplerConfigs.DpmPP2M.class,
                    SamplerConfigs.DpmPP2M::defaults,
                    (c, ctx) -> c.build(SigmaSpacing.schedule()));
        }
    }

    /** {@code dpmpp_2m_karras}. */
    public static final class DpmPP2MKarrasProvider extends Described<SamplerConfigs.DpmPP2M> {
        public DpmPP2MKarrasProvider() {
            super(
                    "dpmpp_2m_karras",
                    List.of("DPM++ 2M Karras", "k_dpmpp_2m_karras"),
                    "DPM-Solver++(2M) on Karras sigmas (rho = 7)",
                    DETERMINISTIC,
                    SamplerConfigs.DpmPP2M.class,
                    SamplerConfigs.DpmPP2M::defaults,
                    (c, ctx) -> c.build(SigmaSpacing.karras()));
        }
    }

    /** {@code dpmpp_2m_sde}. */
    public static final class DpmPP2MSdeProvider extends Described<SamplerConfigs.DpmPP2MSde> {
        public DpmPP2MSdeProvider() {
            super(
                    "dpmpp_2m_sde",
                    List.of("DPM++ 2M SDE", "sde-dpmsolver++"),
                    "SDE-DPM-Solver++(2M) (Lu et al. 2022), midpoint, eta in [0, 1]",
                    STOCHASTIC,
                    SamplerConfigs.DpmPP2MSde.class,
                    SamplerConfigs.DpmPP2MSde::defaults,
                    (c, ctx) -> c.build(SigmaSpacing.schedule()));
        }
    }

    /** {@code dpmpp_2m_sde_karras}. */
    public static final class DpmPP2MSdeKarrasProvider extends Described<SamplerConfigs.DpmPP2MSde> {
        public DpmPP2MSdeKarrasProvider() {
            super(
                    "dpmpp_2m_sde_karras",
                    List.of("DPM++ 2M SDE Karras"),
                    "SDE-DPM-Solver++(2M) on Karras sigmas",
                    STOCHASTIC,
                    SamplerConfigs.DpmPP2MSde.class,
                    SamplerConfigs.DpmPP2MSde::defaults,
                    (c, ctx) -> c.build(SigmaSpacing.karras()));
        }
    }

    /** {@code lms}. */
    public static final class LmsProvider extends Described<SamplerConfigs.Lms> {
        public LmsProvider() {
            super(
                    "lms",
                    List.of("k_lms"),
                    "linear multistep in sigma, order up to 4 (k-diffusion sample_lms)",
                    DETERMINISTIC,
                    SamplerConfigs.Lms.class,
                    SamplerConfigs.Lms::defaults,
                    (c, ctx) -> c.build());
        }
    }

    /** {@code pndm}. */
    public static final class PndmProvider extends Described<SamplerConfigs.Pndm> {
        public PndmProvider() {
            super(
                    "pndm",
                    List.of("plms"),
                    "PNDM pseudo numerical methods (Liu et al. 2022); warmUp plms (diffusers"
                            + " skip_prk_steps) or runge_kutta",
                    DETERMINISTIC,
                    SamplerConfigs.Pndm.class,
                    SamplerConfigs.Pndm::defaults,
                    (c, ctx) -> c.build());
        }
    }

    /** {@code unipc}. */
    public static final class UniPcProvider extends Described<SamplerConfigs.UniPc> {
        public UniPcProvider() {
            super(
                    "unipc",
                    List.of("uni_pc", "uni-pc"),
                    "UniPC, UniP-p + UniC-p, bh1 or bh2, p = 1..3 (Zhao et al. 2023)",
                    DETERMINISTIC,
                    SamplerConfigs.UniPc.class,
                    SamplerConfigs.UniPc::defaults,
                    (c, ctx) -> c.build());
        }
    }
}
