package org.diffusion4j.api.spi;

import java.net.URL;
import java.security.CodeSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * What the {@link PluginRegistry} knows of every plugin, whatever its kind: a stable id with aliases, a
 * version and location for listings, and the configuration record bound strictly from the plugin's JSON
 * object (the object minus its {@code type}). Constructing a descriptor must be cheap: no native
 * libraries, no files, no threads.
 *
 * <p>Each {@link PluginKind} has its own provider interface extending this one: {@link PluginProvider}'s
 * five kinds (schedules, samplers, guidance, backends, noise) make their object with
 * {@link PluginProvider#create}; the pipeline's model sources and trainers have their own factory methods.
 *
 * @param <C> the configuration type: an immutable value Jackson can bind (a record is ideal)
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface PluginDescriptor<C> {

    /** The kind of plugin. */
    PluginKind<?> kind();

    /**
     * The stable id used in JSON and code: lower-case kebab-case for new plugins, for example
     * {@code "logsnr-ancestral"}. The registry finds it in any letter case, and with {@code _} for {@code -}
     * (or the reverse) unless another plugin of the kind has that exact name.
     */
    String id();

    /** Other accepted names (older ids kept so that published documents still work). */
    default List<String> aliases() {
        return List.of();
    }

    /** Higher wins where the registry must pick one provider (the default backend). */
    default int rank() {
        return 0;
    }

    /** One line saying what the plugin does. */
    default String description() {
        return "";
    }

    /** The provider's version: its jar's {@code Implementation-Version}, else {@code "dev"}. */
    default String version() {
        Package p = getClass().getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Where the provider's class was loaded from (a jar or a classes directory). */
    default Optional<URL> location() {
        CodeSource cs = getClass().getProtectionDomain().getCodeSource();
        return Optional.ofNullable(cs == null ? null : cs.getLocation());
    }

    /** What the provider (or what it makes) can do. */
    default Set<Capability> capabilities() {
        return Set.of();
    }

    /** The configuration class, bound from JSON by the registry. */
    Class<C> configType();

    /**
     * The deprecated settings a bound configuration uses, each with what to write instead: keys are JSON
     * pointers relative to the plugin's object (for example {@code "/w"}), values are one-sentence
     * messages. Documents that use them still run; {@code validate} and the pipeline report them as
     * warnings at their document path. The default reports none.
     *
     * @param config a configuration bound from a document by the registry
     * @return an ordered, unmodifiable map; empty when nothing deprecated is used
     */
    default Map<String, String> deprecations(C config) {
        return Map.of();
    }
}
