package org.diffusion4j.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.pipeline.PluginSpec;
import org.diffusion4j.testkit.GaussianMixture;
import org.junit.jupiter.api.Test;

/**
 * The example's few lines, run with the exact-score model, and with the ONNX file of {@code main}
 * ({@code tools/fixtures/out/gmm_eps.onnx}), which must give the same samples.
 */
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

    /** The fixtures' mixture: μ_k = 1.5·E[k], E[k](i, j) = cos(0.7 (k + 1) i + 0.3 j) on 8×8, s = 0.5, equal weights. */
    private static PluginSpec fixtureMixture() {
        double[][] means = new double[3][64];
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < 8; j++) {
                    means[k][i * 8 + j] = 1.5 * Math.cos(0.7 * (k + 1) * i + 0.3 * j);
                }
            }
        }
        return PluginSpec.of("gaussian-mixture").with("weights", new double[] {1, 1, 1}).with("means", means)
                .with("stds", new double[] {0.5, 0.5, 0.5});
    }

    @Test
    void theOnnxFileOfMainSamplesLikeTheExactScoreModelItWasExportedFrom() {
        Path onnx = Path.of("../../tools/fixtures/out/gmm_eps.onnx");
        assertThat(onnx).as("run from examples/embedding").exists();
        Tensor viaOnnx = EmbeddingExample.sample(EmbeddingExample.onnxModel(onnx), 4, 0, 1, 2);
        Tensor exact = EmbeddingExample.sample(fixtureMixture(), 4, 0, 1, 2);
        assertThat(viaOnnx.shape().dims()).containsExactly(12, 1, 8, 8);
        assertThat(exact.shape().dims()).containsExactly(12, 64);
        float[] a = viaOnnx.toFloatArray();
        float[] b = exact.toFloatArray();
        double maxDiff = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
        }
        assertThat(maxDiff).isLessThan(2e-3); // float32 ONNX graph vs the double-precision oracle, 25 DDIM steps
    }

    @Test
    void mainSamplesTheFixtureFile() {
        EmbeddingExample.main(new String[] {"../../tools/fixtures/out/gmm_eps.onnx"});
    }
}
