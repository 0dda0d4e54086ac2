package org.diffusion4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.diffusion4j.api.tensor.Shape;
import org.junit.jupiter.api.Test;

class ClassAccuracyTest {
    static final int K = 4;

    /** Prototype of class k: a 2×2 image with value 4 at pixel k, 0 elsewhere. */
    static float[] prototype(int k) {
        float[] p = new float[4];
        p[k] = 4;
        return p;
    }

    /** Logits −‖x − p_k‖²: the nearest prototype wins. */
    static final Classifier NEAREST = (images, shape) -> {
        int b = shape.get(0);
        float[][] out = new float[b][K];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < K; k++) {
                float[] p = prototype(k);
                float s = 0;
                for (int j = 0; j < 4; j++) {
                    float t = images[i * 4 + j] - p[j];
                    s += t * t;
                }
                out[i][k] = -s;
            }
        }
        return out;
    };

    /** n images of classes i mod K with noise |·| ≤ 0.5 (so the nearest prototype is the true class). */
    static ImageSet images(int n, Random r) {
        float[] v = new float[n * 4];
        for (int i = 0; i < n; i++) {
            float[] p = prototype(i % K);
            for (int j = 0; j < 4; j++) {
                v[i * 4 + j] = p[j] + (float) (r.nextDouble() - 0.5);
            }
        }
        return ImageSet.of(v, Shape.of(1, 2, 2), "test");
    }

    @Test
    void accuracyIsTheFractionOfCorrectLabels() {
        // ‖noise‖ ≤ 1 < half the distance 4√2 between prototypes: the classifier is right on every image,
        // so the accuracy is exactly the fraction of labels that name the true class
        int n = 103; // not a multiple of the batch size
        ImageSet set = images(n, new Random(1));
        int[] labels = new int[n];
        int wrong = 0;
        for (int i = 0; i < n; i++) {
            labels[i] = i % K;
            if (i % 5 == 0) {
                labels[i] = (i + 1) % K;
                wrong++;
            }
        }
        for (int batch : new int[] {1, 10, 64, 500}) {
            ClassAccuracy.Result r = ClassAccuracy.of(NEAREST, set, labels, batch);
            assertThat(r.correct()).isEqualTo(n - wrong);
            assertThat(r.total()).isEqualTo(n);
            assertThat(r.value()).isEqualTo((double) (n - wrong) / n);
        }
    }

    @Test
    void aTieGoesToTheFirstClass() {
        Classifier flat = (images, shape) -> new float[][] {{1, 3, 3}, {3, 3, 1}};
        ImageSet two = ImageSet.of(new float[2], Shape.of(1), "two");
        assertThat(ClassAccuracy.of(flat, two, new int[] {1, 0}, 8).correct()).isEqualTo(2);
        assertThat(ClassAccuracy.of(flat, two, new int[] {2, 1}, 8).correct()).isZero();
    }

    @Test
    void badInputs() {
        ImageSet set = images(8, new Random(2));
        assertThatThrownBy(() -> ClassAccuracy.of(NEAREST, set, new int[7], 4))
                .hasMessageContaining("8 images but 7 labels");
        assertThatThrownBy(() -> ClassAccuracy.of(NEAREST, set, new int[] {0, 1, 2, 3, 4, 0, 0, 0}, 4))
                .hasMessageContaining("label 4 of image 4 is not a class of a classifier with 4 logits");
        assertThatThrownBy(() -> ClassAccuracy.of((im, s) -> new float[1][K], set, new int[8], 4))
                .hasMessageContaining("returned 1 rows for a batch of 4");
        assertThatThrownBy(() -> ClassAccuracy.of(
                        (im, s) -> new float[][] {{Float.NaN}},
                        ImageSet.of(new float[1], Shape.of(1), "x"),
                        new int[1],
                        4))
                .hasMessageContaining("logit 0 of image 0 is NaN");
    }
}
