package org.diffusion4j.pipeline.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.diffusion4j.pipeline.ConfigProblem;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.SampleSet;
import org.diffusion4j.pipeline.SamplingPipeline;
import org.diffusion4j.pipeline.SamplingResult;
import org.diffusion4j.pipeline.TrainingPipeline;
import org.diffusion4j.pipeline.spi.TrainerProvider;
import org.diffusion4j.pipeline.train.Trainers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UNetTrainerTest {

    /** A 16×16 shapes run with an 8/16-wide UNet: a few seconds on one core. */
    private static ObjectNode document(String trainer, int steps) {
        return (ObjectNode) Json.parse("""
                {"version": 1,
                 "trainer": %s,
                 "schedule": {"type": "linear", "numTrainTimesteps": 1000},
                 "steps": %d, "seed": 3,
                 "output": {"dir": "unused", "checkpointEvery": 20},
                 "sample": {"sampler": {"type": "ddim", "steps": 6, "clipSample": 1}, "samplesPerLabel": 3,
                            "sweep": {"parameter": "/guidance/guidanceScale", "values": [0, 1, 4]}}}
                """.formatted(trainer, steps), "test");
    }

    private static final String TINY = """
            {"type": "unet", "dataset": "shapes", "shapesCount": 256, "shapesSize": 16,
             "network": {"baseChannels": 8, "channelMultipliers": [1, 2], "groups": 4},
             "batchSize": 16, "learningRate": 0.002, "warmupSteps": 5, "emaDecay": 0.9, "threads": 1}""";

    private static double mean(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    @Test
    void theTrainerIsFoundThroughTheServiceLoader() {
        assertThat(Trainers.load().find("unet")).get().isInstanceOf(UNetTrainerProvider.class);
        assertThat(Trainers.load().ids()).contains("unet", "mixture-fit");
    }

    @Test
    void aShortRunOnTheBuiltInDataLowersTheLossAndItsSamplingDocumentSamplesWithCfg(@TempDir Path dir) {
        TrainingPipeline t = TrainingPipeline.fromJson(document(TINY, 40), PipelineOptions.defaults());
        TrainerProvider.TrainResult r = t.train(dir, TrainerProvider.TrainListener.NONE);

        // the loss: an untrained ε-network has E‖ε − f‖² ≈ 1 per pixel; 40 steps bring it well down
        assertThat(r.losses()).hasSize(40).allMatch(Double::isFinite);
        double first = mean(r.losses().subList(0, 5));
        double last = mean(r.losses().subList(35, 40));
        assertThat(first).isGreaterThan(0.5);
        assertThat(last).isLessThan(0.6 * first);

        // checkpoints every 20 steps and the final one, no temporary files
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(
                            "checkpoint-20.ckpt",
                            "checkpoint-20.ckpt.state.safetensors",
                            "model.ckpt",
                            "model.ckpt.state.safetensors");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(r.checkpoint()).isEqualTo(dir.resolve("model.ckpt"));
        assertThat(r.backend()).contains("djl");
        ObjectNode model = r.model();
        assertThat(model.path("type").asText()).isEqualTo("file");
        assertThat(model.path("numClasses").asInt()).isEqualTo(4);
        assertThat(model.path("sampleShape").toString()).isEqualTo("[1,16,16]");
        assertThat(r.details().path("dataset").asText()).startsWith("built-in shapes");
        assertThat(r.details().path("classNames").toString()).isEqualTo("[\"square\",\"disc\",\"bar\",\"frame\"]");

        // the sampling document: one row per class, the trainer's model, the document's overrides
        ObjectNode s = t.samplingDocument(r);
        assertThat(s.path("labels").toString()).isEqualTo("[0,1,2,3]");
        assertThat(s.path("backend").path("type").asText()).isEqualTo("djl");
        assertThat(s.path("sampler").path("steps").asInt()).isEqualTo(6);
        assertThat(s.path("description").asText()).contains("0 square, 1 disc, 2 bar, 3 frame");
        assertThat(SamplingPipeline.check(s, PipelineOptions.defaults())).isEmpty();

        SamplingResult out =
                SamplingPipeline.fromJson(s, PipelineOptions.defaults()).sample();
        assertThat(out.backend()).isEqualTo("djl");
        assertThat(out.sets())
                .extracting(SampleSet::label)
                .containsExactly("guidanceScale=0", "guidanceScale=1", "guidanceScale=4");
        for (SampleSet set : out.sets()) {
            assertThat(set.samples().shape().dims()).containsExactly(12, 1, 16, 16);
            float[] x = set.samples().toFloatArray();
            for (float v : x) {
                assertThat(v).isBetween(-1f, 1f); // x̂0 clipped to [−1, 1] by clipSample
            }
        }
        // γ = 0 is the unconditional model: every row starts column c from the same x_T, so the rows agree;
        // γ = 1 and γ = 4 use the labels, so the rows differ, and more so with the stronger guidance
        // (γ = 0 evaluates only the null-label half, so every row runs the same computation on the same x_T;
        // rows differ only where PyTorch's kernels treat batch rows differently, which the bound of two float32
        // evaluations of the UNet covers: u × its operation count (19,696 for this 8/16-wide 16×16 net by
        // backends-djl's UNetBounds rules; 2·10^4 here) × safety 2, relative to max(1, |x|) = 1 after clipping,
        // per step, over the 6 DDIM steps)
        double twoEvaluations = 2 * 0x1p-24 * 2e4 * 2;
        double rounding = 6 * twoEvaluations;
        assertThat(rowSpread(out.sets().get(0))).isLessThanOrEqualTo(rounding);
        double conditional = rowSpread(out.sets().get(1));
        double guided = rowSpread(out.sets().get(2));
        // the labels move the rows apart by more than rounding could
        assertThat(conditional).isGreaterThan(rounding);
        assertThat(guided).isGreaterThan(conditional);
    }

    /** Mean absolute difference between the rows (labels) of a grid, over columns and pixels. */
    private static double rowSpread(SampleSet s) {
        float[] x = s.samples().toFloatArray();
        int per = x.length / (s.rows() * s.columns());
        double sum = 0;
        int n = 0;
        for (int a = 0; a < s.rows(); a++) {
            for (int b = a + 1; b < s.rows(); b++) {
                for (int c = 0; c < s.columns(); c++) {
                    int ia = (a * s.columns() + c) * per;
                    int ib = (b * s.columns() + c) * per;
                    for (int j = 0; j < per; j++) {
                        sum += Math.abs(x[ia + j] - x[ib + j]);
                        n++;
                    }
                }
            }
        }
        return sum / n;
    }

    @Test
    void aCancelledRunStopsAndLeavesOnlyCompleteCheckpoints(@TempDir Path dir) throws IOException {
        TrainingPipeline t = TrainingPipeline.fromJson(document(TINY, 100), PipelineOptions.defaults());
        TrainerProvider.TrainListener stopAt3 = new TrainerProvider.TrainListener() {
            long seen;

            @Override
            public void onStep(long step, long steps, double loss) {
                seen = step;
            }

            @Override
            public boolean cancelled() {
                return seen >= 3;
            }
        };
        assertThatThrownBy(() -> t.train(dir, stopAt3))
                .isInstanceOf(CancellationException.class)
                .hasMessageContaining("after 3 of 100 steps");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void askingForMissingFashionMnistIsAnErrorNamingTheFiles(@TempDir Path empty) {
        ObjectNode doc = document(
                "{\"type\": \"unet\", \"dataset\": \"fashion-mnist\", \"dataDir\": " + Json.tree(empty.toString())
                        + "}",
                10);
        List<ConfigProblem> problems = TrainingPipeline.check(doc, PipelineOptions.defaults());
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).path()).isEqualTo("/trainer/dataDir");
        assertThat(problems.get(0).message())
                .contains(
                        "train-images-idx3-ubyte",
                        "train-labels-idx1-ubyte",
                        empty.toString(),
                        "\"shapes\"",
                        "\"auto\"");
    }

    @Test
    void autoUsesFashionMnistWhenItsFilesExistAndTheShapesOtherwise(@TempDir Path dir) throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThat(TrainingData.resolve("auto", empty)).isEqualTo("shapes");
        TrainingData.Loaded fallback = TrainingData.load("auto", empty, 8, 16, 0, 1);
        assertThat(fallback.name()).isEqualTo("shapes");
        assertThat(fallback.data().numClasses()).isEqualTo(4);
        assertThat(fallback.description()).contains("no Fashion-MNIST in " + empty.toAbsolutePath());

        // three 28×28 images in the IDX format, gzipped like Debian's package: pixel value = 10·(image + 1)
        Path fm = Files.createDirectory(dir.resolve("fm"));
        try (DataOutputStream out = new DataOutputStream(gzip(fm.resolve("train-images-idx3-ubyte.gz")))) {
            out.writeInt(0x803);
            out.writeInt(3);
            out.writeInt(28);
            out.writeInt(28);
            for (int i = 0; i < 3; i++) {
                out.write(filled(784, 10 * (i + 1)));
            }
        }
        try (DataOutputStream out = new DataOutputStream(gzip(fm.resolve("train-labels-idx1-ubyte.gz")))) {
            out.writeInt(0x801);
            out.writeInt(3);
            out.write(new byte[] {9, 0, 4});
        }
        assertThat(TrainingData.resolve("auto", fm)).isEqualTo("fashion-mnist");
        TrainingData.Loaded loaded = TrainingData.load("auto", fm, 8, 16, 2, 1);
        assertThat(loaded.name()).isEqualTo("fashion-mnist");
        assertThat(loaded.data().size()).isEqualTo(2); // limit
        assertThat(loaded.data().numClasses()).isEqualTo(10);
        assertThat(loaded.data().label(0)).isEqualTo(9);
        float[] img = new float[784];
        loaded.data().copyImage(1, img, 0);
        // [0, 255] → [−1, 1]: a division and a subtraction in float32, γ_2 of values ≤ 1 (×2 safety)
        assertThat((double) img[0])
                .isCloseTo(20.0 / 127.5 - 1, org.assertj.core.api.Assertions.within(2 * 2 * 0x1p-24 + 0x1p-24));
        assertThat(loaded.description()).contains("Fashion-MNIST", "first 2 images", "Fashion-MNIST is installed");
    }

    private static OutputStream gzip(Path p) throws IOException {
        return new GZIPOutputStream(Files.newOutputStream(p));
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    @Test
    void badTrainerSettingsAreReportedAtTheirJsonPath() {
        assertProblem("{\"type\": \"unet\", \"batchSze\": 8}", "/trainer/batchSze", "did you mean 'batchSize'");
        assertProblem(
                "{\"type\": \"unet\", \"dataset\": \"mnist\"}", "/trainer/dataset", "auto, shapes, fashion-mnist");
        assertProblem(
                "{\"type\": \"unet\", \"network\": {\"baseChannels\": 12, \"groups\": 8}}",
                "/trainer/network",
                "groups 8 do not divide width 12");
        assertProblem(
                "{\"type\": \"unet\", \"network\": {\"channelMultipliers\": [1, 2, 2, 2]}}",
                "/trainer/network",
                "not divisible");
        assertProblem(
                "{\"type\": \"unet\", \"learningRate\": -1}", "/trainer/learningRate", "learningRate must be positive");
        assertProblem("{\"type\": \"unet\", \"weights\": \"best\"}", "/trainer/weights", "'ema' or 'raw'");
        assertProblem(
                "{\"type\": \"unet\", \"network\": {\"predictionType\": \"noise\"}}", "/trainer/network", "noise");
        assertProblem("{\"type\": \"unet\", \"batchSize\": \"big\"}", "/trainer/batchSize", "expected");
    }

    private static void assertProblem(String trainer, String path, String text) {
        List<ConfigProblem> problems = TrainingPipeline.check(document(trainer, 10), PipelineOptions.defaults());
        assertThat(problems).as(trainer).hasSize(1);
        assertThat(problems.get(0).path()).as(trainer).isEqualTo(path);
        assertThat(problems.get(0).message()).as(trainer).contains(text);
    }

    @Test
    void theSampleObjectAcceptsOnlySamplingFields() {
        ObjectNode doc = document(TINY, 10);
        ((ObjectNode) doc.get("sample")).put("modle", 1);
        List<ConfigProblem> problems = TrainingPipeline.check(doc, PipelineOptions.defaults());
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).path()).isEqualTo("/sample/modle");
        assertThat(problems.get(0).message())
                .contains("unknown field 'modle'", "allowed fields: description, backend, device, sampler");
    }
}
