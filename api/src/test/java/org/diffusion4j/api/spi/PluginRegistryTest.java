package org.diffusion4j.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.noise.SdkNoise;
import org.junit.jupiter.api.Test;

class PluginRegistryTest {

    /** A test sampler plugin with a typed config. */
    public record StepsConfig(int steps, double eta) {
        public StepsConfig {
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be >= 1, got " + steps);
            }
        }
    }

    static final class FakeSampler implements SamplerProvider<StepsConfig> {
        private final String id;
        private final List<String> aliases;

        FakeSampler(String id, String... aliases) {
            this.id = id;
            this.aliases = List.of(aliases);
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
        public Class<StepsConfig> configType() {
            return StepsConfig.class;
        }

        @Override
        public StepsConfig defaultConfig() {
            return new StepsConfig(10, 0);
        }

        @Override
        public Sampler create(StepsConfig config, PluginContext context) {
            return (req, l) -> {
                throw new UnsupportedOperationException("steps=" + config.steps());
            };
        }
    }

    @Test
    void builtInsAreDiscoveredThroughServiceLoader() {
        PluginRegistry reg = PluginRegistry.load();
        assertThat(reg.ids(PluginKind.NOISE)).contains("sdk");
        assertThat(reg.ids(PluginKind.BACKEND)).contains("java");
        assertThat(reg.noise("default")).isSameAs(SdkNoise.INSTANCE);
        String d = reg.describe();
        assertThat(d)
                .contains("noises:")
                .contains("sdk")
                .contains("aliases [default, diffusion4j]")
                .contains("java");
        assertThat(reg.provider(PluginKind.BACKEND, "java").location()).isPresent();
    }

    @Test
    void duplicateIdsOrAliasesAreRejectedNamingBothProviders() {
        assertThatThrownBy(() -> PluginRegistry.of(List.of(new FakeSampler("euler"), new FakeSampler("euler"))))
                .isInstanceOf(DuplicatePluginException.class)
                .hasMessageContaining("D4J-PLUGIN-DUPLICATE")
                .hasMessageContaining("'euler'")
                .hasMessageContaining(FakeSampler.class.getName());
        assertThatThrownBy(() -> PluginRegistry.of(List.of(new FakeSampler("euler"), new FakeSampler("heun", "EULER"))))
                .isInstanceOf(DuplicatePluginException.class)
                .hasMessageContaining("'EULER'");
    }

    @Test
    void unknownNamesListTheKnownOnesWithADidYouMean() {
        PluginRegistry reg = PluginRegistry.of(List.of(new FakeSampler("euler"), new FakeSampler("heun")));
        assertThatThrownBy(() -> reg.sampler("eulr"))
                .isInstanceOf(UnknownPluginException.class)
                .hasMessageContaining("no sampler named 'eulr'")
                .hasMessageContaining("did you mean 'euler'")
                .hasMessageContaining("euler, heun");
        assertThatThrownBy(() -> reg.sampler("zzzzzzz")).hasMessageNotContaining("did you mean");
    }

    @Test
    void configsBindStrictlyWithJsonPaths() throws Exception {
        PluginRegistry reg = PluginRegistry.of(List.of(new FakeSampler("euler")));
        ObjectMapper om = new ObjectMapper();
        PluginProvider<?, ?> p = reg.provider(PluginKind.SAMPLER, "EULER");
        @SuppressWarnings("unchecked")
        PluginProvider<Sampler, StepsConfig> fake = (PluginProvider<Sampler, StepsConfig>) p;
        assertThat(reg.bindConfig(fake, om.readTree("{\"type\": \"euler\", \"steps\": 20, \"eta\": 0.5}")))
                .isEqualTo(new StepsConfig(20, 0.5));
        assertThat(reg.bindConfig(fake, null)).isEqualTo(new StepsConfig(10, 0));
        assertThatThrownBy(() -> reg.bindConfig(fake, om.readTree("{\"steps\": 20, \"eta\": 0, \"etta\": 1}")))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("at /etta")
                .hasMessageContaining("unknown field 'etta'")
                .hasMessageContaining("eta, steps");
        assertThatThrownBy(() -> reg.bindConfig(fake, om.readTree("{\"steps\": 20}")))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("at /eta")
                .hasMessageContaining("missing or null");
        assertThatThrownBy(() -> reg.bindConfig(fake, om.readTree("{\"steps\": \"twenty\", \"eta\": 0}")))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("at /steps");
        assertThatThrownBy(() -> reg.bindConfig(fake, om.readTree("{\"steps\": 0, \"eta\": 0}")))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("steps must be >= 1, got 0");
    }

    @Test
    void theDefaultBackendCanBeChosenBySystemProperty() {
        PluginRegistry reg = PluginRegistry.load();
        String old = System.getProperty(PluginRegistry.BACKEND_PROPERTY);
        try {
            System.setProperty(PluginRegistry.BACKEND_PROPERTY, "java");
            assertThat(reg.defaultBackendProvider().id()).isEqualTo("java");
            System.setProperty(PluginRegistry.BACKEND_PROPERTY, "jav");
            assertThatThrownBy(reg::defaultBackendProvider)
                    .hasMessageContaining("no backend named 'jav'")
                    .hasMessageContaining("did you mean 'java'");
        } finally {
            if (old == null) {
                System.clearProperty(PluginRegistry.BACKEND_PROPERTY);
            } else {
                System.setProperty(PluginRegistry.BACKEND_PROPERTY, old);
            }
        }
        assertThatThrownBy(() -> reg.backend("java", null).loadPredictor(ModelSpec.of(java.nio.file.Path.of("m.onnx"))))
                .hasMessageContaining("loads no model files")
                .hasMessageContaining("'onnx'");
    }
}
