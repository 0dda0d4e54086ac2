package org.diffusion4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.spi.ScoreModel;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.classifier.ClassifierConfig;
import org.diffusion4j.djl.classifier.ClassifierModel;
import org.diffusion4j.testkit.FixtureBounds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DjlBackend#loadScoreModel}: a TorchScript module's output ({@code gmm_logits.pt}, the mixture
 * classifier ℓ_k = −|x − α μ_k|²/(2v)) against its closed form, and a classifier checkpoint with known
 * weights (all zero but the head's bias b, so that every image's logits are b exactly).
 */
class ScoreModelTest {
    static final Path FIXTURES = Path.of("..", "tools", "fixtures", "out");
    static final int B = 7;

    static float[] images(long seed) {
        return FixtureBounds.mixtureImages(B, seed);
    }

    /**
     * The float32 logits against the closed form at timestep t, within FixtureBounds.mixtureLogitBounds
     * (the logit item of FixtureBounds.mixture's derivation: (γ_71 S_k + 2 γ_4 Σ_i |d_i| |α μ_ki|)/(2v),
     * d_i = x_i − α μ_ki, S_k = Σ d_i², times the fixtures' safety factor 2).
     */
    static void assertLogits(float[] x, Tensor logits, int t) {
        assertThat(logits.shape()).isEqualTo(Shape.of(B, FixtureBounds.K));
        float[] got = logits.toFloatArray();
        double[] want = FixtureBounds.mixtureLogits(x, FixtureBounds.alphaBar(t));
        double[] bound = FixtureBounds.mixtureLogitBounds(x, FixtureBounds.alphaBar(t));
        for (int i = 0; i < want.length; i++) {
            assertThat((double) got[i])
                    .as("logit %d of image %d", i % FixtureBounds.K, i / FixtureBounds.K)
                    .isCloseTo(want[i], org.assertj.core.data.Offset.offset(bound[i]));
        }
    }

    @Test
    void aTorchScriptModulesOutputMatchesTheClosedForm() {
        float[] x = images(3);
        Tensor in = ArrayTensor.of(x, Shape.of(B, 1, 8, 8));
        Path pt = FIXTURES.resolve("gmm_logits.pt");
        try (DjlBackend backend = new DjlBackend(DjlConfig.DEFAULT)) {
            ScoreModel clean = backend.loadScoreModel(new ModelSpec(pt, PredictionType.EPSILON, Map.of()));
            assertLogits(x, clean.apply(in), 0);
            ScoreModel noisy = backend.loadScoreModel(
                    new ModelSpec(pt, PredictionType.EPSILON, Map.of("modelTime", 250, "batchSize", 3)));
            assertLogits(x, noisy.apply(in), 250);
            assertThatThrownBy(() -> backend.loadScoreModel(
                            new ModelSpec(pt, PredictionType.EPSILON, Map.of("output", "gradient"))))
                    .hasMessageContaining("not a gradient");
        }
    }

    @Test
    void aClassifierCheckpointWithKnownWeightsGivesItsBiasAsLogits(@TempDir Path dir) throws Exception {
        ClassifierConfig config = new ClassifierConfig(1, 8, 4, 8, List.of(1, 2), 4, null);
        float[] bias = {0.25f, -1.5f, 3.0f, 0.5f};
        Path file = dir.resolve("known.ckpt");
        try (ClassifierModel m = ClassifierModel.create(config, Device.cpu(), 1)) {
            Map<String, float[]> w = new HashMap<>();
            List<String> heads = m.weights().keySet().stream()
                    .filter(k -> k.contains("head")
                            && k.toLowerCase(java.util.Locale.ROOT).contains("bias"))
                    .toList();
            assertThat(heads)
                    .as("the head's bias among %s", m.weights().keySet())
                    .hasSize(1);
            m.weights().forEach((k, v) -> w.put(k, new float[v.length]));
            w.put(heads.get(0), bias.clone());
            m.load(w, "known weights");
            m.save(file);
        }
        float[] x = images(5);
        try (DjlBackend backend = new DjlBackend(DjlConfig.DEFAULT)) {
            ScoreModel s = backend.loadScoreModel(
                    new ModelSpec(file, PredictionType.EPSILON, Map.of("modelTime", 10, "batchSize", 2)));
            Tensor logits = s.apply(ArrayTensor.of(x, Shape.of(B, 1, 8, 8)));
            assertThat(logits.shape()).isEqualTo(Shape.of(B, 4));
            // every layer's weights are zero: each activation is exactly 0 (silu(0) = 0, a group norm of
            // zeros with a zero scale is 0), so the head returns its bias without rounding
            float[] got = logits.toFloatArray();
            for (int b = 0; b < B; b++) {
                for (int k = 0; k < 4; k++) {
                    assertThat(got[b * 4 + k]).as("logit %d of image %d", k, b).isEqualTo(bias[k]);
                }
            }
            assertThatThrownBy(() -> s.apply(ArrayTensor.of(new float[B * 16], Shape.of(B, 1, 4, 4))))
                    .hasMessageContaining("[B, 1, 8, 8]")
                    .hasMessageContaining("[7, 1, 4, 4]");
            assertThatThrownBy(() -> backend.loadScoreModel(
                            new ModelSpec(file, PredictionType.EPSILON, Map.of("inputs", List.of("sample")))))
                    .hasMessageContaining("unknown option 'inputs'");
            assertThatThrownBy(() -> backend.loadScoreModel(
                            new ModelSpec(file, PredictionType.EPSILON, Map.of("modelTime", "zero"))))
                    .hasMessageContaining("modelTime must be a number");
        }
    }
}
