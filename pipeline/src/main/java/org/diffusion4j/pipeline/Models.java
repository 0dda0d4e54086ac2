package org.diffusion4j.pipeline;

import java.util.Optional;
import java.util.OptionalInt;
import org.diffusion4j.pipeline.spi.LoadedModel;
import org.diffusion4j.pipeline.spi.ModelContext;
import org.diffusion4j.pipeline.spi.ModelSourceProvider;

/** Typed calls on a bound model source (its provider and configuration bound together by {@link PluginBinder}). */
final class Models {
    private Models() {}

    /** The source's cheap checks; then the number of classes its configuration tells. */
    @SuppressWarnings("unchecked")
    static <C> OptionalInt check(PluginBinder.Bound b, ModelContext ctx) {
        ModelSourceProvider<C> p = (ModelSourceProvider<C>) b.provider();
        p.check((C) b.config(), ctx);
        return p.numClasses((C) b.config());
    }

    @SuppressWarnings("unchecked")
    static <C> OptionalInt numClasses(PluginBinder.Bound b) {
        return ((ModelSourceProvider<C>) b.provider()).numClasses((C) b.config());
    }

    @SuppressWarnings("unchecked")
    static <C> boolean providesClassifier(PluginBinder.Bound b) {
        return ((ModelSourceProvider<C>) b.provider()).providesClassifier((C) b.config());
    }

    @SuppressWarnings("unchecked")
    static <C> Optional<String> preferredBackend(PluginBinder.Bound b) {
        return ((ModelSourceProvider<C>) b.provider()).preferredBackend((C) b.config());
    }

    @SuppressWarnings("unchecked")
    static <C> Optional<int[]> sampleShape(PluginBinder.Bound b) {
        return ((ModelSourceProvider<C>) b.provider()).sampleShape((C) b.config());
    }

    @SuppressWarnings("unchecked")
    static <C> LoadedModel load(PluginBinder.Bound b, ModelContext ctx) {
        return ((ModelSourceProvider<C>) b.provider()).load((C) b.config(), ctx);
    }
}
