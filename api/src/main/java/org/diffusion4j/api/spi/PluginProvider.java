package org.diffusion4j.api.spi;

import java.net.URL;
import java.security.CodeSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A plugin: a cheap descriptor (stable id, aliases, rank, version, capabilities) and a factory from a
 * typed, JSON-bindable configuration. Constructing a provider must be cheap: no native libraries, no
 * files, no threads. Those belong in {@link #create}.
 *
 * <p>Implement one of the kind interfaces ({@link SamplerProvider}, {@link ScheduleProvider},
 * {@link GuidanceProvider}, {@link BackendProvider}, {@link NoiseSourceProvider}) and list the class in
 * {@code META-INF/services/<that interface>}.
 *
 * @param <T> what the provider makes
 * @param <C> its configuration type: an immutable value Jackson can bind (a record is ideal)
 */
public interface PluginProvider<T, C> {

    /** The kind of plugin. */
    PluginKind kind();

    /** The stable id used in JSON and code, lower case, for example {@code "ddim"}. */
    String id();

    /** Other accepted names. */
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

    /** The configuration used when none is given. */
    C defaultConfig();

    /**
     * Cheap checks of a bound configuration that {@link #create} would otherwise make only when the run
     * starts: no native libraries, no files opened, no threads. {@code validate} calls it for plugins it
     * does not create while checking a document (backends). The default checks nothing.
     *
     * @throws IllegalArgumentException for a value that cannot work, naming the field; a
     *                                  {@link PluginConfigException} carries its JSON path
     */
    default void check(C config, PluginContext context) {
    }

    /**
     * Makes the plugin's object.
     *
     * @param config  a validated configuration
     * @param context access to the registry and shared resources, so composite plugins can build parts
     * @throws IllegalArgumentException for configuration values that make no sense, with a message
     *                                  naming the field
     */
    T create(C config, PluginContext context);
}
