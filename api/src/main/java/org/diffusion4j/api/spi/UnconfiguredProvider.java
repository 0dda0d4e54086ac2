package org.diffusion4j.api.spi;

import org.apiguardian.api.API;

/**
 * Mix-in for providers that take no configuration (JSON {@code {}}): implement {@link #create(PluginContext)}
 * together with a kind interface, e.g. {@code implements GuidanceProvider<NoConfig>, UnconfiguredProvider<Guidance>}.
 *
 * @param <T> what the provider makes
 */
@API(status = API.Status.STABLE, since = "0.1.0")
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
