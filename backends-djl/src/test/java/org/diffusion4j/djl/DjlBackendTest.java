package org.diffusion4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.spi.Backend;
import org.diffusion4j.api.spi.BackendProvider;
import org.diffusion4j.api.spi.Capability;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.classifier.ClassifierConfig;
import org.diffusion4j.djl.classifier.ClassifierModel;
import org.diffusion4j.djl.data.Shapes;
import org.diffusion4j.djl.train.ProgressListener;
import org.diffusion4j.djl.train.Trainer;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.djl.unet.UNetModel;
import org.diffusion4j.djl.unet.UNetPredictor;
import org.diffusion4j.schedules.Schedules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlBackendTest {

    @Test
    void theProviderIsFoundByIdAndAliasWithItsCapabilities() {
        PluginRegistry r = PluginRegistry.load();
        org.diffusion4j.api.spi.BackendProvider<?> p =
                r.find(PluginKind.BACKEND, "djl").orElseThrow();
        assertThat(p).isInstanceOf(DjlBackendProvider.class);
        assertThat(r.find(PluginKind.BACKEND, "pytorch")).containsSame(p);
        assertThat(p.capabilities())
                .containsExactlyInAnyOrder(
                        Capability.GRADIENTS, Capability.TRAINING, Capability.GPU, Capability.MODEL_FILES);
        assertThat(p.configType()).isEqualTo(DjlConfig.class);
    }

    @Test
    void configurationBindsFromJson() throws Exception {
        PluginRegistry r = PluginRegistry.load();
        @SuppressWarnings("unchecked")
        BackendProvider<DjlConfig> p =
                (BackendProvider<DjlConfig>) r.find(PluginKind.BACKEND, "djl").orElseThrow();
        DjlConfig c = r.bindConfig(p, new ObjectMapper().readTree("{\"device\": \"gpu(1)\", \"threads\": 1}"));
        assertThat(c.device()).isEqualTo("gpu(1)");
        assertThat(c.threads()).isEqualTo(1);
        assertThat(c.fallbackToCpu()).isTrue();
        assertThat(c.gcThresholdMiB()).isEqualTo(256L);
        assertThatThrownBy(() -> r.bindConfig(p, new ObjectMapper().readTree("{\"threads\": -1}")))
                .hasMessageContaining("threads must be >= 0");
        assertThatThrownBy(() -> r.bindConfig(p, new ObjectMapper().readTree("{\"devise\": \"cpu\"}")))
                .hasMessageContaining("devise");
    }

    @Test
    void aMissingGpuFallsBackToTheCpuOrFailsWhenAsked() {
        try (Backend b = new DjlBackendProvider()
                .create(
                        DjlConfig.DEFAULT.withDevice("gpu(3)"),
                        org.diffusion4j.api.spi.PluginContext.of(PluginRegistry.load()))) {
            assertThat(b.device()).isEqualTo("cpu");
            assertThat(b.tensors().name()).isEqualTo("djl:cpu");
            assertThat(b.id()).isEqualTo("djl");
        }
        DjlConfig strict = new DjlConfig("gpu(3)", false, null, null, null);
        assertThatThrownBy(() -> new DjlBackend(strict))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("D4J-DJL-DEVICE: ")
                .hasMessageContaining("GPU 3")
                .hasMessageContaining("fallbackToCpu");
        assertThatThrownBy(() -> DjlRuntime.device("tpu", true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("D4J-DJL-DEVICE: ")
                .hasMessageContaining("unknown device 'tpu'");
        assertThatThrownBy(() -> new DjlBackend(DjlConfig.DEFAULT.withDevice("tpu")))
                .hasMessageContaining("cpu, gpu, gpu(i)");
        assertThat(DjlRuntime.device("auto", true)).isIn(Device.cpu(), Device.gpu(0));
    }

    @Test
    void loadsTrainerAndClassifierCheckpoints(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("unet.ckpt");
        var data = Shapes.generate(64, 16, 1);
        try (Trainer t = Trainer.create(
                TestNets.tinyUNet(4),
                TrainerConfig.builder().batchSize(8).build(),
                Schedules.linear(1000),
                data,
                Device.cpu(),
                3)) {
            t.train(2, ProgressListener.NONE);
            t.save(ckpt);
        }
        Path cls = dir.resolve("cls.ckpt");
        try (ClassifierModel c = ClassifierModel.create(
                new ClassifierConfig(1, 16, 4, 8, java.util.List.of(1, 2), 4, null), Device.cpu(), 1)) {
            c.save(cls);
        }
        try (DjlBackend b = new DjlBackend(DjlConfig.DEFAULT);
                UNetModel ema = Trainer.loadModel(ckpt, Device.cpu(), true)) {
            NoisePredictor p = b.loadPredictor(ModelSpec.of(ckpt));
            Tensor x = b.tensors().full(Shape.of(2, 1, 16, 16), 0.3f);
            Tensor viaBackend = p.predict(x, Timestep.ofAlphaBar(200, 0.7), Conditions.labels(1, 2));
            Tensor direct = new UNetPredictor(ema, b.tensors())
                    .predict(x, Timestep.ofAlphaBar(200, 0.7), Conditions.labels(1, 2));
            assertThat(viaBackend.minus(direct).norm()).isZero();
            assertThat(b.loadClassifier(ModelSpec.of(cls))
                            .gradLogProb(x, Timestep.ofAlphaBar(200, 0.7), Conditions.labels(0, 3))
                            .shape())
                    .isEqualTo(x.shape());
            assertThatThrownBy(() -> b.loadPredictor(new ModelSpec(ckpt, PredictionType.V, Map.of())))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("D4J-CHECKPOINT: ")
                    .hasMessageContaining("trained to predict EPSILON");
            assertThatThrownBy(() -> b.loadPredictor(ModelSpec.of(dir.resolve("none.pt"))))
                    .hasMessageStartingWith("D4J-CHECKPOINT: ")
                    .hasMessageContaining("does not exist");
            // the checkpoint without its companion (optimizer state, EMA): still an UncheckedIOException, now coded
            Path moved = Files.createDirectories(dir.resolve("moved")).resolve("unet.ckpt");
            Files.copy(ckpt, moved);
            assertThatThrownBy(() -> b.loadPredictor(ModelSpec.of(moved)))
                    .isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageStartingWith("D4J-CHECKPOINT: ")
                    .hasMessageContaining("companion")
                    .satisfies(e -> assertThat(org.diffusion4j.api.DiffusionError.codeOf(e))
                            .contains("D4J-CHECKPOINT"));
        }
    }

    @Test
    void loadsTorchScriptFiles() {
        Path pt = Path.of("..", "tools", "fixtures", "out", "tiny_unet.pt");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(pt));
        try (DjlBackend b = new DjlBackend(DjlConfig.DEFAULT)) {
            NoisePredictor p = b.loadPredictor(new ModelSpec(pt, PredictionType.EPSILON, Map.of("numClasses", 3)));
            Tensor out = p.predict(
                    b.tensors().zeros(Shape.of(2, 1, 8, 8)), Timestep.ofAlphaBar(10, 0.9), Conditions.labels(0, 1));
            assertThat(out.shape()).isEqualTo(Shape.of(2, 1, 8, 8));
        }
    }
}
