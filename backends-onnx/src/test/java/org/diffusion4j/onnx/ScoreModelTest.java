package org.diffusion4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.spi.ScoreModel;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.testkit.FixtureBounds;
import org.junit.jupiter.api.Test;

/**
 * {@link OnnxBackend#loadScoreModel}: {@code gmm_logits.onnx} (make_fixtures.py's GmmLogits) returns
 * ℓ_k = −|x − α μ_k|²/(2v), v = ᾱ s² + 1 − ᾱ (s = 0.5), which the test computes in double.
 */
class ScoreModelTest {
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

    static ModelSpec spec(String name, Map<String, Object> options) {
        return new ModelSpec(Fixtures.onnx(name), PredictionType.EPSILON, options);
    }

    @Test
    void logitsOfTheMixtureClassifierMatchTheClosedFormInBatchesAndWhole() {
        float[] x = images(11);
        Tensor in = ArrayTensor.of(x, Shape.of(B, 1, 8, 8));
        try (OnnxBackend backend = OnnxBackend.open()) {
            ScoreModel whole = backend.loadScoreModel(spec("gmm_logits", Map.of("inputs", Map.of("timestep", 0))));
            assertLogits(x, whole.apply(in), 0);
            // batches of 3 (3 + 3 + 1 images) and a later timestep (the constant reaches every image)
            ScoreModel chunked = backend.loadScoreModel(
                    spec("gmm_logits", Map.of("inputs", Map.of("timestep", 250), "output", "logits", "batchSize", 3)));
            assertLogits(x, chunked.apply(in), 250);
        }
    }

    @Test
    void badOptionsAndModelsAreRefusedWithTheModelsInputsAndOutputs() {
        try (OnnxBackend backend = OnnxBackend.open()) {
            assertThatThrownBy(() -> backend.loadScoreModel(spec("gmm_logits", Map.of())))
                    .isInstanceOf(OnnxModelException.class)
                    .hasMessageContaining("gmm_logits.onnx")
                    .hasMessageContaining("sample")
                    .hasMessageContaining("timestep");
            assertThatThrownBy(() -> backend.loadScoreModel(
                            spec("gmm_logits", Map.of("inputs", Map.of("timestep", 0), "output", "features"))))
                    .hasMessageContaining("no output 'features'")
                    .hasMessageContaining("logits");
            assertThatThrownBy(() -> backend.loadScoreModel(spec("gmm_logits", Map.of("inputs", Map.of("t", 0)))))
                    .hasMessageContaining("no such input")
                    .hasMessageContaining("'t'");
            assertThatThrownBy(() -> backend.loadScoreModel(spec("gmm_logits", Map.of("outputs", "x"))))
                    .hasMessageContaining("unknown option 'outputs'");
            assertThatThrownBy(() ->
                            backend.loadScoreModel(spec("gmm_logits", Map.of("inputs", Map.of("timestep", "zero")))))
                    .hasMessageContaining("inputs.timestep must be a number");
            ScoreModel m = backend.loadScoreModel(spec("gmm_logits", Map.of("inputs", Map.of("timestep", 0))));
            assertThatThrownBy(() -> m.apply(ArrayTensor.of(new float[B * 16], Shape.of(B, 1, 4, 4))))
                    .hasMessageContaining("gmm_logits.onnx")
                    .hasMessageContaining("[7, 1, 4, 4]");
        }
    }
}
