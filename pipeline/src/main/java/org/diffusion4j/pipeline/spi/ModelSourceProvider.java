package org.diffusion4j.pipeline.spi;

import java.util.Optional;
import java.util.OptionalInt;
import org.diffusion4j.api.spi.PluginDescriptor;
import org.diffusion4j.api.spi.PluginKind;

/**
 * Where a run's {@code model} comes from: {@code {"type": "file", "file": "unet.onnx", ...}} loads a file
 * through the run's backend, {@code {"type": "gaussian-mixture"}} is an exact-score model, and so on.
 * List implementations in {@code META-INF/services/org.diffusion4j.pipeline.spi.ModelSourceProvider}.
 * Construction must be cheap; files are read and native code loaded in {@link #load} only.
 *
 * @param <C> the configuration type, bound strictly from the model object minus its {@code type}
 */
public interface ModelSourceProvider<C> extends PluginDescriptor<C> {

    /** The kind of plugin: {@code model source}, found in the one {@link org.diffusion4j.api.spi.PluginRegistry}. */
    PluginKind<ModelSourceProvider<?>> KIND = PluginKind.of("model source", ModelSourceProvider.class);

    @Override
    default PluginKind<?> kind() {
        return KIND;
    }

    /**
     * Cheap checks without loading (files exist, shapes make sense).
     *
     * @throws IllegalArgumentException naming the offending field
     */
    default void check(C config, ModelContext context) {}

    /** The backend this model wants when the document names none (for example by file extension). */
    default Optional<String> preferredBackend(C config) {
        return Optional.empty();
    }

    /** The number of classes, when the configuration tells it (labels are checked against it). */
    default OptionalInt numClasses(C config) {
        return OptionalInt.empty();
    }

    /**
     * The shape of one sample (without the batch axis), when the configuration tells it without loading
     * the model; {@code validate} uses it to check that a run fits in memory.
     */
    default Optional<int[]> sampleShape(C config) {
        return Optional.empty();
    }

    /** True when the loaded model will carry a classifier for classifier guidance. */
    default boolean providesClassifier(C config) {
        return false;
    }

    /** Loads the model; {@link ModelContext#backend()} is present. */
    LoadedModel load(C config, ModelContext context);
}
