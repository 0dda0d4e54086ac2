package org.diffusion4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npy;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.testkit.FixtureBounds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diffusion4j evaluate} on generated data with a known classifier: {@code gmm_logits.onnx} (the
 * fixtures' mixture, logits log N(x; α μ_k, v I) at timestep 0) as classifier and feature model; the
 * reference is drawn from the mixture's components x = μ_k + s z (s = 0.5).
 */
class EvaluateCommandTest {
    static final Path FIXTURES =
            Path.of("../../tools/fixtures/out").toAbsolutePath().normalize();
    static final int N = 300;

    /** N images of the mixture, component i mod 3, shifted by {@code shift} in every pixel. */
    static float[] draw(long seed, double shift) {
        Random r = new Random(seed);
        float[] x = new float[N * FixtureBounds.D];
        for (int i = 0; i < N; i++) {
            for (int n = 0; n < FixtureBounds.D; n++) {
                x[i * FixtureBounds.D + n] = (float) (FixtureBounds.mean(i % 3, n) + 0.5 * r.nextGaussian() + shift);
            }
        }
        return x;
    }

    /**
     * The accuracy of the Bayes classifier at t = 0 against labels i mod 3, in double: the predicted class
     * is the nearest α μ_k (the logits differ by −|x − α μ_k|²/(2v) alone). Each float32 logit is a 64-term
     * sum, within about 70 u ≈ 4e-6 of its value relative to its size; the test requires every margin
     * between the best and second logit to exceed 1e-3 of the logits' size, so float32 cannot flip a
     * prediction and the command's accuracy must equal this count exactly.
     */
    static double bayesAccuracy(float[] x) {
        double alpha = Math.sqrt(FixtureBounds.alphaBar(0));
        int correct = 0;
        for (int i = 0; i < N; i++) {
            double[] d = new double[3];
            double size = 0;
            for (int k = 0; k < 3; k++) {
                for (int n = 0; n < FixtureBounds.D; n++) {
                    double e = x[i * FixtureBounds.D + n] - alpha * FixtureBounds.mean(k, n);
                    d[k] += e * e;
                }
                size = Math.max(size, d[k]);
            }
            int best = d[0] <= d[1] && d[0] <= d[2] ? 0 : d[1] <= d[2] ? 1 : 2;
            double second = Double.MAX_VALUE;
            for (int k = 0; k < 3; k++) {
                if (k != best) {
                    second = Math.min(second, d[k]);
                }
            }
            assertThat(second - d[best]).as("margin of image %d", i).isGreaterThan(1e-3 * size);
            correct += best == i % 3 ? 1 : 0;
        }
        return correct / (double) N;
    }

    @Test
    void accuracyFrechetDistanceAndPrecisionRecallOfKnownSets(@TempDir Path dir) throws IOException {
        float[] ref = draw(1, 0);
        float[] shifted = draw(2, 0.5);
        Npy.write(dir.resolve("ref.npy"), NdArray.ofFloats(ref, N, 1, 8, 8));
        Npy.write(dir.resolve("shifted.npy"), NdArray.ofFloats(shifted, N, 1, 8, 8));
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < N; i++) {
            labels.append(i == 0 ? "" : ",").append(i % 3);
        }
        String model = "{\"file\": \"%s\", \"output\": \"logits\", \"inputs\": {\"timestep\": 0}}"
                .formatted(FIXTURES.resolve("gmm_logits.onnx").toString().replace("\\", "\\\\"));
        Path cfg = Files.writeString(dir.resolve("eval.json"), """
                {"reference": "ref.npy", "featureModel": %s, "classifier": %s, "parameter": "shift",
                 "sets": [{"samples": "ref.npy", "value": 0, "labels": [%s]},
                          {"samples": "shifted.npy", "value": 0.5, "labels": [%s]}],
                 "k": 3, "cache": "cache", "output": {"name": "eval"}}""".formatted(model, model, labels, labels));
        CliTest.Run r = CliTest.run(
                "evaluate",
                "--config",
                cfg.toString(),
                "--out",
                dir.resolve("out").toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode report = Json.read(dir.resolve("out/eval.json"));
        JsonNode same = report.at("/points/0");
        JsonNode moved = report.at("/points/1");
        assertThat(same.get("n").asInt()).isEqualTo(N);
        // the known classifier's accuracy, counted in double
        assertThat(same.get("accuracy").asDouble()).isEqualTo(bayesAccuracy(ref));
        assertThat(moved.get("accuracy").asDouble()).isEqualTo(bayesAccuracy(shifted));
        // a set equal to the reference: every sample is a reference point and the reverse, so precision =
        // recall = 1; the means agree exactly and Σ₁ = Σ₂, so the distance is 0 up to the double rounding of
        // a 3 × 3 eigenproblem (≈ d² u ≈ 1e-15 of the covariances' size, of which the shifted set's distance is)
        assertThat(same.get("precision").asDouble()).isEqualTo(1.0);
        assertThat(same.get("recall").asDouble()).isEqualTo(1.0);
        double fdMoved = moved.get("frechetDistance").asDouble();
        assertThat(fdMoved).isPositive();
        assertThat(Math.abs(same.get("frechetDistance").asDouble())).isLessThanOrEqualTo(1e-9 * fdMoved);
        assertThat(dir.resolve("out/eval-frechetDistance.png")).exists();
        assertThat(dir.resolve("out/eval-accuracy.png")).exists();
        assertThat(Files.list(dir.resolve("cache")).count()).isPositive();
    }

    @Test
    void badDocumentsFailWithTheirJsonPaths(@TempDir Path dir) throws IOException {
        Path cfg = Files.writeString(dir.resolve("eval.json"), """
                {"reference": "missing.npy", "featureModel": {"file": "nope.onnx"}, "sets": [{"samples": "x.npy"}],
                 "extra": 1}""");
        CliTest.Run r = CliTest.run("evaluate", "--config", cfg.toString());
        assertThat(r.code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(r.err())
                .contains("/reference")
                .contains("/featureModel/file")
                .contains("/sets/0/value")
                .contains("/sets/0/samples")
                .contains("/extra");
    }
}
