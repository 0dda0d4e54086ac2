package org.diffusion4j.pipeline.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.diffusion4j.djl.classifier.ClassifierModel;
import org.diffusion4j.djl.data.ImageDataset;
import org.diffusion4j.pipeline.ConfigProblem;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.TrainingPipeline;
import org.diffusion4j.pipeline.spi.TrainerProvider;
import org.diffusion4j.pipeline.train.Trainers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierTrainerTest {

    private static ObjectNode document(String trainer, int steps) {
        return (ObjectNode) Json.parse("""
                {"version": 1,
                 "trainer": %s,
                 "schedule": {"type": "linear", "numTrainTimesteps": 1000},
                 "steps": %d, "seed": 5,
                 "output": {"dir": "unused", "checkpointEvery": 30}}
                """.formatted(trainer, steps), "test");
    }

    /** 16×16 shapes (square, disc, bar, frame), an 8/16-wide classifier: a few seconds on one core. */
    private static final String TINY = """
            {"type": "classifier", "dataset": "shapes", "shapesCount": 512, "shapesSize": 16,
             "network": {"baseChannels": 8, "channelMultipliers": [1, 2], "groups": 4},
             "batchSize": 32, "learningRate": 0.003, "warmupSteps": 5, "threads": 1}""";

    @Test
    void theTrainerIsFoundThroughTheServiceLoader() {
        assertThat(Trainers.load().find("classifier")).get().isInstanceOf(ClassifierTrainerProvider.class);
        assertThat(Trainers.load().ids()).contains("classifier", "unet", "mixture-fit");
    }

    @Test
    void aShortRunOnTheShapesClassifiesHeldOutShapesFarAboveChanceAndItsCheckpointReloads(@TempDir Path dir)
            throws IOException {
        TrainingPipeline t = TrainingPipeline.fromJson(document(TINY, 60), PipelineOptions.defaults());
        TrainerProvider.TrainResult r = t.train(dir, TrainerProvider.TrainListener.NONE);

        // cross-entropy starts near ln 4 (a freshly initialised net is close to uniform over 4 classes)
        // and falls; every step's loss is finite and non-negative
        assertThat(r.losses()).hasSize(60).allMatch(l -> Double.isFinite(l) && l >= 0);
        double first = r.losses().subList(0, 5).stream()
                .mapToDouble(Double::doubleValue)
                .average()
                .orElseThrow();
        double last = r.losses().subList(55, 60).stream()
                .mapToDouble(Double::doubleValue)
                .average()
                .orElseThrow();
        assertThat(last).isLessThan(0.5 * first);

        ObjectNode acc = r.details().path("testAccuracy").deepCopy();
        int n = acc.path("images").asInt();
        assertThat(n).isEqualTo(512);
        assertThat(acc.path("split").asText()).contains("another seed");
        // chance is 1/4; under "no better than chance" the count of correct answers is Binomial(n, 1/4):
        // mean n/4, standard deviation √(n·(1/4)(3/4)); 6 standard deviations above chance has probability
        // < 1e-9 of a guessing classifier exceeding it
        double chance = 0.25;
        double bound = chance + 6 * Math.sqrt(chance * (1 - chance) / n);
        double accuracy = acc.path("accuracy").asDouble();
        assertThat(accuracy).isGreaterThan(bound).isLessThanOrEqualTo(1.0);

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .contains("checkpoint-30.ckpt", "classifier.ckpt")
                    .noneMatch(f -> f.contains("tmp"));
        }
        assertThat(r.checkpoint()).isEqualTo(dir.resolve("classifier.ckpt"));
        assertThat(r.model().path("numClasses").asInt()).isEqualTo(4);
        assertThat(r.details().path("classNames").toString()).isEqualTo("[\"square\",\"disc\",\"bar\",\"frame\"]");

        // the saved classifier is the one measured: reloaded, it gets the same count right on the same images
        // (same weights, same operations, same device: the predictions are identical)
        ImageDataset test = TrainingData.loadTest("shapes", Path.of("unused"), 512, 16, 0, 5);
        try (ClassifierModel m = ClassifierModel.load(r.checkpoint(), Device.cpu())) {
            assertThat(m.config().numClasses()).isEqualTo(4);
            assertThat(m.config().imageSize()).isEqualTo(16);
            assertThat(m.accuracy(test, 0.0, 500)).isEqualTo(accuracy);
        }
    }

    @Test
    void theHeldOutShapesAreNotTheTrainingShapes() {
        ImageDataset train =
                TrainingData.load("shapes", Path.of("unused"), 64, 16, 0, 5).data();
        ImageDataset test = TrainingData.loadTest("shapes", Path.of("unused"), 64, 16, 0, 5);
        float[] a = new float[256];
        float[] b = new float[256];
        int same = 0;
        for (int i = 0; i < 64; i++) {
            train.copyImage(i, a, 0);
            test.copyImage(i, b, 0);
            same += java.util.Arrays.equals(a, b) ? 1 : 0;
        }
        assertThat(same).isLessThan(64);
    }

    @Test
    void badTrainerSettingsAreReportedAtTheirJsonPath(@TempDir Path empty) {
        assertProblem("{\"type\": \"classifier\", \"batchSze\": 8}", "/trainer/batchSze", "did you mean 'batchSize'");
        assertProblem("{\"type\": \"classifier\", \"emaDecay\": 0.9}", "/trainer/emaDecay", "unknown field");
        assertProblem(
                "{\"type\": \"classifier\", \"dataset\": \"mnist\"}",
                "/trainer/dataset",
                "auto, shapes, fashion-mnist");
        assertProblem(
                "{\"type\": \"classifier\", \"network\": {\"baseChannels\": 12, \"groups\": 8}}",
                "/trainer/network",
                "groups 8 does not divide the width 12");
        assertProblem(
                "{\"type\": \"classifier\", \"network\": {\"channelMultipliers\": [1, 2, 2, 2]}}",
                "/trainer/network",
                "not divisible");
        assertProblem(
                "{\"type\": \"classifier\", \"learningRate\": -1}",
                "/trainer/learningRate",
                "learningRate must be positive");
        assertProblem("{\"type\": \"classifier\", \"testLimit\": 0}", "/trainer/testLimit", ">= 1");
        assertProblem("{\"type\": \"classifier\", \"noisy\": \"yes\"}", "/trainer/noisy", "expected");
        // Fashion-MNIST asked for but absent: the error names the training and the test files
        assertProblem(
                "{\"type\": \"classifier\", \"dataset\": \"fashion-mnist\", \"dataDir\": " + Json.tree(empty.toString())
                        + "}",
                "/trainer/dataDir",
                "t10k-labels-idx1-ubyte");
    }

    private static void assertProblem(String trainer, String path, String text) {
        List<ConfigProblem> problems = TrainingPipeline.check(document(trainer, 10), PipelineOptions.defaults());
        assertThat(problems).as(trainer).hasSize(1);
        assertThat(problems.get(0).path()).as(trainer).isEqualTo(path);
        assertThat(problems.get(0).message()).as(trainer).contains(text);
    }
}
