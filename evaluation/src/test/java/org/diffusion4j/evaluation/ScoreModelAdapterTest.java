package org.diffusion4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.diffusion4j.api.spi.ScoreModel;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.junit.jupiter.api.Test;

/** A backend's {@link ScoreModel} as a classifier and as a feature model. */
class ScoreModelAdapterTest {

    /** Scores (Σ x, −Σ x) per image: class 0 for images of positive sum, else class 1. */
    static final ScoreModel SUMS = images -> {
        int b = images.shape().get(0);
        int per = images.shape().sampleShape().intSize();
        float[] x = images.toFloatArray();
        float[] out = new float[2 * b];
        for (int i = 0; i < b; i++) {
            float s = 0;
            for (int j = 0; j < per; j++) {
                s += x[i * per + j];
            }
            out[2 * i] = s;
            out[2 * i + 1] = -s;
        }
        return ArrayTensor.of(out, Shape.of(b, 2));
    };

    @Test
    void rowsAreTheScoreModelsOutputAndAccuracyCountsThem() {
        // 5 images of 2 × 1 × 1 with sums 1, −2, 3, −4, 0.5 (exact in float32): classes 0, 1, 0, 1, 0
        float[] x = {0.5f, 0.5f, -1f, -1f, 1f, 2f, -3f, -1f, 0.25f, 0.25f};
        ImageSet set = ImageSet.of(x, Shape.of(2, 1, 1), "five");
        float[][] rows = Classifier.of(SUMS).logits(x, Shape.of(5, 2, 1, 1));
        assertThat(rows).hasDimensions(5, 2);
        assertThat(rows[1]).containsExactly(-2f, 2f);
        assertThat(FeatureModel.ofScoreModel("sums", 2, SUMS).features(x, Shape.of(5, 2, 1, 1)))
                .isDeepEqualTo(rows);
        // labels 0, 0, 0, 1, 1: images 0, 2, 3 are right, so 3 of 5, in batches of 2 (2 + 2 + 1)
        assertThat(ClassAccuracy.of(Classifier.of(SUMS), set, new int[] {0, 0, 0, 1, 1}, 2)
                        .value())
                .isEqualTo(3 / 5.0);
    }

    @Test
    void aScoreModelOfTheWrongShapeIsRefused() {
        ScoreModel flat = images -> ArrayTensor.of(
                new float[images.shape().get(0) * 3],
                Shape.of(3 * images.shape().get(0)));
        assertThatThrownBy(() -> Classifier.of(flat).logits(new float[4], Shape.of(2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, K]")
                .hasMessageContaining("[2, 2]");
    }
}
