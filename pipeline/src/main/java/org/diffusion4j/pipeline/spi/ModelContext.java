package org.diffusion4j.pipeline.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.diffusion4j.api.spi.Backend;
import org.diffusion4j.api.spi.PluginRegistry;

/**
 * What a model source may use.
 *
 * @param registry      the plugin registry of the run
 * @param baseDirectory relative file names in the document are resolved against it (the document's folder)
 * @param resources     named objects supplied by the embedding program (predictors, classifiers)
 * @param backend       the run's backend; empty while a document is only being validated
 */
public record ModelContext(
        PluginRegistry registry, Path baseDirectory, Map<String, Object> resources, Optional<Backend> backend) {

    public ModelContext {
        resources = Map.copyOf(resources);
    }

    /** {@code name} resolved against the base directory. */
    public Path resolve(String name) {
        return baseDirectory.resolve(name).normalize();
    }

    /** The resource {@code name} if present and of type {@code type}. */
    public <R> Optional<R> resource(String name, Class<R> type) {
        Object o = resources.get(name);
        return type.isInstance(o) ? Optional.of(type.cast(o)) : Optional.empty();
    }

    /** The backend, which {@link ModelSourceProvider#load} always has. */
    public Backend requireBackend() {
        return backend.orElseThrow(
                () -> new IllegalStateException("no backend: the model is being validated, not loaded"));
    }
}
