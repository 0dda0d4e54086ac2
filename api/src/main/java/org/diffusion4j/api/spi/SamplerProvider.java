package org.diffusion4j.api.spi;

import org.diffusion4j.api.Sampler;

/**
 * Provides a {@link Sampler} plugin; list implementations in
 * {@code META-INF/services/org.diffusion4j.api.spi.SamplerProvider}.
 *
 * @param <C> the configuration type
 */
public interface SamplerProvider<C> extends PluginProvider<Sampler, C> {

    @Override
    default PluginKind<?> kind() {
        return PluginKind.SAMPLER;
    }
}
