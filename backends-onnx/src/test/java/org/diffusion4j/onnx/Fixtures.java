package org.diffusion4j.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusion4j.api.tensor.Shape;

/** The committed test models of tools/fixtures/out and their expected outputs. */
final class Fixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    /**
     * The fixture folder: system property {@code diffusion4j.fixtures}, else tools/fixtures/out seen from
     * the module folder or from the repository root.
     */
    static Path dir() {
        String p = System.getProperty("diffusion4j.fixtures");
        java.util.List<Path> candidates = p != null
                ? java.util.List.of(Paths.get(p))
                : java.util.List.of(Paths.get("..", "tools", "fixtures", "out"), Paths.get("tools", "fixtures", "out"));
        return candidates.stream()
                .filter(Files::isDirectory)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("fixture folder not found: tried "
                        + candidates.stream()
                                .map(c -> c.toAbsolutePath().normalize().toString())
                                .toList() + "; set -Ddiffusion4j.fixtures=<tools/fixtures/out>"));
    }

    static Path onnx(String name) {
        return dir().resolve(name + ".onnx");
    }

    static Path pt(String name) {
        return dir().resolve(name + ".pt");
    }

    /** One array of an expected.json file. */
    record Array(String dtype, Shape shape, double[] data) {
        float[] floats() {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) data[i];
            }
            return f;
        }

        int[] ints() {
            int[] v = new int[data.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (int) data[i];
            }
            return v;
        }
    }

    /** Inputs and TorchScript outputs recorded by make_fixtures.py. */
    record Expected(Map<String, Array> inputs, Map<String, Array> outputs) {}

    static Expected expected(String name) {
        try {
            JsonNode root = JSON.readTree(dir().resolve(name + ".expected.json").toFile());
            return new Expected(arrays(root.get("inputs")), arrays(root.get("outputs")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Array> arrays(JsonNode node) {
        Map<String, Array> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
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
        }
        return m;
    }
}
