package org.diffusion4j.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.guidance.Guidances;
import org.diffusion4j.mixture.GaussianMixture;
import org.diffusion4j.pipeline.PluginSpec;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.BoundRecorder;
import org.diffusion4j.testkit.ErrorBound;
import org.diffusion4j.testkit.FixtureBounds;
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
            assertThat(mix.classify(new double[] {d[2 * i], d[2 * i + 1]}))
                    .as("sample %d", i)
                    .isEqualTo(i / 20);
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
        return PluginSpec.of("gaussian-mixture")
                .with("weights", new double[] {1, 1, 1})
                .with("means", means)
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
        // one float32 network against the double-precision oracle: the mixture's per-call bound along the run
        // (FixtureBounds, taken at the oracle's states, which the ONNX run follows to within this bound), plus
        // the oracle's rounding to float32, amplified by CFG γ = 3 over the 25 DDIM steps
        assertThat(maxDiff).isLessThanOrEqualTo(trajectoryBound(4, 0, 1, 2));
    }

    /**
     * The bound of the example's run (DDIM 25, CFG γ = 3, seed 42, {@code perLabel} columns per label),
     * relative to max(1, |x|) and so absolute for the mixture's samples; rebuilt through the API: row k of
     * the example's grid is the batch of {@code perLabel} samples of label k from the same seed.
     */
    private static double trajectoryBound(int perLabel, int... labels) {
        double[][] means = new double[3][64];
        for (int k = 0; k < 3; k++) {
            for (int n = 0; n < 64; n++) {
                means[k][n] = FixtureBounds.mean(k, n);
            }
        }
        NoisePredictor flat =
                new GaussianMixture(new double[] {1, 1, 1}, means, new double[] {0.5, 0.5, 0.5}).epsilonPredictor();
        NoisePredictor oracle = (x, t, c) ->
                flat.predict(x.reshape(Shape.of(x.batchSize(), 64)), t, c).reshape(x.shape());
        double worst = 0;
        for (int label : labels) {
            BoundRecorder recorder = new BoundRecorder(oracle, "gmm_eps");
            int[] y = new int[perLabel];
            java.util.Arrays.fill(y, label);
            Samplers.ddim(25)
                    .sample(SampleRequest.builder()
                            .predictor(recorder)
                            .schedule(Schedules.linear(1000))
                            .guidance(Guidances.cfg(3.0))
                            .conditions(Conditions.labels(y))
                            .sampleShape(1, 8, 8)
                            .seed(42)
                            .build());
            double amplification = FixtureBounds.cfgAmplification(3.0);
            worst = Math.max(worst, recorder.trajectory(1, amplification) + 25 * amplification * ErrorBound.U32);
        }
        return worst;
    }

    @Test
    void mainSamplesTheFixtureFile() {
        EmbeddingExample.main(new String[] {"../../tools/fixtures/out/gmm_eps.onnx"});
    }
}
