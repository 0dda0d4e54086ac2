package org.diffusion4j.pipeline.train;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.pipeline.spi.TrainerProvider;

/**
 * The {@link TrainerProvider}s of a {@link PluginRegistry} (kind {@link TrainerProvider#KIND}): a view;
 * the registry does the finding, aliases, duplicate checks and did-you-mean, as for every kind.
 */
public final class Trainers {
    private final PluginRegistry registry;

    private Trainers(PluginRegistry registry) {
        this.registry = registry;
    }

    /** The trainers visible to the context class loader. */
    public static Trainers load() {
        return new Trainers(PluginRegistry.load(PluginRegistry.defaultLoader(), List.of(TrainerProvider.KIND)));
    }

    /** Exactly these trainers. */
    public static Trainers of(List<TrainerProvider<?>> providers) {
        return new Trainers(PluginRegistry.of(List.of(TrainerProvider.KIND), providers));
    }

    /** The trainers of {@code registry} (one loaded with {@link TrainerProvider#KIND}). */
    public static Trainers of(PluginRegistry registry) {
        return new Trainers(registry);
    }

    /** The registry the trainers are found in. */
    public PluginRegistry registry() {
        return registry;
    }

    public List<String> ids() {
        return registry.ids(TrainerProvider.KIND);
    }

    public Optional<TrainerProvider<?>> find(String name) {
        return registry.find(TrainerProvider.KIND, name);
    }

    /** One line per trainer. */
    public String describe() {
        StringBuilder sb = new StringBuilder("trainers:\n");
        List<TrainerProvider<?>> providers = registry.providers(TrainerProvider.KIND);
        if (providers.isEmpty()) {
            sb.append("  (none)\n");
        }
        for (TrainerProvider<?> p : providers) {
            sb.append(String.format(
                    Locale.ROOT,
                    "  %-16s %-10s %s%n",
                    p.id(),
                    p.version(),
                    p.location().map(Object::toString).orElse("?")));
        }
        return sb.toString();
    }
}
