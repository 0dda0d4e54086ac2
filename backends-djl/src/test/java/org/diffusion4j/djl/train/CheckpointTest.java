package org.diffusion4j.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.diffusion4j.djl.TestNets;
import org.diffusion4j.djl.data.Shapes;
import org.diffusion4j.schedules.Schedules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors checkpoint format: round trips, Python's files, the first format, bad files, atomic writes. */
class CheckpointTest {

    private static final Path PYTHON_FIXTURE = Path.of("..", "tools", "fixtures", "out", "python-written.safetensors");
    private static final Path CHECK_SCRIPT = Path.of("..", "tools", "fixtures", "safetensors_check.py");

    private static Checkpoint sample() {
        ObjectNode meta = Checkpoint.json().createObjectNode().put("net", "tiny");
        ObjectNode state = Checkpoint.json().createObjectNode().put("step", 42);
        Map<String, Map<String, float[]>> sections = new LinkedHashMap<>();
        sections.put(Checkpoint.MODEL, Map.of("w", new float[] {1, 2, 3, 4, 5, 6}));
        sections.put("ema", Map.of("w", new float[] {-1, -2, -3, -4, -5, -6}));
        sections.put("losses", Map.of("loss", new float[] {0.5f, 0.25f}));
        return new Checkpoint("test", meta, state, sections, Map.of("w", new long[] {2, 3}));
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aCheckpointRoundTripsAsSafetensorsWithItsCompanion(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.safetensors");
        sample().write(file);
        assertThat(files(dir)).containsExactly("run.safetensors", "run.state.safetensors");
        Checkpoint c = Checkpoint.read(file);
        assertThat(c.kind()).isEqualTo("test");
        assertThat(c.meta().get("net").asText()).isEqualTo("tiny");
        assertThat(c.state().get("step").asLong()).isEqualTo(42);
        assertThat(c.sectionNames()).containsExactly(Checkpoint.MODEL, "ema", "losses");
        assertThat(c.section(file, "ema").get("w")).containsExactly(-1, -2, -3, -4, -5, -6);
        assertThat(c.section(file, "losses").get("loss")).containsExactly(0.5f, 0.25f);
        // the file itself is plain safetensors: the weights with their shape, the rest in the companion
        Safetensors.Contents main = Safetensors.read(file);
        assertThat(main.tensors()).containsOnlyKeys("w");
        assertThat(main.tensors().get("w").shape()).containsExactly(2, 3);
        assertThat(main.metadata())
                .containsEntry("format", Checkpoint.FORMAT)
                .containsEntry("companion", "run.state.safetensors");
        assertThat(Safetensors.read(dir.resolve("run.state.safetensors")).tensors())
                .containsOnlyKeys("ema/w", "losses/loss");
        assertThat(Checkpoint.isCheckpoint(file)).isTrue();
        assertThatThrownBy(() -> c.section(file, "adam.m"))
                .hasMessageContaining("no section 'adam.m'")
                .hasMessageContaining("[model, ema, losses]");
    }

    @Test
    void theCheckpointIsImmutable() throws IOException {
        float[] w = {1, 2};
        ObjectNode meta = Checkpoint.json().createObjectNode().put("a", 1);
        Map<String, float[]> model = new LinkedHashMap<>(Map.of("w", w));
        Checkpoint c = new Checkpoint("k", meta, Map.of(Checkpoint.MODEL, model));
        w[0] = 99;
        model.put("x", new float[1]);
        meta.put("a", 2);
        c.meta().put("a", 3);
        c.section(Path.of("x"), Checkpoint.MODEL).get("w")[1] = 77;
        assertThat(c.meta().get("a").asInt()).isEqualTo(1);
        assertThat(c.section(Path.of("x"), Checkpoint.MODEL)).containsOnlyKeys("w");
        assertThat(c.section(Path.of("x"), Checkpoint.MODEL).get("w")).containsExactly(1, 2);
        assertThatThrownBy(() -> c.sectionNames().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void readsTheSafetensorsFileWrittenByPython() throws IOException {
        assertThat(PYTHON_FIXTURE)
                .as("committed fixture (run from backends-djl)")
                .exists();
        Safetensors.Contents c = Safetensors.read(PYTHON_FIXTURE);
        assertThat(c.metadata()).containsEntry("written_by", "tools/fixtures/safetensors_check.py");
        // the script's values are dyadic rationals, exact in float32: compare bit for bit
        float[] weight = new float[12];
        for (int i = 0; i < 12; i++) {
            weight[i] = (i - 6) / 8f;
        }
        assertThat(c.tensors().get("weight").shape()).containsExactly(3, 4);
        assertThat(c.tensors().get("weight").data()).containsExactly(weight);
        assertThat(c.tensors().get("bias").data()).containsExactly(0.5f, -1.25f, 3.0f);
        assertThat(c.tensors().get("scalar").shape()).isEmpty();
        assertThat(c.tensors().get("scalar").data()).containsExactly(7f);
        assertThat(c.tensors().get("empty").shape()).containsExactly(0, 2);
        assertThat(c.tensors().get("empty").data()).isEmpty();
        // a safetensors file without the SDK's metadata is not a checkpoint, and says why
        assertThat(Checkpoint.isCheckpoint(PYTHON_FIXTURE)).isFalse();
        assertThatThrownBy(() -> Checkpoint.read(PYTHON_FIXTURE))
                .hasMessageContaining("not a diffusion4j checkpoint")
                .hasMessageContaining("__metadata__.format is missing");
    }

    /** Python (struct, json, torch; no safetensors package) reads what Java wrote, with the same values. */
    @Test
    void pythonReadsATrainerCheckpointWrittenByJava(@TempDir Path dir) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import torch")
                .redirectErrorStream(true)
                .start();
        assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, "no torch for /usr/bin/python3");
        Path file = dir.resolve("model.ckpt");
        Map<String, float[]> weights;
        Map<String, float[]> ema;
        try (Trainer t = Trainer.create(
                TestNets.tinyUNet(4),
                TrainerConfig.builder().batchSize(4).seed(1).build(),
                Schedules.linear(1000),
                Shapes.generate(16, 16, 1),
                Device.cpu(),
                3)) {
            t.train(2, ProgressListener.NONE);
            t.save(file);
            weights = t.model().weights();
            ema = t.emaWeights();
        }
        Process p = new ProcessBuilder(python.toString(), CHECK_SCRIPT.toString(), "read", file.toString()).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        JsonNode r = Checkpoint.json().readTree(out);
        assertThat(r.at("/metadata/kind").asText()).isEqualTo(Trainer.KIND);
        assertThat(r.at("/companion/state/step").asLong()).isEqualTo(2);
        assertThat(r.path("tensors").size()).isEqualTo(weights.size());
        for (var e : weights.entrySet()) {
            check(r.path("tensors").path(e.getKey()), e.getValue(), e.getKey());
            check(
                    r.path("companion").path("tensors").path("ema/" + e.getKey()),
                    ema.get(e.getKey()),
                    "ema/" + e.getKey());
        }
    }

    private static void check(JsonNode t, float[] values, String name) {
        assertThat(t.isMissingNode()).as(name + " missing in Python's reading").isFalse();
        long n = 1;
        for (JsonNode d : t.get("shape")) {
            n *= d.asLong();
        }
        assertThat(n).as(name).isEqualTo(values.length);
        double sum = 0;
        double abs = 0;
        for (float v : values) {
            sum += v;
            abs += Math.abs(v);
        }
        // both sides add the same float32 values in float64, in different orders: each sum is within
        // (n − 1) u64 Σ|x| of the exact one (u64 = 2^-53), so they differ by at most twice that
        double bound = 2 * values.length * 0x1p-53 * abs;
        assertThat(t.get("sum").asDouble()).as(name).isCloseTo(sum, within(bound));
    }

    @Test
    void checkpointsOfTheFirstFormatStillLoad(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("old.ckpt");
        Files.write(
                file,
                legacy(
                        "unet-trainer",
                        "{\"step\": 7, \"unet\": {}}",
                        Map.of("model", Map.of("w", new float[] {1.5f, -2})),
                        Map.of("ema", Map.of("w", new float[] {0.25f, 8}))));
        assertThat(Checkpoint.isCheckpoint(file)).isTrue();
        Checkpoint c = Checkpoint.read(file);
        assertThat(c.kind()).isEqualTo("unet-trainer");
        assertThat(c.state().get("step").asLong()).isEqualTo(7); // the old metadata serves as the state
        assertThat(c.meta().get("step").asLong()).isEqualTo(7);
        assertThat(c.section(file, "model").get("w")).containsExactly(1.5f, -2);
        assertThat(c.section(file, "ema").get("w")).containsExactly(0.25f, 8);
        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 40));
        assertThatThrownBy(() -> Checkpoint.read(file))
                .hasMessageContaining("truncated")
                .hasMessageContaining("old.ckpt");
    }

    /** The first format, written from its specification (big-endian; magic, kind, meta, sections). */
    @SafeVarargs
    private static byte[] legacy(String kind, String meta, Map<String, Map<String, float[]>>... sections)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("D4JCKPT1".getBytes(StandardCharsets.US_ASCII));
        for (String s : new String[] {kind, meta}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }
        out.writeInt(sections.length);
        for (Map<String, Map<String, float[]>> one : sections) {
            var section = one.entrySet().iterator().next();
            byte[] name = section.getKey().getBytes(StandardCharsets.UTF_8);
            out.writeInt(name.length);
            out.write(name);
            out.writeInt(section.getValue().size());
            for (var e : section.getValue().entrySet()) {
                byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
                out.writeInt(k.length);
                out.write(k);
                out.writeInt(e.getValue().length);
                for (float f : e.getValue()) {
                    out.writeFloat(f);
                }
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void badSafetensorsFilesAreRefusedWithTheirFileAndTensor(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("a.safetensors");
        sample().write(good);
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("cut.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> Safetensors.read(truncated))
                .hasMessageContaining("cut.safetensors")
                .hasMessageContaining("tensor 'w'");

        Path overlap = dir.resolve("overlap.safetensors");
        Files.write(
                overlap,
                raw(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                        12));
        assertThatThrownBy(() -> Safetensors.read(overlap))
                .hasMessageContaining("tensor 'b'")
                .hasMessageContaining("overlap");

        Path dtype = dir.resolve("f16.safetensors");
        Files.write(dtype, raw("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4));
        assertThatThrownBy(() -> Safetensors.read(dtype))
                .hasMessageContaining("f16.safetensors")
                .hasMessageContaining("tensor 'h' has dtype F16");

        Path size = dir.resolve("size.safetensors");
        Files.write(size, raw("{\"s\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        assertThatThrownBy(() -> Safetensors.read(size)).hasMessageContaining("needs 12 bytes");

        Files.write(dir.resolve("a.state.safetensors"), Files.readAllBytes(companionOfAnotherSave(dir)));
        assertThatThrownBy(() -> Checkpoint.read(good)).hasMessageContaining("belongs to another save");
        Files.delete(dir.resolve("a.state.safetensors"));
        assertThatThrownBy(() -> Checkpoint.read(good))
                .hasMessageContaining("companion")
                .hasMessageContaining("missing");
    }

    private static Path companionOfAnotherSave(Path dir) throws IOException {
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        sample().write(other.resolve("a.safetensors"));
        return other.resolve("a.state.safetensors");
    }

    private static byte[] raw(String header, int bodyBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + bodyBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    @Test
    void aFailedSaveLeavesThePreviousCheckpointAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.safetensors");
        sample().write(file);
        byte[] before = Files.readAllBytes(file);
        byte[] companionBefore = Files.readAllBytes(dir.resolve("run.state.safetensors"));
        // a tensor named like the header's metadata entry fails while the companion is being written
        Checkpoint bad = new Checkpoint(
                "test",
                Checkpoint.json().createObjectNode(),
                Checkpoint.json().createObjectNode(),
                Map.of(Checkpoint.MODEL, Map.of("w", new float[1]), "x", Map.of("", new float[1])),
                Map.of());
        Checkpoint worse = new Checkpoint(
                "test",
                Checkpoint.json().createObjectNode(),
                Checkpoint.json().createObjectNode(),
                Map.of(Checkpoint.MODEL, Map.of("__metadata__", new float[1])),
                Map.of());
        assertThatThrownBy(() -> worse.write(file)).hasMessageContaining("__metadata__");
        assertThat(files(dir)).containsExactly("run.safetensors", "run.state.safetensors");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(Files.readAllBytes(dir.resolve("run.state.safetensors"))).isEqualTo(companionBefore);
        bad.write(file); // an empty entry name is a legal tensor name ("x/")
        assertThat(Checkpoint.read(file).section(file, "x")).containsOnlyKeys("");
    }
}
