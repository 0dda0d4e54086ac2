package org.diffusion4j.pipeline;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.pipeline.spi.ModelSourceProvider;

/**
 * The {@link ModelSourceProvider}s of a {@link PluginRegistry} (kind {@link ModelSourceProvider#KIND}):
 * a view kept for the pipeline's options; the registry does the finding, aliases, duplicate checks and
 * did-you-mean, as for every kind. Immutable.
 */
public final class ModelSources {
    private final PluginRegistry registry;

    private ModelSources(PluginRegistry registry) {
        this.registry = registry;
    }

    /** The sources visible to {@code loader}. */
    public static ModelSources load(ClassLoader loader) {
        return new ModelSources(PluginRegistry.load(loader, List.of(ModelSourceProvider.KIND)));
    }

    /** The sources visible to the context class loader. */
    public static ModelSources load() {
        return load(PluginRegistry.defaultLoader());
    }

    /** Exactly these sources. */
    public static ModelSources of(Collection<? extends ModelSourceProvider<?>> providers) {
        return new ModelSources(PluginRegistry.of(List.of(ModelSourceProvider.KIND), providers));
    }

    /** The model sources of {@code registry} (one loaded with {@link ModelSourceProvider#KIND}). */
    public static ModelSources of(PluginRegistry registry) {
        return new ModelSources(registry);
    }

    /** The registry the sources are found in. */
    public PluginRegistry registry() {
        return registry;
    }

    public List<ModelSourceProvider<?>> providers() {
        return registry.providers(ModelSourceProvider.KIND);
    }

    /** The ids, sorted. */
    public List<String> ids() {
        return registry.ids(ModelSourceProvider.KIND);
    }

    public Optional<ModelSourceProvider<?>> find(String name) {
        return registry.find(ModelSourceProvider.KIND, name);
    }

    /** One line per source: id, version, jar, aliases. */
    public String describe() {
        StringBuilder sb = new StringBuilder("model sources:\n");
        for (ModelSourceProvider<?> p : providers()) {
            sb.append(String.format(
                    Locale.ROOT,
                    "  %-16s %-10s %s%s%n",
                    p.id(),
                    p.version(),
                    p.location().map(Object::toString).orElse("?"),
                    p.aliases().isEmpty() ? "" : "  aliases " + p.aliases()));
        }
        return sb.toString();
    }
}
