package org.diffusion4j.api.spi;

/**
 * Mix-in for providers that take no configuration (JSON {@code {}}): implement {@link #create(PluginContext)}
 * together with a kind interface, e.g. {@code implements GuidanceProvider<NoConfig>, UnconfiguredProvider<Guidance>}.
 *
 * @param <T> what the provider makes
 */
public interface UnconfiguredProvider<T> extends PluginProvider<T, NoConfig> {

    @Override
    default Class<NoConfig> configType() {
        return NoConfig.class;
    }

    @Override
    default NoConfig defaultConfig() {
        return NoConfig.INSTANCE;
    }

    @Override
    default T create(NoConfig config, PluginContext context) {
        return create(context);
    }

    /** Makes the plugin's object. */
    T create(PluginContext context);
}
