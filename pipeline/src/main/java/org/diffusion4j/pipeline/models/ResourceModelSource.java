package org.diffusion4j.pipeline.models;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.pipeline.spi.LoadedModel;
import org.diffusion4j.pipeline.spi.ModelContext;
import org.diffusion4j.pipeline.spi.ModelSourceProvider;
import org.jspecify.annotations.Nullable;

/**
 * Model source {@code resource}: a {@link NoisePredictor} (a Java or Kotlin lambda, any object) that the
 * embedding program hands to the pipeline under a name. A document naming it can be written and read
 * back, but only runs where the same name is supplied.
 */
public final class ResourceModelSource implements ModelSourceProvider<ResourceModelSource.Config> {

    /**
     * @param name        the resource name of the predictor (required)
     * @param sampleShape the shape of one sample without the batch axis (required)
     * @param numClasses  the number of class labels the model knows
     * @param classifier  the resource name of a {@link ClassifierGradient} for classifier guidance
     */
    public record Config(
            @Nullable String name,
            int @Nullable [] sampleShape,
            @Nullable Integer numClasses,
            @Nullable String classifier) {}

    @Override
    public String id() {
        return "resource";
    }

    @Override
    public String description() {
        return "a predictor supplied in code under a name";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public void check(Config c, ModelContext context) {
        if (c.name() == null || c.name().isBlank()) {
            throw new IllegalArgumentException("name is required: the name the predictor was supplied under");
        }
        if (context.resource(c.name(), NoisePredictor.class).isEmpty()) {
            throw new IllegalArgumentException("name: no predictor was supplied under the name '" + c.name()
                    + "'; supplied: " + context.resources().keySet());
        }
        if (c.sampleShape() == null || c.sampleShape().length == 0) {
            throw new IllegalArgumentException(
                    "sampleShape is required: the shape of one sample without the batch axis");
        }
        if (c.classifier() != null
                && context.resource(c.classifier(), ClassifierGradient.class).isEmpty()) {
            throw new IllegalArgumentException(
                    "classifier: no ClassifierGradient was supplied under the name '" + c.classifier() + "'");
        }
    }

    @Override
    public Optional<String> preferredBackend(Config c) {
        return Optional.of("java");
    }

    @Override
    public Optional<int[]> sampleShape(Config c) {
        return c.sampleShape() == null
                ? Optional.empty()
                : Optional.of(c.sampleShape().clone());
    }

    @Override
    public OptionalInt numClasses(Config c) {
        return c.numClasses() == null ? OptionalInt.empty() : OptionalInt.of(c.numClasses());
    }

    @Override
    public boolean providesClassifier(Config c) {
        return c.classifier() != null;
    }

    @Override
    public LoadedModel load(Config c, ModelContext context) {
        check(c, context);
        // check(c, context) above has rejected a missing name and sampleShape
        String name = Objects.requireNonNull(c.name());
        LoadedModel m = LoadedModel.of(
                        context.resource(name, NoisePredictor.class).orElseThrow())
                .withSampleShape(Shape.of(Objects.requireNonNull(c.sampleShape())))
                .withProvenance("model", "resource " + name);
        if (c.numClasses() != null) {
            m = m.withNumClasses(c.numClasses());
        }
        if (c.classifier() != null) {
            m = m.withClassifier(
                    context.resource(c.classifier(), ClassifierGradient.class).orElseThrow());
        }
        return m;
    }
}
