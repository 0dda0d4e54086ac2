package org.diffusion4j.pipeline.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.diffusion4j.pipeline.spi.TrainerProvider;

/** The {@link TrainerProvider}s found with {@link ServiceLoader}, by id and alias. */
public final class Trainers {
    private final Map<String, TrainerProvider<?>> byName = new LinkedHashMap<>();
    private final List<TrainerProvider<?>> providers;

    private Trainers(List<TrainerProvider<?>> found) {
        List<TrainerProvider<?>> l = new ArrayList<>(found);
        l.sort(Comparator.comparing(TrainerProvider::id));
        for (TrainerProvider<?> p : l) {
            List<String> names = new ArrayList<>(p.aliases());
            names.add(0, p.id());
            for (String n : names) {
                TrainerProvider<?> prior = byName.put(n.toLowerCase(Locale.ROOT), p);
                if (prior != null && prior != p) {
                    throw new IllegalStateException("D4J-PLUGIN-DUPLICATE: two trainers claim the name '" + n + "': "
                            + prior.getClass().getName() + " and " + p.getClass().getName());
                }
            }
        }
        providers = List.copyOf(l);
    }

    public static Trainers load() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        List<TrainerProvider<?>> found = new ArrayList<>();
        for (TrainerProvider<?> p : ServiceLoader.load(TrainerProvider.class, cl != null ? cl : Trainers.class.getClassLoader())) {
            found.add(p);
        }
        return new Trainers(found);
    }

    public static Trainers of(List<TrainerProvider<?>> providers) {
        return new Trainers(providers);
    }

    public List<String> ids() {
        return providers.stream().map(TrainerProvider::id).toList();
    }

    public Optional<TrainerProvider<?>> find(String name) {
        return Optional.ofNullable(byName.get(name.trim().toLowerCase(Locale.ROOT)));
    }

    /** One line per trainer. */
    public String describe() {
        StringBuilder sb = new StringBuilder("trainers:\n");
        if (providers.isEmpty()) {
            sb.append("  (none)\n");
        }
        for (TrainerProvider<?> p : providers) {
            sb.append(String.format(Locale.ROOT, "  %-16s %-10s %s%n", p.id(), p.version(), p.location().map(Object::toString).orElse("?")));
        }
        return sb.toString();
    }
}
