package org.diffusion4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.diffusion4j.api.SamplingCancelledException;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.PipelineListener;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.Progress;
import org.diffusion4j.pipeline.SamplingPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line end to end, in process: exit codes, messages, outputs, provenance. */
class CliTest {
    static final Path CONFIGS = Path.of("../configs");

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Path write(Path dir, String name, String json) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, json);
        return f;
    }

    static final String SMALL = """
            {"model": {"type": "gaussian-mixture"}, "schedule": {"type": "linear"},
             "sampler": {"type": "ddim", "steps": 10}, "guidance": {"type": "cfg", "guidanceScale": 2},
             "labels": [0, 1, 2], "samplesPerLabel": 5, "seed": 4,
             "sweep": {"parameter": "/guidance/guidanceScale", "values": [1, 4]},
             "output": {"name": "mix"}}""";

    @Test
    void pluginsListsEachIdWithItsAliasesInOneRegistry() {
        Run r = run("plugins");
        assertThat(r.code()).isZero();
        // the renamed sampler under its new id, the old id as an alias; one listing for every kind
        assertThat(r.out())
                .containsPattern("logsnr-ancestral .*aliases \\[ancestral, cfg-ancestral\\]")
                .containsOnlyOnce("model sources:")
                .containsOnlyOnce("default backend:");
    }

    @Test
    void schemaPrintsTheSamplingOrTheTrainingSchema() throws Exception {
        Run s = run("schema");
        assertThat(s.code()).isZero();
        var sampling = org.diffusion4j.pipeline.Json.parse(s.out(), "out");
        assertThat(sampling.at("/properties/samplesPerLabel/maximum").asInt()).isEqualTo(4096);
        assertThat(sampling.at("/$defs/sampler/oneOf").isArray()).isTrue();
        Run t = run("schema", "--training");
        assertThat(t.code()).isZero();
        var training = org.diffusion4j.pipeline.Json.parse(t.out(), "out");
        assertThat(training.at("/required").toString()).contains("trainer", "schedule", "steps");
        assertThat(training.at("/properties/output/properties/checkpointEvery/minimum")
                        .asInt())
                .isZero();
        // one entry per trainer on the class path, in id order ("classifier" sorts before "mixture-fit")
        assertThat(training.at("/$defs/trainer/oneOf").toString())
                .contains("\"enum\":[\"mixture-fit\"]", "\"enum\":[\"classifier\"]", "\"enum\":[\"unet\"]");
    }

    @Test
    void pluginsListsEveryKindWithVersionAndJar() {
        Run r = run("plugins");
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains(
                        "schedules:", "samplers:", "guidances:", "backends:", "noises:", "model sources:", "trainers:")
                .contains(
                        "ddim",
                        "ddpm",
                        "cfg",
                        "classifier",
                        "diffusers",
                        "java",
                        "sdk",
                        "gaussian-mixture",
                        "mixture-fit")
                .containsPattern("ddim +\\S+ +rank 0 +(file:|jar:)");
    }

    @Test
    void aThirdPartyPluginJarIsListedAndUsableFromJson(@TempDir Path dir) throws IOException {
        Run p = run("plugins");
        assertThat(p.out()).containsPattern("dpmpp-2m +\\S+ +rank 0 +\\S*plugin-dpmsolver");
        Path cfg = write(
                dir,
                "dpm.json",
                SMALL.replace("{\"type\": \"ddim\", \"steps\": 10}", "{\"type\": \"dpm-solver++\", \"steps\": 8}"));
        Run s = run(
                "sample",
                "--config",
                cfg.toString(),
                "--out",
                dir.resolve("out").toString(),
                "-q");
        assertThat(s.code()).as(s.err()).isZero();
        JsonNode report = Json.read(dir.resolve("out/mix-report.json"));
        assertThat(report.at("/sets/0/resolvedConfig/sampler/type").asText()).isEqualTo("dpmpp-2m");
        assertThat(report.at("/versions").toString()).contains("sampler:dpmpp-2m");
    }

    @Test
    void outputTensorsWritesTheSamplesNextToThePng(@TempDir Path dir) throws IOException {
        for (String format : new String[] {"npy", "safetensors"}) {
            Path cfg = write(
                    dir,
                    format + ".json",
                    SMALL.replace(
                            "\"output\": {\"name\": \"mix\"}",
                            "\"output\": {\"name\": \"mix\", \"tensors\": \"" + format + "\"}"));
            Path out = dir.resolve("out-" + format);
            Run s = run("sample", "--config", cfg.toString(), "--out", out.toString(), "-q");
            assertThat(s.code()).as(s.err()).isZero();
            var sets = org.diffusion4j.pipeline.SamplingPipeline.fromFile(cfg)
                    .sample()
                    .sets();
            for (int i = 0; i < sets.size(); i++) {
                Path f = out.resolve("mix-" + sets.get(i).label() + "." + format);
                org.diffusion4j.io.NdArray a = format.equals("npy")
                        ? org.diffusion4j.io.Npy.read(f)
                        : org.diffusion4j.io.Safetensors.read(f, "samples");
                assertThat(a.shape()).containsExactly(15, 2);
                // the same run in this JVM: the same arithmetic, so the same bits
                assertThat(a.toFloatArray())
                        .containsExactly(sets.get(i).samples().toFloatArray());
                assertThat(Json.read(out.resolve("mix-report.json"))
                                .at("/sets/" + i + "/tensors")
                                .asText())
                        .isEqualTo(f.toString());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sample", "train", "validate", "plugins", "schema"})
    void everyCommandHasHelp(String command) {
        Run r = run(command, "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: diffusion4j " + command);
    }

    @Test
    void badArgumentsExitTwo() {
        assertThat(run("sample", "--no-such-option").code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(run("sample").code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(run("frobnicate").code()).isEqualTo(Main.BAD_CONFIG);
        Run missing = run("validate", "--config", "no-such-file.json");
        assertThat(missing.code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(missing.err()).contains("no such file");
    }

    /** A missing or non-PNG --from-image and a folder as --config: exit 2, one plain line, no Java exception name. */
    @Test
    void badInputFilesAreArgumentErrors(@TempDir Path dir) throws IOException {
        Path text = write(dir, "notes.png", "not an image");
        Path truncated = dir.resolve("truncated.png");
        Files.write(truncated, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13});
        Path folder = Files.createDirectory(dir.resolve("configs.json"));
        Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
        cases.put(
                List.of("sample", "--from-image", dir.resolve("missing.png").toString()),
                "error: --from-image: no such file: "
                        + dir.resolve("missing.png").toAbsolutePath());
        cases.put(
                List.of("sample", "--from-image", text.toString()),
                "error: --from-image: " + text + " is not a PNG file;");
        cases.put(
                List.of("sample", "--from-image", truncated.toString()),
                "error: --from-image: cannot read the PNG " + truncated);
        cases.put(
                List.of("sample", "--from-image", folder.toString()),
                "error: --from-image: " + folder + " is a folder, not a file");
        for (String cmd : List.of("sample", "validate", "train")) {
            cases.put(
                    List.of(cmd, "--config", folder.toString()),
                    "error: --config: " + folder + " is a folder, not a file");
        }
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            List<String> args = new java.util.ArrayList<>(c.getKey());
            args.addAll(List.of("--out", dir.resolve("out").toString()));
            if (args.get(0).equals("validate")) {
                args = args.subList(0, 3);
            }
            Run r = run(args.toArray(String[]::new));
            assertThat(r.code()).as("%s: %s", args, r.err()).isEqualTo(Main.BAD_CONFIG);
            List<String> lines = r.err().lines().toList();
            assertThat(lines).as("%s", args).hasSize(2);
            assertThat(lines.get(0)).startsWith(c.getValue());
            assertThat(lines.get(1)).isEqualTo("see 'diffusion4j " + args.get(0) + " --help'");
            assertThat(r.err()).doesNotContain("Exception", "java.");
        }
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void badConfigsExitTwoWithTheirJsonPaths(@TempDir Path dir) throws IOException {
        Map<String, String> cases = Map.of(
                SMALL.replace("\"steps\": 10", "\"steps\": 10, \"etaa\": 0"),
                "/sampler/etaa",
                SMALL.replace("[1, 4]", "[1, -4]"),
                "/guidance/guidanceScale",
                SMALL.replace("\"ddim\"", "\"ddmi\""),
                "/sampler/type",
                SMALL.replace("\"seed\": 4", "\"seed\": \"four\""),
                "/seed",
                SMALL.replace("[0, 1, 2]", "[0, 1, 9]"),
                "/labels/2",
                "{\"model\": {",
                "line 1");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path f = write(dir, "bad.json", c.getKey());
            for (String cmd : List.of("validate", "sample")) {
                Run r = cmd.equals("sample")
                        ? run(
                                cmd,
                                "--config",
                                f.toString(),
                                "--out",
                                dir.resolve("out").toString())
                        : run(cmd, "--config", f.toString());
                assertThat(r.code()).as("%s of %s", cmd, c.getKey()).isEqualTo(Main.BAD_CONFIG);
                assertThat(r.err()).contains("D4J-CONFIG").contains(c.getValue());
            }
        }
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void sampleWritesOneGridPerScaleWithProvenanceAndAReport(@TempDir Path dir) throws IOException {
        Path cfg = write(dir, "run.json", SMALL);
        Path out = dir.resolve("out");
        Run r = run("sample", "--config", cfg.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(out.resolve("mix-guidanceScale=1.png")).exists();
        assertThat(out.resolve("mix-guidanceScale=4.png")).exists();
        assertThat(out.resolve("mix-guidanceScale=4.csv")).exists();
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
        }
        Map<String, String> text = Png.readText(out.resolve("mix-guidanceScale=4.png"));
        JsonNode embedded = Json.parse(text.get(SampleCommand.CONFIG_KEY), "png");
        assertThat(embedded.at("/guidance/guidanceScale").asDouble()).isEqualTo(4.0);
        assertThat(embedded.has("sweep")).isFalse();
        assertThat(text.get("diffusion4j:seed")).isEqualTo("4");
        assertThat(text.get("diffusion4j:backend")).startsWith("java ");
        JsonNode report = Json.read(out.resolve("mix-report.json"));
        assertThat(report.get("status").asText()).isEqualTo("ok");
        assertThat(report.at("/backend/id").asText()).isEqualTo("java");
        assertThat(report.get("sets")).hasSize(2);
        assertThat(report.at("/versions/sampler:ddim").isTextual()).isTrue();
        assertThat(report.get("outputs").toString()).contains("mix-guidanceScale=1.png", "mix-report.json");

        // the image alone regenerates its samples
        Path again = dir.resolve("again");
        Run r2 = run(
                "sample",
                "--from-image",
                out.resolve("mix-guidanceScale=4.png").toString(),
                "--out",
                again.toString(),
                "-q");
        assertThat(r2.code()).as(r2.err()).isZero();
        assertThat(r2.out()).isEmpty();
        assertThat(Files.readString(again.resolve("mix.csv")))
                .isEqualTo(Files.readString(out.resolve("mix-guidanceScale=4.csv")));
    }

    @Test
    void imageSamplesBecomeAGridOfRowsByColumns(@TempDir Path dir) throws IOException {
        // a resource-free image model: the exact-score mixture cannot make images, so use the PNG writer directly
        var x = org.diffusion4j.api.tensor.ArrayTensor.FACTORY.zeros(org.diffusion4j.api.tensor.Shape.of(6, 1, 4, 5));
        var img = Png.grid(x, 2, 3, new org.diffusion4j.pipeline.OutputSpec("o", "n", -1, 1, 2, 1));
        // width = cols·W·up + (cols+1)·pad, height = rows·H·up + (rows+1)·pad
        assertThat(img.getWidth()).isEqualTo(3 * 5 * 2 + 4);
        assertThat(img.getHeight()).isEqualTo(2 * 4 * 2 + 3);
        // value 0 in [-1, 1] is mid grey
        assertThat(img.getRGB(1, 1) & 0xff).isEqualTo(128);
        assertThat(img.getRGB(0, 0) & 0xffffff).isEqualTo(0xffffff);
    }

    @Test
    void trainThenSampleTheTrainedModel(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        Run t = run("train", "--config", CONFIGS.resolve("mixture-train.json").toString(), "--out", out.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(out.resolve("model.json")).exists();
        assertThat(out.resolve("checkpoint-100.json")).exists();
        assertThat(out.resolve("loss.png")).exists();
        List<String> csv = Files.readAllLines(out.resolve("losses.csv"));
        assertThat(csv).hasSize(301);
        double first = Double.parseDouble(csv.get(1).split(",")[1]);
        double last = Double.parseDouble(csv.get(300).split(",")[1]);
        assertThat(last).isLessThan(first);
        JsonNode report = Json.read(out.resolve("train-report.json"));
        assertThat(report.get("steps").asLong()).isEqualTo(300);
        Run s = run(
                "sample",
                "--config",
                out.resolve("sample.json").toString(),
                "--out",
                dir.resolve("samples").toString(),
                "-q");
        assertThat(s.code()).as(s.err()).isZero();
        assertThat(dir.resolve("samples/samples-guidanceScale=3.0.png")).exists();
    }

    @Test
    void theDocumentsOfDocsEvaluationStayValid() throws IOException {
        // docs/evaluation.md's documents need a trained model to run; what can be checked without one is
        // checked here, so that they do not rot: the training document validates, the sampling documents
        // parse, and the evaluate documents use only known fields and name files that sit beside them
        Path docs = Path.of("../../docs/evaluation");
        Run t = run("validate", "--config", docs.resolve("tradeoff-train.json").toString());
        assertThat(t.code()).as(t.err()).isZero();
        for (String name : List.of("tradeoff", "solvers")) {
            org.diffusion4j.pipeline.SampleSpec spec =
                    org.diffusion4j.pipeline.SampleSpec.fromJson(Json.read(docs.resolve(name + "-sample.json")), name);
            assertThat(spec.perSample()).isTrue();
            JsonNode eval = Json.read(docs.resolve(name + "-eval.json"));
            eval.fieldNames()
                    .forEachRemaining(
                            f -> assertThat(EvaluateCommand.FIELDS).as(name).contains(f));
            assertThat(docs.resolve(eval.path("sampling").asText())).exists();
        }
    }

    @Test
    void validatePrintsDeprecatedSettingsAsWarningsAndStillPasses(@TempDir Path dir) throws IOException {
        Path f = write(
                dir,
                "w.json",
                SMALL.replace("\"guidanceScale\": 2", "\"w\": 1")
                        .replace("\"sweep\": {\"parameter\": \"/guidance/guidanceScale\", \"values\": [1, 4]},", ""));
        Run v = run("validate", "--config", f.toString());
        assertThat(v.code()).as(v.err()).isZero();
        assertThat(v.err().lines().filter(l -> l.startsWith("warning: ")))
                .singleElement()
                .satisfies(l -> assertThat(l).contains(f.toString(), "/guidance/w:", "gamma = 1 + w = 2.0"));
        // and no example document uses a deprecated setting
        try (Stream<Path> files = Files.list(CONFIGS)) {
            for (Path e : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                assertThat(run("validate", "--config", e.toString()).err())
                        .as(e.toString())
                        .doesNotContain("warning:");
            }
        }
    }

    @Test
    void everyExampleConfigValidatesAndEverySamplingDocumentRuns(@TempDir Path dir) throws IOException {
        try (Stream<Path> files = Files.list(CONFIGS)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode doc = Json.read(f);
                Run v = run("validate", "--config", f.toString());
                assertThat(v.code()).as("%s: %s", f, v.err()).isZero();
                if (!doc.has("trainer")) {
                    Run s = run(
                            "sample",
                            "--config",
                            f.toString(),
                            "--out",
                            dir.resolve(f.getFileName().toString()).toString(),
                            "-q");
                    assertThat(s.code()).as("%s: %s", f, s.err()).isZero();
                }
            }
        }
    }

    @Test
    void trainTheUNetOnTheBuiltInShapesThenSampleItsCfgSweep(@TempDir Path dir) throws IOException {
        Path config = write(dir, "unet.json", """
                {"version": 1,
                 "trainer": {"type": "unet", "dataset": "shapes", "shapesCount": 128, "shapesSize": 16,
                             "network": {"baseChannels": 8, "groups": 4}, "batchSize": 8, "warmupSteps": 2, "threads": 1},
                 "schedule": {"type": "linear"}, "steps": 12, "seed": 2,
                 "output": {"dir": "ignored", "checkpointEvery": 5},
                 "sample": {"sampler": {"type": "ddim", "steps": 4, "clipSample": 1}, "samplesPerLabel": 2,
                            "output": {"name": "grid"}}}""");
        Path out = dir.resolve("run");
        Run t = run("train", "--config", config.toString(), "--out", out.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("trained on built-in shapes (square, disc, bar, frame), 128 images of 16x16");
        for (String f : List.of(
                "checkpoint-5.ckpt",
                "checkpoint-10.ckpt",
                "model.ckpt",
                "losses.csv",
                "loss.png",
                "sample.json",
                "train-report.json")) {
            assertThat(out.resolve(f)).exists();
        }
        assertThat(Files.readAllLines(out.resolve("losses.csv"))).hasSize(13);
        JsonNode report = Json.read(out.resolve("train-report.json"));
        assertThat(report.at("/details/classNames").size()).isEqualTo(4);
        assertThat(report.at("/details/parameters").asLong()).isPositive();
        JsonNode sampling = Json.read(out.resolve("sample.json"));
        assertThat(sampling.at("/model/file").asText()).isEqualTo("model.ckpt"); // relative to sample.json's folder
        assertThat(sampling.at("/backend/type").asText()).isEqualTo("djl");
        assertThat(sampling.at("/output/name").asText()).isEqualTo("grid");
        assertThat(sampling.at("/output/dir").asText())
                .isEqualTo(out.resolve("samples").toString());
        assertThat(sampling.at("/sweep/values").toString()).isEqualTo("[0.0,1.0,3.0,5.0]");

        Run s = run("sample", "--config", out.resolve("sample.json").toString(), "-q");
        assertThat(s.code()).as(s.err()).isZero();
        for (String g : List.of("0.0", "1.0", "3.0", "5.0")) {
            Path png = out.resolve("samples/grid-guidanceScale=" + g + ".png");
            assertThat(png).exists();
            Map<String, String> text = Png.readText(png);
            assertThat(text.get("diffusion4j:backend")).startsWith("djl");
            assertThat(text.get("diffusion4j:modelSha256")).hasSize(64);
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
            // 4 rows (labels) × 2 columns of 16×16 cells drawn at upscale 2 with 2-pixel padding
            assertThat(img.getWidth()).isEqualTo(2 * (16 * 2 + 2) + 2);
            assertThat(img.getHeight()).isEqualTo(4 * (16 * 2 + 2) + 2);
        }
        assertThat(out.resolve("samples/grid-report.json")).exists();
    }

    @Test
    void aFailedWriteLeavesNoFileAndNoTemporaryFile(@TempDir Path dir) {
        AtomicOutput o = new AtomicOutput();
        assertThatThrownBy(() -> o.write(dir.resolve("x.png"), os -> {
                    os.write(new byte[100]);
                    throw new IOException("disk full");
                }))
                .hasMessageContaining("disk full");
        assertThat(dir.toFile().list()).isEmpty();
        assertThat(AtomicOutput.pendingCount()).isZero();
    }

    @Test
    void writtenFilesGetTheDefaultPermissionsNotOwnerOnly(@TempDir Path dir) throws IOException {
        Path reference = Files.createFile(dir.resolve("reference"));
        Path written = new AtomicOutput().write(dir.resolve("out.png"), os -> os.write(1));
        assertThat(Files.getPosixFilePermissions(written)).isEqualTo(Files.getPosixFilePermissions(reference));
    }

    @Test
    void cancellingStopsTheRunBeforeAnyOutput() {
        SamplingPipeline p = SamplingPipeline.fromJson(Json.parse(SMALL, "t"), PipelineOptions.defaults());
        ProgressReporter progress = new ProgressReporter(new PrintStream(new ByteArrayOutputStream()), false, 1000);
        PipelineListener cancelAfterThree = new PipelineListener() {
            int steps;

            @Override
            public void onProgress(Progress pr) {
                if (++steps == 3) {
                    progress.cancel(); // what the Ctrl-C shutdown hook does
                }
            }

            @Override
            public boolean cancelled() {
                return progress.cancelled();
            }
        };
        assertThatThrownBy(() -> p.sample(cancelAfterThree))
                .isInstanceOf(SamplingCancelledException.class)
                .hasMessageContaining("after 3 of 10 steps");
    }
}
