package org.diffusion4j.api.spi;

import org.apiguardian.api.API;
import org.diffusion4j.api.noise.NoiseSource;

/**
 * Provides a {@link NoiseSource} plugin; list implementations in
 * {@code META-INF/services/org.diffusion4j.api.spi.NoiseSourceProvider}.
 *
 * @param <C> the configuration type
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface NoiseSourceProvider<C> extends PluginProvider<NoiseSource, C> {

    @Override
    default PluginKind<?> kind() {
        return PluginKind.NOISE;
    }
}
