package org.diffusion4j.guidance.spi;

import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.spi.GuidanceProvider;
import org.diffusion4j.api.spi.NoConfig;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.api.spi.UnconfiguredProvider;

/** Providers of the built-in guidance {@code none}, {@code cfg} and {@code classifier}. */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class BuiltinGuidanceProviders {
    private BuiltinGuidanceProviders() {}

    /** {@code none}. */
    public static final class NoneProvider implements GuidanceProvider<NoConfig>, UnconfiguredProvider<Guidance> {
        @Override
        public String id() {
            return "none";
        }

        @Override
        public String description() {
            return "no guidance: the model's prediction for the requested conditions";
        }

        @Override
        public Guidance create(PluginContext context) {
            return Guidance.NONE;
        }
    }

    /** {@code unconditional}. */
    public static final class UnconditionalProvider
            implements GuidanceProvider<NoConfig>, UnconfiguredProvider<Guidance> {
        @Override
        public String id() {
            return "unconditional";
        }

        @Override
        public String description() {
            return "the model under the null condition, whatever labels were requested";
        }

        @Override
        public Guidance create(PluginContext context) {
            return Guidance.UNCONDITIONAL;
        }
    }

    /** {@code cfg}. */
    public static final class CfgProvider implements GuidanceProvider<GuidanceConfigs.Cfg> {
        @Override
        public String id() {
            return "cfg";
        }

        @Override
        public List<String> aliases() {
            return List.of("classifier-free", "classifier_free");
        }

        @Override
        public String description() {
            return "classifier-free guidance (Ho & Salimans 2022), cond and uncond in one batched call";
        }

        @Override
        public Class<GuidanceConfigs.Cfg> configType() {
            return GuidanceConfigs.Cfg.class;
        }

        @Override
        public GuidanceConfigs.Cfg defaultConfig() {
            return GuidanceConfigs.Cfg.defaults();
        }

        @Override
        public Guidance create(GuidanceConfigs.Cfg config, PluginContext context) {
            return config.build();
        }

        @Override
        public Map<String, String> deprecations(GuidanceConfigs.Cfg config) {
            return config.wDeprecation().map(m -> Map.of("/w", m)).orElse(Map.of());
        }
    }

    /** {@code classifier}. */
    public static final class ClassifierProvider implements GuidanceProvider<GuidanceConfigs.Classifier> {
        @Override
        public String id() {
            return "classifier";
        }

        @Override
        public String description() {
            return "classifier guidance (Dhariwal & Nichol 2021): epsilon correction or DDPM mean shift, composable";
        }

        @Override
        public Class<GuidanceConfigs.Classifier> configType() {
            return GuidanceConfigs.Classifier.class;
        }

        @Override
        public GuidanceConfigs.Classifier defaultConfig() {
            return GuidanceConfigs.Classifier.defaults();
        }

        @Override
        public Guidance create(GuidanceConfigs.Classifier config, PluginContext context) {
            return config.build(context);
        }
    }
}
