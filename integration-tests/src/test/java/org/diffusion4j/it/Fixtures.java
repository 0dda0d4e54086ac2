package org.diffusion4j.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffusion4j.api.tensor.Shape;

/**
 * The twin models of {@code tools/fixtures/out}: {@code <name>.onnx} and {@code <name>.pt} hold the
 * same weights; {@code <name>.expected.json} records an input batch and PyTorch's output for it.
 */
final class Fixtures {

    /** Sample shape of every fixture model: [1, 8, 8]. */
    static final Shape SAMPLE = Shape.of(1, 8, 8);
    /** K = 3 classes; label 3 is the null class. */
    static final int NUM_CLASSES = 3;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    /**
     * The fixture folder: the system property {@code diffusion4j.fixtures} (set by this module's pom),
     * else {@code tools/fixtures/out} seen from the module or the repository root.
     */
    static Path dir() {
        String p = System.getProperty("diffusion4j.fixtures");
        List<Path> candidates = p != null
                ? List.of(Path.of(p))
                : List.of(Path.of("..", "tools", "fixtures", "out"), Path.of("tools", "fixtures", "out"));
        for (Path c : candidates) {
            if (Files.isDirectory(c)) {
                return c;
            }
        }
        throw new IllegalStateException("fixture folder not found; tried "
                + candidates.stream()
                        .map(c -> c.toAbsolutePath().normalize().toString())
                        .toList()
                + "; set -Ddiffusion4j.fixtures=<repository>/tools/fixtures/out");
    }

    static Path onnx(String name) {
        return existing(dir().resolve(name + ".onnx"));
    }

    static Path pt(String name) {
        return existing(dir().resolve(name + ".pt"));
    }

    private static Path existing(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(
                    "fixture " + p.toAbsolutePath() + " is missing; run tools/fixtures/make_fixtures.py");
        }
        return p;
    }

    /** One recorded array. */
    record Array(String dtype, Shape shape, double[] data) {
        float[] floats() {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) data[i];
            }
            return f;
        }
    }

    /** The recorded inputs and outputs of one fixture, by name, in file order. */
    record Recorded(Map<String, Array> inputs, Map<String, Array> outputs) {
        Array input(String name) {
            Array a = inputs.get(name);
            if (a == null) {
                throw new IllegalStateException("no recorded input '" + name + "'; have " + inputs.keySet());
            }
            return a;
        }

        Array output(String name) {
            Array a = outputs.get(name);
            if (a == null) {
                throw new IllegalStateException("no recorded output '" + name + "'; have " + outputs.keySet());
            }
            return a;
        }
    }

    static Recorded recorded(String name) {
        Path file = dir().resolve(name + ".expected.json");
        try {
            JsonNode root = JSON.readTree(file.toFile());
            return new Recorded(arrays(root.get("inputs")), arrays(root.get("outputs")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static Map<String, Array> arrays(JsonNode node) {
        Map<String, Array> m = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            JsonNode a = e.getValue();
            int[] dims = new int[a.get("shape").size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = a.get("shape").get(i).asInt();
            }
            double[] data = new double[a.get("data").size()];
            for (int i = 0; i < data.length; i++) {
                data[i] = a.get("data").get(i).asDouble();
            }
            m.put(e.getKey(), new Array(a.get("dtype").asText(), Shape.of(dims), data));
        });
        return m;
    }
}
