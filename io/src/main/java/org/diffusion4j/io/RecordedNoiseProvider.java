package org.diffusion4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.api.noise.NoiseSource;
import org.diffusion4j.api.spi.NoiseSourceProvider;
import org.diffusion4j.api.spi.PluginConfigException;
import org.diffusion4j.api.spi.PluginContext;

/**
 * Registers {@link RecordedNoise} as noise source {@value RecordedNoise#ID} (alias {@code file}),
 * configured by {@link RecordedNoiseConfig}. It has no usable default: a document must name the file.
 */
public final class RecordedNoiseProvider implements NoiseSourceProvider<RecordedNoiseConfig> {

    /** The plugin-context resource (a {@link Path}) against which relative files are resolved. */
    public static final String BASE_DIRECTORY = "diffusion4j.baseDirectory";

    @Override
    public String id() {
        return RecordedNoise.ID;
    }

    @Override
    public java.util.List<String> aliases() {
        return java.util.List.of("file");
    }

    @Override
    public String description() {
        return "replays draws recorded in a .npy or safetensors file, in order, to reproduce a stochastic run";
    }

    @Override
    public Class<RecordedNoiseConfig> configType() {
        return RecordedNoiseConfig.class;
    }

    /**
     * @throws PluginConfigException always: the recording's file has no default
     */
    @Override
    public RecordedNoiseConfig defaultConfig() {
        throw new PluginConfigException(
                "file",
                "the recorded noise source needs a file: " + "{\"type\": \"recorded\", \"file\": \"noise.npy\"}");
    }

    @Override
    public void check(RecordedNoiseConfig config, PluginContext context) {
        Path p = resolve(config, context);
        if (!Files.isRegularFile(p)) {
            throw new PluginConfigException("file", "recorded noise file " + p + " does not exist");
        }
    }

    @Override
    public NoiseSource create(RecordedNoiseConfig config, PluginContext context) {
        Path p = resolve(config, context);
        try {
            if (config.tensor() != null) {
                return RecordedNoise.of(Safetensors.read(p, config.tensor()).toFloatArray(), p + ":" + config.tensor());
            }
            return RecordedNoise.fromFile(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    static Path resolve(RecordedNoiseConfig config, PluginContext context) {
        Path f = Path.of(config.file());
        if (f.isAbsolute()) {
            return f;
        }
        return context.resource(BASE_DIRECTORY, Path.class)
                .map(d -> d.resolve(f))
                .orElse(f);
    }
}
