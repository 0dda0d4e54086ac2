package org.diffusion4j.pipeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.diffusion4j.pipeline.spi.ModelSourceProvider;

/**
 * The {@link ModelSourceProvider}s found with {@link ServiceLoader}, indexed by id and alias
 * (case-insensitive). Immutable once loaded.
 */
public final class ModelSources {
    private final Map<String, ModelSourceProvider<?>> byName = new LinkedHashMap<>();
    private final List<ModelSourceProvider<?>> providers;

    private ModelSources(Collection<? extends ModelSourceProvider<?>> found) {
        List<ModelSourceProvider<?>> l = new ArrayList<>(found);
        l.sort(Comparator.comparing(ModelSourceProvider::id));
        for (ModelSourceProvider<?> p : l) {
            List<String> names = new ArrayList<>();
            names.add(p.id());
            names.addAll(p.aliases());
            for (String n : names) {
                ModelSourceProvider<?> prior = byName.put(n.toLowerCase(Locale.ROOT), p);
                if (prior != null && prior != p) {
                    throw new IllegalStateException("D4J-PLUGIN-DUPLICATE: two model sources claim the name '" + n + "': "
                            + prior.getClass().getName() + " and " + p.getClass().getName());
                }
            }
        }
        this.providers = List.copyOf(l);
    }

    /** The sources visible to {@code loader}. */
    public static ModelSources load(ClassLoader loader) {
        List<ModelSourceProvider<?>> found = new ArrayList<>();
        for (ModelSourceProvider<?> p : ServiceLoader.load(ModelSourceProvider.class, loader)) {
            found.add(p);
        }
        return new ModelSources(found);
    }

    /** The sources visible to the context class loader. */
    public static ModelSources load() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return load(cl != null ? cl : ModelSources.class.getClassLoader());
    }

    /** Exactly these sources. */
    public static ModelSources of(Collection<? extends ModelSourceProvider<?>> providers) {
        return new ModelSources(providers);
    }

    public List<ModelSourceProvider<?>> providers() {
        return providers;
    }

    /** The ids, sorted. */
    public List<String> ids() {
        return providers.stream().map(ModelSourceProvider::id).collect(Collectors.toList());
    }

    public Optional<ModelSourceProvider<?>> find(String name) {
        return Optional.ofNullable(byName.get(name.trim().toLowerCase(Locale.ROOT)));
    }

    /** The message for an unknown name: did-you-mean and the known ids. */
    String unknown(String name) {
        return "D4J-PLUGIN-UNKNOWN: no model source named '" + name + "'" + Names.didYouMean(name, byName.keySet())
                + " Available model sources: " + String.join(", ", ids());
    }

    /** One line per source: id, version, jar, aliases. */
    public String describe() {
        StringBuilder sb = new StringBuilder("model sources:\n");
        for (ModelSourceProvider<?> p : providers) {
            sb.append(String.format(Locale.ROOT, "  %-16s %-10s %s%s%n", p.id(), p.version(),
                    p.location().map(Object::toString).orElse("?"), p.aliases().isEmpty() ? "" : "  aliases " + p.aliases()));
        }
        return sb.toString();
    }
}
