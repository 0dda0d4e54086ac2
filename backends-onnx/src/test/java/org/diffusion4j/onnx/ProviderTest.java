package org.diffusion4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.diffusion4j.api.spi.Backend;
import org.diffusion4j.api.spi.BackendProvider;
import org.diffusion4j.api.spi.Capability;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.spi.PluginConfigException;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.api.spi.PluginRegistry;
import org.junit.jupiter.api.Test;

/** Discovery through ServiceLoader, JSON configuration, lazy native loading and the CPU fallback. */
class ProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void registryFindsTheBackendByIdAndAlias() {
        PluginRegistry registry = PluginRegistry.load();
        assertThat(registry.ids(PluginKind.BACKEND)).contains("onnx");
        assertThat(registry.provider(PluginKind.BACKEND, "onnxruntime")).isInstanceOf(OnnxBackendProvider.class);
        assertThat(registry.describe()).contains("onnx");
    }

    @Test
    void backendFromJsonConfigLoadsModels() throws Exception {
        PluginRegistry registry = PluginRegistry.load();
        try (Backend b = registry.backend(
                "onnx",
                JSON.readTree(
                        "{\"type\": \"onnx\", \"intraOpThreads\": 1, \"optimization\": \"basic\", \"model\": {\"numClasses\": 3}}"))) {
            assertThat(b.id()).isEqualTo("onnx");
            assertThat(b.device()).isEqualTo("cpu");
            assertThat(b.capabilities()).contains(Capability.MODEL_FILES).doesNotContain(Capability.GRADIENTS);
            assertThat(((OnnxBackend) b).config().intraOpThreads()).isEqualTo(1);
            // the model default numClasses = 3 makes the null condition label 3
            var p = b.loadPredictor(ModelSpec.of(Fixtures.onnx("linear")));
            var x = Analytic.gaussian(1, 2);
            var none = org.diffusion4j.api.Conditions.unconditional(1);
            assertThat(Analytic.maxAbsDiff(
                            p.predict(x, Analytic.level(9), none), Analytic.LINEAR.predict(x, Analytic.level(9), none)))
                    .isLessThanOrEqualTo(org.diffusion4j.testkit.FixtureBounds.linear(
                                            x.abs().max())
                                    * Math.max(
                                            1,
                                            Analytic.LINEAR
                                                    .predict(x, Analytic.level(9), none)
                                                    .abs()
                                                    .max())
                            + 0x1p-24 * 2); // one float32 evaluation + reference rounding
            var withoutDefault = ((OnnxBackend) b).loadPredictor(Fixtures.onnx("linear"), Map.of("numClasses", 2));
            assertThat(Analytic.maxAbsDiff(
                            withoutDefault.predict(x, Analytic.level(9), none),
                            Analytic.LINEAR.predict(x, Analytic.level(9), org.diffusion4j.api.Conditions.labels(2))))
                    .isLessThanOrEqualTo(org.diffusion4j.testkit.FixtureBounds.linear(
                                            x.abs().max())
                                    * Math.max(
                                            1,
                                            Analytic.LINEAR
                                                    .predict(
                                                            x,
                                                            Analytic.level(9),
                                                            org.diffusion4j.api.Conditions.labels(2))
                                                    .abs()
                                                    .max())
                            + 0x1p-24 * 2); // as above
        }
    }

    @Test
    void badJsonConfigNamesTheField() {
        PluginRegistry registry = PluginRegistry.load();
        assertThatThrownBy(() -> registry.backend("onnx", JSON.readTree("{\"threads\": 2}")))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("unknown field 'threads'")
                .hasMessageContaining("intraOpThreads");
        assertThatThrownBy(() -> registry.backend("onnx", JSON.readTree("{\"device\": \"tpu\"}")))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("device must be 'cpu', 'cuda' or 'cuda:<index>', got 'tpu'");
        assertThatThrownBy(() -> registry.backend("onnx", JSON.readTree("{\"optimization\": \"max\"}")))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("optimization must be one of none, basic, extended, all");
        assertThatThrownBy(() -> registry.backend("onnx", JSON.readTree("{\"model\": {\"sample\": \"x\"}}")))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("unknown ONNX model option [sample]");
    }

    @Test
    void discoveringTheProviderLoadsNoOnnxRuntimeClass() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            urls.add(Path.of(p).toUri().toURL());
        }
        try (Tracking loader = new Tracking(urls.toArray(new URL[0]))) {
            // the SPI types as this loader sees them, called reflectively
            Class<?> spi = loader.loadClass(BackendProvider.class.getName());
            Class<?> base = loader.loadClass(org.diffusion4j.api.spi.PluginProvider.class.getName());
            List<String> ids = new ArrayList<>();
            for (Object p : ServiceLoader.load(spi, loader)) {
                ids.add(base.getMethod("id").invoke(p) + " "
                        + base.getMethod("rank").invoke(p) + " "
                        + base.getMethod("capabilities").invoke(p) + " "
                        + base.getMethod("description").invoke(p)
                        + " " + base.getMethod("defaultConfig").invoke(p));
            }
            assertThat(ids).anyMatch(s -> s.startsWith("onnx "));
            assertThat(loader.loaded("org.diffusion4j.onnx.OnnxBackendProvider"))
                    .isTrue();
            assertThat(loader.loaded("ai.onnxruntime.OnnxRuntime")).isFalse();
            assertThat(loader.loaded("ai.onnxruntime.OrtEnvironment")).isFalse();
            // control: the check does see a class once this loader has loaded it
            Class.forName("ai.onnxruntime.OrtEnvironment", false, loader);
            assertThat(loader.loaded("ai.onnxruntime.OrtEnvironment")).isTrue();
        }
    }

    /** A class loader that loads the class path itself (not from the parent) and says what it loaded. */
    private static final class Tracking extends URLClassLoader {
        Tracking(URL[] urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }

        boolean loaded(String name) {
            return findLoadedClass(name) != null;
        }
    }

    @Test
    void cudaOnTheCpuBuildFallsBackToTheCpuWithALoggedNote() {
        Logger jul = Logger.getLogger(OnnxBackend.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(h);
        try (OnnxBackend b = OnnxBackend.open(OnnxConfig.DEFAULT.withDevice("cuda:0"))) {
            if (ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA)) {
                return; // a GPU build: nothing to fall back from
            }
            assertThat(b.device()).isEqualTo("cpu");
            assertThat(b.capabilities()).doesNotContain(Capability.GPU);
            assertThat(records)
                    .anySatisfy(r -> assertThat(r.getMessage() + " " + java.util.Arrays.toString(r.getParameters()))
                            .contains("no CUDA execution provider", "running on the CPU", "cuda:0"));
            // models still load and run on the CPU
            assertThat(b.loadPredictor(new ModelSpec(
                                    Fixtures.onnx("linear"),
                                    org.diffusion4j.api.PredictionType.EPSILON,
                                    Map.of("numClasses", 3)))
                            .describe())
                    .contains("linear.onnx");
        } finally {
            jul.removeHandler(h);
        }
    }

    @Test
    void spinningIsOffByDefaultAndOnlyChangesHowThreadsWait() throws Exception {
        assertThat(OnnxConfig.DEFAULT.spinning()).isFalse();
        assertThat(OnnxConfig.DEFAULT.withSpinning(true).spinning()).isTrue();
        PluginRegistry registry = PluginRegistry.load();
        var x = Analytic.gaussian(4, 3);
        var c = org.diffusion4j.api.Conditions.labels(0, 1, 2, 0);
        float[][] out = new float[2][];
        int k = 0;
        for (String json : new String[] {"{\"intraOpThreads\": 2, \"spinning\": true}", "{\"intraOpThreads\": 2}"}) {
            try (Backend b = registry.backend("onnx", JSON.readTree(json))) {
                assertThat(((OnnxBackend) b).config().spinning()).isEqualTo(k == 0);
                out[k++] = b.loadPredictor(new ModelSpec(
                                Fixtures.onnx("tiny_unet"),
                                org.diffusion4j.api.PredictionType.EPSILON,
                                Map.of("numClasses", 3)))
                        .predict(x, Analytic.level(9), c)
                        .toFloatArray();
            }
        }
        // the same kernels on the same partition of the work: waiting by spinning or sleeping cannot change a bit
        assertThat(out[1]).containsExactly(out[0]);
    }

    @Test
    void configDefaultsAndValidation() {
        OnnxConfig d = OnnxConfig.DEFAULT;
        assertThat(d.device()).isEqualTo("cpu");
        assertThat(d.intraOpThreads()).isZero();
        // "all" unless the run sets DIFFUSION4J_ONNX_OPTIMIZATION (CI's second kernel selection does)
        String env = System.getenv("DIFFUSION4J_ONNX_OPTIMIZATION");
        assertThat(d.optimizationLevel())
                .isEqualTo(
                        env == null || env.isBlank()
                                ? OnnxConfig.OptimizationLevel.ALL
                                : OnnxConfig.OptimizationLevel.parse(env));
        assertThat(d.cudaDevice()).isEmpty();
        assertThat(d.withDevice("CUDA:2").cudaDevice()).hasValue(2);
        assertThat(d.withDevice("cuda").cudaDevice()).hasValue(0);
        assertThatThrownBy(() -> d.withIntraOpThreads(-1)).hasMessageContaining("intraOpThreads must be >= 0");
    }

    @Test
    void systemPropertyChoosesTheDefaultOptimisationAndAnExplicitLevelWins() {
        String before = System.getProperty("diffusion4j.onnx.optimization");
        System.setProperty("diffusion4j.onnx.optimization", "basic");
        try {
            assertThat(new OnnxConfig(null, null, null, null, null).optimizationLevel())
                    .isEqualTo(OnnxConfig.OptimizationLevel.BASIC);
            assertThat(new OnnxConfig(null, null, null, "extended", null).optimizationLevel())
                    .isEqualTo(OnnxConfig.OptimizationLevel.EXTENDED);
            System.setProperty("diffusion4j.onnx.optimization", "fastest");
            assertThatThrownBy(() -> new OnnxConfig(null, null, null, null, null))
                    .hasMessageContaining("optimization must be one of none, basic, extended, all; got 'fastest'");
        } finally {
            if (before == null) {
                System.clearProperty("diffusion4j.onnx.optimization");
            } else {
                System.setProperty("diffusion4j.onnx.optimization", before);
            }
        }
    }
}
