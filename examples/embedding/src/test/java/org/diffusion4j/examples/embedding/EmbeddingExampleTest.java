package org.diffusion4j.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.pipeline.PluginSpec;
import org.diffusion4j.testkit.GaussianMixture;
import org.junit.jupiter.api.Test;

/** The example's few lines, run with the exact-score model in place of the ONNX file (no native code needed). */
class EmbeddingExampleTest {
    @Test
    void ddimWithCfgPutsEverySampleInItsLabelledComponent() {
        Tensor x = EmbeddingExample.sample(PluginSpec.of("gaussian-mixture"), 20, 0, 1, 2);
        assertThat(x.shape().dims()).containsExactly(60, 2);
        GaussianMixture mix = GaussianMixture.threeBlobs2d();
        float[] d = x.toFloatArray();
        for (int i = 0; i < 60; i++) {
            assertThat(mix.classify(new double[] {d[2 * i], d[2 * i + 1]})).as("sample %d", i).isEqualTo(i / 20);
        }
    }
}
