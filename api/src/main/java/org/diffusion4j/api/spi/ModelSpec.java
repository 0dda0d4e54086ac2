package org.diffusion4j.api.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;
import org.diffusion4j.api.PredictionType;

/**
 * A model file and how to call it.
 *
 * @param file           the model file
 * @param predictionType what the model predicts
 * @param options        backend-specific options (input names, timestep dtype, ...), values from JSON
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public record ModelSpec(Path file, PredictionType predictionType, Map<String, Object> options) {

    public ModelSpec {
        options = Map.copyOf(options);
    }

    /** An ε-predicting model with no options. */
    public static ModelSpec of(Path file) {
        return new ModelSpec(file, PredictionType.EPSILON, Map.of());
    }

    /** The option {@code key} if present. */
    public Optional<Object> option(String key) {
        return Optional.ofNullable(options.get(key));
    }

    /** The option {@code key} as a string if present. */
    public Optional<String> stringOption(String key) {
        return option(key).map(String::valueOf);
    }
}
