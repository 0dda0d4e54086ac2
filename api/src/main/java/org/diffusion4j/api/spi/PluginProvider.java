package org.diffusion4j.api.spi;

import org.apiguardian.api.API;

/**
 * A plugin of one of the SDK's five kinds: a cheap {@link PluginDescriptor} (stable id, aliases, rank,
 * version, capabilities) and a factory from a typed, JSON-bindable configuration. Constructing a provider
 * must be cheap: no native libraries, no files, no threads. Those belong in {@link #create}.
 *
 * <p>Implement one of the kind interfaces ({@link SamplerProvider}, {@link ScheduleProvider},
 * {@link GuidanceProvider}, {@link BackendProvider}, {@link NoiseSourceProvider}) and list the class in
 * {@code META-INF/services/<that interface>}.
 *
 * @param <T> what the provider makes
 * @param <C> its configuration type: an immutable value Jackson can bind (a record is ideal)
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface PluginProvider<T, C> extends PluginDescriptor<C> {

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
    default void check(C config, PluginContext context) {}

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
