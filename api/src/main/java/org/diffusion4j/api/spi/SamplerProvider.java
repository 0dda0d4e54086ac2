package org.diffusion4j.api.spi;

import org.apiguardian.api.API;
import org.diffusion4j.api.Sampler;

/**
 * Provides a {@link Sampler} plugin; list implementations in
 * {@code META-INF/services/org.diffusion4j.api.spi.SamplerProvider}.
 *
 * @param <C> the configuration type
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface SamplerProvider<C> extends PluginProvider<Sampler, C> {

    @Override
    default PluginKind<?> kind() {
        return PluginKind.SAMPLER;
    }
}
