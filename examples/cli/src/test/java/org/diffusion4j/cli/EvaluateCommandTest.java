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
        int[] classes = bayesClasses(x, N);
        int correct = 0;
        for (int i = 0; i < N; i++) {
            correct += classes[i] == i % 3 ? 1 : 0;
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

    /** The fixture file's path as a JSON string's content. */
    static String path(String name) {
        return FIXTURES.resolve(name).toString().replace("\\", "\\\\");
    }

    /** Labels i mod 3, as JSON. */
    static String labels(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(i % 3);
        }
        return sb.toString();
    }

    @Test
    void modelsOfTheDjlBackendScoreThroughTheRegistry(@TempDir Path dir) throws Exception {
        float[] shifted = draw(4, 0.3);
        Npy.write(dir.resolve("ref.npy"), NdArray.ofFloats(draw(3, 0), N, 1, 8, 8));
        Npy.write(dir.resolve("s.npy"), NdArray.ofFloats(shifted, N, 1, 8, 8));
        // a classifier checkpoint with known weights: all zero but the head's bias, so every image is class 2
        java.util.List<Float> bias = java.util.List.of(0.5f, -1f, 2f);
        Path ckpt = dir.resolve("known.ckpt");
        try (org.diffusion4j.djl.classifier.ClassifierModel m = org.diffusion4j.djl.classifier.ClassifierModel.create(
                new org.diffusion4j.djl.classifier.ClassifierConfig(1, 8, 3, 8, java.util.List.of(1, 2), 4, null),
                ai.djl.Device.cpu(),
                1)) {
            java.util.Map<String, float[]> w = new java.util.HashMap<>();
            m.weights().forEach((k, v) -> w.put(k, new float[v.length]));
            String head = m.weights().keySet().stream()
                    .filter(k -> k.contains("head") && k.contains("bias"))
                    .findFirst()
                    .orElseThrow();
            w.put(head, new float[] {bias.get(0), bias.get(1), bias.get(2)});
            m.load(w, "known weights");
            m.save(ckpt);
        }
        // the feature model: the mixture classifier as TorchScript on the djl backend (default for a .pt file)
        String features = "{\"file\": \"%s\", \"options\": {\"modelTime\": 0}, \"batchSize\": 50}"
                .formatted(path("gmm_logits.pt"));
        Path cfg = Files.writeString(dir.resolve("eval.json"), """
                {"reference": "ref.npy", "featureModel": %s, "classifier": %s,
                 "sets": [{"samples": "s.npy", "value": 0.3, "labels": [%s]}], "output": {"name": "ts"}}""".formatted(features, features, labels(N)));
        CliTest.Run r = CliTest.run(
                "evaluate",
                "--config",
                cfg.toString(),
                "--out",
                dir.resolve("out").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Json.read(dir.resolve("out/ts.json"))
                        .at("/points/0/accuracy")
                        .asDouble())
                .isEqualTo(bayesAccuracy(shifted));
        Path cfg2 = Files.writeString(dir.resolve("eval2.json"), """
                {"reference": "ref.npy", "featureModel": %s,
                 "classifier": {"file": "known.ckpt", "backend": "djl", "batchSize": 7},
                 "sets": [{"samples": "s.npy", "value": 0.3, "labels": [%s]}], "output": {"name": "ck"}}""".formatted(features, labels(N)));
        CliTest.Run r2 = CliTest.run(
                "evaluate",
                "--config",
                cfg2.toString(),
                "--out",
                dir.resolve("out").toString());
        assertThat(r2.code()).as(r2.err()).isZero();
        // every image is predicted as class 2 (the largest bias): the accuracy is the share of labels 2, exactly
        assertThat(Json.read(dir.resolve("out/ck.json"))
                        .at("/points/0/accuracy")
                        .asDouble())
                .isEqualTo((N / 3) / (double) N);
    }

    @Test
    void badModelObjectsNameTheirPaths(@TempDir Path dir) throws IOException {
        Npy.write(dir.resolve("ref.npy"), NdArray.ofFloats(draw(3, 0), N, 1, 8, 8));
        Path cfg = Files.writeString(
                dir.resolve("eval.json"), """
                {"reference": "ref.npy",
                 "featureModel": {"file": "%s", "backend": "onnxx", "inputs": {"timestep": 0}},
                 "classifier": {"file": "%s", "inputs": {"timestep": 0}, "options": {"modelTime": 0}},
                 "sets": [{"samples": "ref.npy", "value": 0}]}""".formatted(path("gmm_logits.onnx"), path("gmm_logits.pt")));
        CliTest.Run r = CliTest.run("evaluate", "--config", cfg.toString());
        assertThat(r.code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(r.err())
                .contains("/featureModel/backend")
                .contains("unknown backend 'onnxx'")
                .contains("/classifier/inputs")
                .contains("backend 'djl'");
        Path cfg2 = Files.writeString(dir.resolve("eval2.json"), """
                {"reference": "ref.npy", "featureModel": {"file": "%s", "options": {"inputs": {"timestep": 0},
                 "outputs": "logits"}}, "sets": [{"samples": "ref.npy", "value": 0}]}""".formatted(path("gmm_logits.onnx")));
        CliTest.Run r2 = CliTest.run("evaluate", "--config", cfg2.toString());
        assertThat(r2.code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(r2.err()).contains("/featureModel").contains("unknown option 'outputs'");
        // a backend without score models (the pure-Java one) is named at the model's backend
        Path cfg3 = Files.writeString(dir.resolve("eval3.json"), """
                {"reference": "ref.npy", "featureModel": {"file": "%s", "backend": "java"},
                 "sets": [{"samples": "ref.npy", "value": 0}]}""".formatted(path("gmm_logits.onnx")));
        CliTest.Run r3 = CliTest.run("evaluate", "--config", cfg3.toString());
        assertThat(r3.code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(r3.err()).contains("/featureModel/backend").contains("backend 'java' cannot load score models");
    }

    /**
     * The class of each sample by the mixture's Bayes classifier at t = 0 in double (the nearest α μ_k),
     * requiring the margin between the best and the second squared distance to exceed 1e-3 of their size,
     * so that the float32 logits (within ≈ 70 u ≈ 4e-6 of that size, as for {@link #bayesAccuracy}) cannot
     * pick another class.
     */
    static int[] bayesClasses(float[] x, int n) {
        double alpha = Math.sqrt(FixtureBounds.alphaBar(0));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            double[] d = new double[3];
            double size = 0;
            for (int k = 0; k < 3; k++) {
                for (int j = 0; j < FixtureBounds.D; j++) {
                    double e = x[i * FixtureBounds.D + j] - alpha * FixtureBounds.mean(k, j);
                    d[k] += e * e;
                }
                size = Math.max(size, d[k]);
            }
            int best = d[0] <= d[1] && d[0] <= d[2] ? 0 : d[1] <= d[2] ? 1 : 2;
            for (int k = 0; k < 3; k++) {
                if (k != best) {
                    assertThat(d[k] - d[best]).as("margin of sample %d", i).isGreaterThan(1e-3 * size);
                }
            }
            out[i] = best;
        }
        return out;
    }

    @Test
    void aSweepOfASamplingDocumentIsSampledEvaluatedAndPlotted(@TempDir Path dir) throws IOException {
        Npy.write(dir.resolve("ref.npy"), NdArray.ofFloats(draw(1, 0), N, 1, 8, 8));
        Files.writeString(dir.resolve("sample.json"), """
                {"model": {"type": "file", "file": "%s", "sampleShape": [1, 8, 8], "numClasses": 3},
                 "backend": {"type": "onnx"}, "schedule": {"type": "linear"}, "sampler": {"type": "ddim", "steps": 4},
                 "guidance": {"type": "cfg", "guidanceScale": 1}, "labels": [0, 1, 2], "samplesPerLabel": 4,
                 "seed": 7}""".formatted(path("gmm_eps.onnx")));
        String model = "{\"file\": \"%s\", \"output\": \"logits\", \"inputs\": {\"timestep\": 0}}"
                .formatted(path("gmm_logits.onnx"));
        Path cfg = Files.writeString(dir.resolve("eval.json"), """
                {"reference": "ref.npy", "featureModel": %s, "classifier": %s, "sampling": "sample.json",
                 "sweep": [{"parameter": "/guidance/guidanceScale", "values": [0, 2, 4]},
                           {"parameter": "/sampler/type", "values": ["ddim", "euler"]},
                           {"parameter": "/sampler/steps", "values": [3, 5]}],
                 "k": 2, "output": {"name": "sw", "tensors": "npy"}}""".formatted(model, model));
        CliTest.Run r = CliTest.run(
                "evaluate",
                "--config",
                cfg.toString(),
                "--out",
                dir.resolve("out").toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode report = Json.read(dir.resolve("out/sw.json"));
        JsonNode runs = Json.read(dir.resolve("out/sw-runs.json")).get("runs");
        assertThat(report.get("parameter").asText()).isEqualTo("guidanceScale");
        JsonNode points = report.get("points");
        assertThat(points).hasSize(12);
        assertThat(runs).hasSize(12);
        int[] want = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}; // labels × samplesPerLabel, row-major
        java.util.Set<String> series = new java.util.TreeSet<>();
        for (int i = 0; i < 12; i++) {
            JsonNode p = points.get(i);
            JsonNode run = runs.get(i);
            // the first axis varies fastest; the others make the series
            double g = new double[] {0, 2, 4}[i % 3];
            String type = i / 3 % 2 == 0 ? "ddim" : "euler";
            int steps = i / 6 == 0 ? 3 : 5;
            assertThat(p.get("guidanceScale").asDouble()).isEqualTo(g);
            assertThat(p.get("series").asText()).isEqualTo("type=" + type + ", steps=" + steps);
            series.add(p.get("series").asText());
            assertThat(p.get("n").asInt()).isEqualTo(12);
            assertThat(run.at("/settings/~1sampler~1type").asText()).isEqualTo(type);
            assertThat(run.at("/resolvedConfig/guidance/guidanceScale").asDouble())
                    .isEqualTo(g);
            assertThat(run.at("/resolvedConfig/sampler/steps").asInt()).isEqualTo(steps);
            // the accuracy against the labels the run sampled for, recomputed from the same samples
            float[] x = Npy.read(Path.of(run.get("tensors").asText())).toFloatArray();
            int[] c = bayesClasses(x, 12);
            int correct = 0;
            for (int j = 0; j < 12; j++) {
                correct += c[j] == want[j] ? 1 : 0;
            }
            assertThat(p.get("accuracy").asDouble()).as("point %d", i).isEqualTo(correct / 12.0);
            assertThat(p.has("frechetDistance")).isTrue();
        }
        assertThat(series).hasSize(4);
        for (String m : new String[] {"accuracy", "frechetDistance", "precision", "recall"}) {
            assertThat(dir.resolve("out/sw-" + m + ".png")).exists();
        }
    }

    @Test
    void aBadSweepIsReportedAtItsPaths(@TempDir Path dir) throws IOException {
        Npy.write(dir.resolve("ref.npy"), NdArray.ofFloats(draw(1, 0), N, 1, 8, 8));
        Files.writeString(dir.resolve("sample.json"), """
                {"model": {"type": "file", "file": "%s", "sampleShape": [1, 8, 8], "numClasses": 3},
                 "schedule": {"type": "linear"}, "sampler": {"type": "ddim", "steps": 4},
                 "guidance": {"type": "cfg", "guidanceScale": 1}, "labels": [0, 1, 2], "samplesPerLabel": 2}""".formatted(path("gmm_eps.onnx")));
        String model = "{\"file\": \"%s\", \"inputs\": {\"timestep\": 0}}".formatted(path("gmm_logits.onnx"));
        Path cfg = Files.writeString(dir.resolve("eval.json"), """
                {"reference": "ref.npy", "featureModel": %s, "sampling": "sample.json",
                 "sweep": [{"parameter": "/sampler/type", "values": ["ddim"]},
                           {"parameter": "/nothing/here", "values": [1]},
                           {"parameter": "/sampler/type", "values": ["no-such-sampler"], "extra": 1}],
                 "output": {"tensors": "png"}}""".formatted(model));
        CliTest.Run r = CliTest.run("evaluate", "--config", cfg.toString());
        assertThat(r.code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(r.err())
                .contains("/sweep/0/values/0")
                .contains("/sweep/1/parameter")
                .contains("no object at /nothing")
                .contains("/sweep/2/parameter")
                .contains("given twice")
                .contains("/sweep/2/extra")
                .contains("/output/tensors");
        Path cfg2 = Files.writeString(dir.resolve("eval2.json"), """
                {"reference": "ref.npy", "featureModel": %s, "sampling": "sample.json",
                 "sweep": [{"parameter": "/guidance/guidanceScale", "values": [1, 3]},
                           {"parameter": "/sampler/type", "values": ["ddim", "no-such-sampler"]}]}""".formatted(model));
        CliTest.Run r2 = CliTest.run("evaluate", "--config", cfg2.toString());
        assertThat(r2.code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(r2.err())
                .contains("/sweep/1/values/1")
                .contains("no-such-sampler")
                .doesNotContain("/sweep/1/values/0");
        // a bad value is reported once, not once per combination
        assertThat(r2.err().split("no sampler named 'no-such-sampler'", -1)).hasSize(2);
        // a problem of the sampling document itself, whatever the sweep sets: once, at /sampling
        Files.writeString(
                dir.resolve("bad.json"),
                Files.readString(dir.resolve("sample.json"))
                        .replace("\"samplesPerLabel\": 2", "\"samplesPerLabel\": -1"));
        Path cfg3 = Files.writeString(dir.resolve("eval3.json"), """
                {"reference": "ref.npy", "featureModel": %s, "sampling": "bad.json",
                 "sweep": [{"parameter": "/guidance/guidanceScale", "values": [1, 3]}]}""".formatted(model));
        CliTest.Run r3 = CliTest.run("evaluate", "--config", cfg3.toString());
        assertThat(r3.code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(r3.err()).contains("at /sampling: the sampling document").contains("/samplesPerLabel");
        assertThat(r3.err().split("/samplesPerLabel", -1)).hasSize(2);
    }
}
