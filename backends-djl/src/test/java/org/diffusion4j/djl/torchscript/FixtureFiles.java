package org.diffusion4j.djl.torchscript;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The committed fixtures of {@code tools/fixtures/out} (made by make_fixtures.py) and their JSON files. */
final class FixtureFiles {
    static final Path DIR = Path.of("..", "tools", "fixtures", "out");
    private static final ObjectMapper JSON = new ObjectMapper();

    private FixtureFiles() {}

    /** The fixture file {@code name}; it is committed, so a missing one is a failure, not a skip. */
    static Path fixture(String name) {
        Path p = DIR.resolve(name);
        assertThat(p).as("committed fixture (run from backends-djl)").exists();
        return p;
    }

    /** The parsed JSON file {@code name} of the fixture folder. */
    static JsonNode json(String name) {
        try {
            return JSON.readTree(fixture(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code data} array of a recorded tensor, as float32 values. */
    static float[] data(JsonNode tensor) {
        JsonNode d = tensor.get("data");
        float[] out = new float[d.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) d.get(i).asDouble();
        }
        return out;
    }
}
